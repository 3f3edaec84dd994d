// The reflector's streaming-list decisions against a scripted lister-watcher: what it does when the
// server's stream is compressed, uncompressed, refused, or ignores sendInitialEvents. (Against the
// simulator over real HTTP: streaming-list.sim.test.ts.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TrackerError } from '../lib/errors.ts';
import { ok, type Result } from '../lib/result.ts';
import type { LogFields, Logger } from '../lib/log.ts';
import type { ListerWatcher, ListOptions, ListPage, WatchItem, WatchOptions } from './list-watch.ts';
import { isTombstone } from './delta.ts';
import { keyOf } from './keys.ts';
import { Informer } from './informer.ts';
import { InstantClock } from './testing/fake-lister-watcher.ts';

interface Thing {
  readonly namespace: string;
  readonly name: string;
  readonly resourceVersion: string;
}
const project = (o: unknown): Result<Thing, string> => {
  const m = (o as { metadata: { name: string; resourceVersion: string } }).metadata;
  return ok({ namespace: 'ns', name: m.name, resourceVersion: m.resourceVersion });
};
const thing = (name: string, rv: string): unknown => ({ metadata: { namespace: 'ns', name, resourceVersion: rv } });

/** Scripted answers each watch request by the next script entry; LIST answers the objects given. */
class Scripted implements ListerWatcher {
  readonly requests: ({ verb: 'list' } | { verb: 'watch'; opts: WatchOptions })[] = [];
  readonly #listed: readonly unknown[];
  readonly #watches: ((opts: WatchOptions) => AsyncGenerator<WatchItem>)[];
  constructor(listed: readonly unknown[], watches: ((opts: WatchOptions) => AsyncGenerator<WatchItem>)[]) {
    this.#listed = listed;
    this.#watches = watches;
  }
  list(_opts: ListOptions): Promise<ListPage> {
    this.requests.push({ verb: 'list' });
    return Promise.resolve({ items: this.#listed, resourceVersion: '50', continue: '' });
  }
  async *watch(opts: WatchOptions, signal: AbortSignal): AsyncGenerator<WatchItem> {
    this.requests.push({ verb: 'watch', opts });
    const next = this.#watches.shift();
    if (next === undefined) {
      await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
      return;
    }
    yield* next(opts);
  }
}

function logger(lines: string[]): Logger {
  const l: Logger = { debug: () => {}, info: (m: string, f?: LogFields) => void lines.push(`${m} ${JSON.stringify(f ?? {})}`), warn: (m: string, f?: LogFields) => void lines.push(`${m} ${JSON.stringify(f ?? {})}`), error: () => {}, child: () => l };
  return l;
}

async function runUntil(lw: Scripted, cond: (inf: Informer<Thing>) => boolean, lines: string[] = [], deltas: string[] = []): Promise<Informer<Thing>> {
  const informer = new Informer<Thing>(lw, { project, description: 'Thing in ns', logger: logger(lines), clock: new InstantClock(), random: () => 0.5, streamingList: true });
  informer.addHandler((d) => void deltas.push(`${d.delta.type} ${d.key}${isTombstone(d.delta.object) ? ' (DeletedFinalStateUnknown)' : ''}`));
  const ac = new AbortController();
  const done = informer.run(ac.signal);
  for (let i = 0; i < 5000 && !cond(informer); i++) await new Promise((r) => setImmediate(r));
  ac.abort();
  await done;
  assert.ok(cond(informer), 'reached');
  return informer;
}

test('a compressed streaming list syncs: its initial events replace the store at the end mark, later events apply; the request carries sendInitialEvents and a 1–2 h life', async () => {
  const lw = new Scripted([], [
    async function* (opts) {
      opts.onOpen?.({ compressed: true });
      yield { type: 'ADDED', object: thing('a', '10') };
      yield { type: 'ADDED', object: thing('b', '11') };
      yield { type: 'BOOKMARK', resourceVersion: '11', initialEventsEnd: true };
      yield { type: 'MODIFIED', object: thing('a', '12') };
    },
  ]);
  const inf = await runUntil(lw, (i) => i.store.get(keyOf('ns', 'a'))?.resourceVersion === '12');
  assert.deepEqual(inf.store.list().map((t) => `${t.name}@${t.resourceVersion}`).sort(), ['a@12', 'b@11']);
  const first = lw.requests[0];
  assert.ok(first?.verb === 'watch' && first.opts.sendInitialEvents === true && first.opts.resourceVersion === '');
  assert.equal(first.opts.timeoutSeconds, 5400, '3600 · (1 + 0.5)');
  assert.equal(lw.requests.filter((r) => r.verb === 'list').length, 0);
});

test('an uncompressed stream is given up at its first event for LIST and WATCH, from then on', async () => {
  const lines: string[] = [];
  const lw = new Scripted([thing('a', '10')], [
    async function* (opts) {
      opts.onOpen?.({ compressed: false });
      yield { type: 'ADDED', object: thing('a', '10') };
      throw new Error('must not be read further');
    },
  ]);
  const inf = await runUntil(lw, (i) => i.hasSynced() && lw.requests.length >= 3, lines);
  assert.deepEqual(lw.requests.map((r) => r.verb), ['watch', 'list', 'watch']);
  const resumed = lw.requests[2];
  assert.ok(resumed?.verb === 'watch' && resumed.opts.sendInitialEvents === undefined && resumed.opts.resourceVersion === '50', 'a plain watch from the list');
  assert.equal(inf.store.get(keyOf('ns', 'a'))?.resourceVersion, '10');
  assert.equal(lines.filter((l) => l.startsWith('syncing with LIST and WATCH')).length, 1);
});

test('a server that ignores sendInitialEvents (a BOOKMARK without the end mark first) gets LIST and WATCH', async () => {
  const lines: string[] = [];
  const lw = new Scripted([thing('a', '10')], [
    async function* (opts) {
      opts.onOpen?.({ compressed: true });
      yield { type: 'BOOKMARK', resourceVersion: '10' };
    },
  ]);
  await runUntil(lw, (i) => i.hasSynced() && lw.requests.length >= 3, lines);
  assert.deepEqual(lw.requests.map((r) => r.verb), ['watch', 'list', 'watch']);
  assert.match(lines.join('\n'), /ignored sendInitialEvents/);
});

test('a refusal of the parameters (422) gets LIST and WATCH; any other failure is retried as a streaming list', async () => {
  const refused = new Scripted([thing('a', '10')], [
    // eslint-disable-next-line require-yield
    async function* () {
      throw new TrackerError('INVALID', 'ListOptions is invalid', { cause: { kind: 'ApiFailure', status: 422, reason: 'Invalid', retryAfterMs: undefined, continue: '' } });
    },
  ]);
  const lines: string[] = [];
  await runUntil(refused, (i) => i.hasSynced() && refused.requests.length >= 3, lines);
  assert.match(lines.join('\n'), /refused a streaming list/);
});

test('objects gone from a new streaming list are deleted (DeletedFinalStateUnknown), as after a relist', async () => {
  const lw = new Scripted([], [
    async function* (opts) {
      opts.onOpen?.({ compressed: true });
      yield { type: 'ADDED', object: thing('a', '10') };
      yield { type: 'ADDED', object: thing('gone', '11') };
      yield { type: 'BOOKMARK', resourceVersion: '11', initialEventsEnd: true };
      throw new TrackerError('KUBE_WATCH_EXPIRED', 'too old resource version');
    },
    async function* (opts) {
      opts.onOpen?.({ compressed: true });
      yield { type: 'ADDED', object: thing('a', '10') };
      yield { type: 'BOOKMARK', resourceVersion: '20', initialEventsEnd: true };
    },
  ]);
  const deltas: string[] = [];
  await runUntil(lw, () => deltas.length >= 3, [], deltas);
  assert.deepEqual(deltas, ['ADDED ns/a', 'ADDED ns/gone', 'DELETED ns/gone (DeletedFinalStateUnknown)'], 'a, unchanged, is not delivered again');
  assert.ok(lw.requests.slice(0, 2).every((r) => r.verb === 'watch' && r.opts.sendInitialEvents === true), 'both syncs are streaming lists (410 streams again)');
});
