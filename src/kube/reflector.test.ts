import type { WatchOptions } from './list-watch.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Logger, LogFields } from '../lib/log.ts';
import { err, ok, type Result } from '../lib/result.ts';
import { isTombstone } from './delta.ts';
import { Informer, type InformerDelta } from './informer.ts';
import { FakeListerWatcher, InstantClock } from './testing/fake-lister-watcher.ts';

interface Thing {
  readonly namespace: string;
  readonly name: string;
  readonly resourceVersion: string;
  readonly color: string;
}

function projectThing(o: unknown): Result<Thing, string> {
  const x = o as { metadata?: { namespace?: string; name?: string; resourceVersion?: string }; color?: unknown };
  if (typeof x.color !== 'string') return err(`Thing ${x.metadata?.namespace}/${x.metadata?.name}: color is ${typeof x.color}, expected string`);
  return ok(Object.freeze({ namespace: x.metadata?.namespace ?? '', name: x.metadata?.name ?? '', resourceVersion: x.metadata?.resourceVersion ?? '', color: x.color }));
}

function recordingLogger(): Logger & { lines: { level: string; msg: string; fields: LogFields }[] } {
  const lines: { level: string; msg: string; fields: LogFields }[] = [];
  const logger = {
    lines,
    debug: (msg: string, fields: LogFields = {}) => lines.push({ level: 'debug', msg, fields }),
    info: (msg: string, fields: LogFields = {}) => lines.push({ level: 'info', msg, fields }),
    warn: (msg: string, fields: LogFields = {}) => lines.push({ level: 'warn', msg, fields }),
    error: (msg: string, fields: LogFields = {}) => lines.push({ level: 'error', msg, fields }),
    child: () => logger,
  };
  return logger;
}

/** settle lets the reflector run until `cond` holds (bounded by turns of the event loop, not by time). */
async function settle(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 5000; i++) {
    if (cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  assert.fail(`never reached: ${what}`);
}

function setup(opts: { pageSize?: number; random?: () => number } = {}) {
  const lw = new FakeListerWatcher();
  const clock = new InstantClock();
  const logger = recordingLogger();
  const informer = new Informer<Thing>(lw, { project: projectThing, description: 'Thing in all namespaces', logger, clock, random: opts.random ?? (() => 0.5), pageSize: opts.pageSize ?? 500, minWatchTimeoutSeconds: 300 });
  const seen: InformerDelta<Thing>[] = [];
  informer.addHandler((d) => seen.push(d));
  const ac = new AbortController();
  let done: Promise<void> = Promise.resolve();
  /** start runs the informer (call it after seeding the fake server). */
  const start = (): void => {
    done = informer.run(ac.signal);
  };
  const stop = async (): Promise<void> => {
    ac.abort();
    await done;
    assert.equal(lw.openWatches, 0, 'no watch left open');
  };
  /** storeMatches: the informer's store equals the fake server's objects. */
  const storeMatches = (): boolean => {
    const want = [...lw.objects.values()].map((o) => `${o.metadata.namespace}/${o.metadata.name}@${o.metadata.resourceVersion}`).sort();
    const have = informer.store.list().map((t) => `${t.namespace}/${t.name}@${t.resourceVersion}`).sort();
    return JSON.stringify(want) === JSON.stringify(have);
  };
  return { lw, clock, logger, informer, seen, start, stop, storeMatches };
}

test('lists in pages of pageSize, then watches from the list resourceVersion with bookmarks and a randomised timeout', async () => {
  const s = setup({ pageSize: 2, random: () => 0.25 });
  for (const n of ['a', 'b', 'c', 'd', 'e']) s.lw.upsert('ns', n, { color: 'red' });
  s.start();
  await settle(() => s.informer.hasSynced() && s.lw.openWatches === 1, 'synced and watching');
  const lists = s.lw.requests.filter((r) => r.verb === 'list');
  assert.deepEqual(lists.map((r) => r.opts), [{ limit: 2 }, { limit: 2, continue: '0:2:105' }, { limit: 2, continue: '0:4:105' }]);
  const watch = s.lw.requests.find((r) => r.verb === 'watch');
  const { onOpen, onClose, ...watchOpts } = (watch?.opts ?? {}) as WatchOptions;
  assert.equal(typeof onOpen, 'function', 'the reflector learns when the watch opened (health)');
  assert.equal(typeof onClose, 'function', 'and what the stream carried when it ends (stream-plan.ts)');
  assert.deepEqual(watchOpts, { resourceVersion: '105', timeoutSeconds: 375, allowWatchBookmarks: true }); // 300 · (1 + 0.25)
  assert.equal(s.informer.store.size, 5);
  assert.deepEqual(s.seen.map((d) => d.delta.type), ['ADDED', 'ADDED', 'ADDED', 'ADDED', 'ADDED']);
  await s.stop();
});

test('watch events update the store; handlers see the previous record', async () => {
  const s = setup();
  s.lw.upsert('ns', 'a', { color: 'red' });
  s.start();
  await settle(() => s.lw.openWatches === 1, 'watching');
  s.lw.upsert('ns', 'a', { color: 'blue' });
  s.lw.upsert('ns', 'b', { color: 'green' });
  s.lw.remove('ns', 'b');
  await settle(() => s.seen.length === 4, 'four deltas');
  assert.deepEqual(s.seen.map((d) => [d.key, d.delta.type]), [['ns/a', 'ADDED'], ['ns/a', 'MODIFIED'], ['ns/b', 'ADDED'], ['ns/b', 'DELETED']]);
  assert.equal(s.seen[1]?.previous?.color, 'red');
  assert.equal(s.informer.store.get('ns/a' as never)?.color, 'blue');
  assert.ok(s.storeMatches());
  assert.equal(s.informer.resourceVersion, s.lw.resourceVersion);
  await s.stop();
});

test('bookmarks advance the cursor; a dropped watch resumes from it without relisting', async () => {
  const s = setup();
  s.lw.upsert('ns', 'a', { color: 'red' });
  s.start();
  await settle(() => s.lw.openWatches === 1, 'watching');
  s.lw.bookmark();
  await settle(() => s.informer.resourceVersion === s.lw.resourceVersion, 'cursor at the bookmark');
  const bookmarkRv = s.informer.resourceVersion;
  s.clock.advance(5000); // the watch lived a while: not a "very short watch"
  s.lw.dropWatches();
  await settle(() => s.lw.requests.filter((r) => r.verb === 'watch').length === 2 && s.lw.openWatches === 1, 're-watched');
  const rewatch = s.lw.requests.filter((r) => r.verb === 'watch')[1];
  assert.equal((rewatch?.opts as { resourceVersion: string }).resourceVersion, bookmarkRv);
  assert.equal(s.lw.requests.filter((r) => r.verb === 'list').length, 1, 'no relist');
  assert.deepEqual(s.clock.sleeps, [], 'a clean end re-watches at once');
  assert.equal(s.informer.stats().bookmarks, 1);
  await s.stop();
});

test('410 on resume → relist, and deletions missed meanwhile arrive as DeletedFinalStateUnknown', async () => {
  const s = setup();
  for (const n of ['a', 'b', 'c']) s.lw.upsert('ns', n, { color: 'red' });
  s.start();
  await settle(() => s.lw.openWatches === 1 && s.informer.store.size === 3, 'watching');
  s.clock.advance(5000);
  s.lw.dropWatches();
  // While disconnected: b is deleted and c modified without our seeing it, d is created; history is compacted.
  s.lw.remove('ns', 'b', { silent: true });
  s.lw.upsert('ns', 'c', { color: 'blue' }, { silent: true });
  s.lw.upsert('ns', 'd', { color: 'green' }, { silent: true });
  s.lw.compact();
  await settle(() => s.lw.requests.filter((r) => r.verb === 'list').length === 2 && s.lw.openWatches === 1, 'relisted and watching');
  assert.ok(s.storeMatches());
  const after = s.seen.slice(3).map((d) => [d.key, d.delta.type, isTombstone(d.delta.object)]);
  assert.deepEqual(after, [['ns/b', 'DELETED', true], ['ns/c', 'MODIFIED', false], ['ns/d', 'ADDED', false]]);
  const tomb = s.seen[3]?.delta.object;
  assert.ok(tomb && isTombstone(tomb) && tomb.last?.name === 'b', 'the tombstone carries the last known state');
  assert.ok(s.logger.lines.some((l) => l.msg === 'watch expired; relisting'));
  assert.deepEqual(s.clock.sleeps, [], 'the first expiry relists at once');
  await s.stop();
});

test('an expired continue token restarts the list from the first page', async () => {
  const s = setup({ pageSize: 2 });
  for (const n of ['a', 'b', 'c', 'd', 'e']) s.lw.upsert('ns', n, { color: 'red' });
  s.lw.expireContinueAfterFirstPage = true;
  s.start();
  await settle(() => s.informer.hasSynced() && s.lw.openWatches === 1, 'synced');
  const lists = s.lw.requests.filter((r) => r.verb === 'list').map((r) => (r.opts as { continue?: string }).continue ?? 'first');
  assert.deepEqual(lists, ['first', '0:2:105', 'first', '1:2:105', '1:4:105']);
  assert.ok(s.storeMatches());
  assert.equal(s.seen.length, 5, 'each object added once');
  await s.stop();
});

test('429 with Retry-After: waits at least that long, then carries on', async () => {
  const s = setup({ random: () => 0 });
  s.lw.failNextList(429, 'Too many requests, please try again later.', '7');
  s.lw.upsert('ns', 'a', { color: 'red' });
  s.start();
  await settle(() => s.informer.hasSynced() && s.lw.openWatches === 1, 'synced after the 429');
  assert.deepEqual(s.clock.sleeps, [7000]);
  assert.ok(s.logger.lines.some((l) => l.level === 'warn' && l.fields.code === 'KUBE_UNAVAILABLE' && l.fields.retryInMs === 7000));
  await s.stop();
});

test('repeated failures back off exponentially (0.8 s, 1.6 s, 3.2 s …)', async () => {
  const s = setup({ random: () => 0 });
  for (let i = 0; i < 4; i++) s.lw.failNextList(503, '{"kind":"Status","code":503,"message":"unavailable"}');
  s.start();
  await settle(() => s.informer.hasSynced(), 'synced');
  assert.deepEqual(s.clock.sleeps, [800, 1600, 3200, 6400]);
  await s.stop();
});

test('a very short watch (closed at once without an event) backs off instead of spinning', async () => {
  const s = setup({ random: () => 0 });
  s.start();
  await settle(() => s.lw.openWatches === 1, 'watching');
  s.lw.dropWatches(); // the clock has not moved: the watch lasted 0 ms
  await settle(() => s.clock.sleeps.length === 1, 'backed off');
  assert.deepEqual(s.clock.sleeps, [800]);
  await settle(() => s.lw.openWatches === 1, 'watching again');
  await s.stop();
});

test('a malformed object is skipped with a warning naming it; the reflector keeps running', async () => {
  const s = setup();
  s.lw.upsert('ns', 'good', { color: 'red' });
  s.lw.upsert('ns', 'bad', { color: 42 });
  s.start();
  await settle(() => s.lw.openWatches === 1, 'watching');
  assert.equal(s.informer.store.size, 1);
  s.lw.upsert('ns', 'worse', { color: ['x'] });
  s.lw.upsert('ns', 'later', { color: 'blue' });
  await settle(() => s.informer.store.size === 2, 'kept going');
  const warnings = s.logger.lines.filter((l) => l.msg === 'skipping malformed object').map((l) => l.fields.error);
  assert.deepEqual(warnings, ['Thing ns/bad: color is number, expected string', 'Thing ns/worse: color is object, expected string']);
  assert.equal(s.informer.stats().malformed, 2);
  await s.stop();
});

test('a DELETED event whose object no longer projects still removes the record', async () => {
  const s = setup();
  s.lw.upsert('ns', 'a', { color: 'red' });
  s.start();
  await settle(() => s.lw.openWatches === 1, 'watching');
  s.lw.upsert('ns', 'a', { color: 7 }, { silent: true });
  s.lw.remove('ns', 'a');
  await settle(() => s.informer.store.size === 0, 'deleted');
  assert.equal(s.seen.at(-1)?.delta.type, 'DELETED');
  await s.stop();
});

test('a throwing handler is logged and does not stop the others', async () => {
  const s = setup();
  s.informer.addHandler(() => {
    throw new Error('boom');
  });
  s.lw.upsert('ns', 'a', { color: 'red' });
  s.start();
  await settle(() => s.seen.length === 1, 'delivered');
  assert.ok(s.logger.lines.some((l) => l.level === 'error' && l.fields.error === 'boom'));
  await s.stop();
});

test('aborting stops a reflector that is waiting in backoff', async () => {
  const lw = new FakeListerWatcher();
  for (let i = 0; i < 3; i++) lw.failNextList(500);
  const sleeps: number[] = [];
  const ac = new AbortController();
  const clock = {
    now: () => 0,
    sleep: (ms: number, signal?: AbortSignal) =>
      new Promise<void>((_resolve, reject) => {
        sleeps.push(ms);
        signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
      }),
  };
  const informer = new Informer<Thing>(lw, { project: projectThing, description: 'Thing', clock, random: () => 0 });
  const done = informer.run(ac.signal);
  await settle(() => sleeps.length === 1, 'in backoff');
  ac.abort();
  await done;
  assert.equal(informer.hasSynced(), false);
});

test('a watch that expires right after a fresh list backs off before listing again', async () => {
  const s = setup({ random: () => 0 });
  s.lw.upsert('ns', 'a', { color: 'red' });
  s.start();
  await settle(() => s.lw.openWatches === 1, 'watching');
  s.lw.failNextWatch(410, '{"kind":"Status","code":410,"reason":"Expired","message":"too old"}');
  s.lw.failNextWatch(410, '{"kind":"Status","code":410,"reason":"Expired","message":"too old"}');
  s.clock.advance(5000);
  s.lw.dropWatches(); // re-watch → 410 → relist at once (last list 5 s ago) → watch → 410 again within 0 ms of that list → back off
  await settle(() => s.lw.requests.filter((r) => r.verb === 'list').length === 3 && s.lw.openWatches === 1, 'relisted twice');
  assert.deepEqual(s.clock.sleeps, [800]);
  assert.ok(s.storeMatches());
  await s.stop();
});

test('on relist, an object that turned malformed keeps its last good record (it is not deleted)', async () => {
  const s = setup();
  s.lw.upsert('ns', 'a', { color: 'red' });
  s.lw.upsert('ns', 'b', { color: 'red' });
  s.start();
  await settle(() => s.lw.openWatches === 1 && s.informer.store.size === 2, 'watching');
  s.clock.advance(5000);
  s.lw.dropWatches();
  s.lw.upsert('ns', 'a', { color: 9 }, { silent: true });
  s.lw.remove('ns', 'b', { silent: true });
  s.lw.compact();
  await settle(() => s.lw.requests.filter((r) => r.verb === 'list').length === 2 && s.lw.openWatches === 1, 'relisted');
  assert.equal(s.informer.store.get('ns/a' as never)?.color, 'red');
  assert.equal(s.informer.store.has('ns/b' as never), false);
  await s.stop();
});

test('a projection that throws (a broken contract) skips the object instead of failing the watch forever', async () => {
  const lw = new FakeListerWatcher();
  const clock = new InstantClock();
  const logger = recordingLogger();
  const informer = new Informer<Thing>(lw, {
    project: (o) => {
      if ((o as { color?: unknown }).color === 'boom') throw new RangeError('Maximum call stack size exceeded');
      return projectThing(o);
    },
    description: 'Thing in ns',
    logger,
    clock,
  });
  lw.upsert('ns', 'a', { color: 'red' });
  const ac = new AbortController();
  const done = informer.run(ac.signal);
  await settle(() => lw.openWatches === 1, 'watching');
  lw.upsert('ns', 'b', { color: 'boom' });
  lw.upsert('ns', 'c', { color: 'blue' });
  await settle(() => informer.store.size === 2, 'kept going');
  assert.ok(logger.lines.some((l) => l.msg === 'skipping malformed object' && String(l.fields.error).includes('projection threw Maximum call stack size exceeded on ns/b')));
  assert.deepEqual(clock.sleeps, []);
  ac.abort();
  await done;
});
