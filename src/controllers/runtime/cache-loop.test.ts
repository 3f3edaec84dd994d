import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manualClock, type TestClock } from './testing/manual-clock.ts';
import { cacheLoop, type ChangeSource } from './cache-loop.ts';

const manual = (): TestClock => manualClock(5);

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

/** Source is a cache whose sync and changes the test drives. */
class Source implements ChangeSource<string> {
  synced = false;
  readonly handlers = new Set<(d: string) => void>();
  hasSynced(): boolean {
    return this.synced;
  }
  onDelta(fn: (d: string) => void): () => void {
    this.handlers.add(fn);
    return () => this.handlers.delete(fn);
  }
  emit(d: string): void {
    for (const fn of this.handlers) fn(d);
  }
}

function setup(resyncMs = 1_000): { clock: ReturnType<typeof manual>; looks: string[]; current: { source: Source | null }; loop: ReturnType<typeof cacheLoop<Source, string>>; errors: unknown[] } {
  const clock = manual();
  const looks: string[] = [];
  const errors: unknown[] = [];
  const current: { source: Source | null } = { source: null };
  let n = 0;
  const loop = cacheLoop<Source, string>({
    cache: () => current.source,
    relevant: (d) => d.startsWith('yes'),
    resyncMs,
    pendingMs: 10,
    clock,
    look: async () => {
      looks.push(`look ${++n} at ${clock.now()}`);
      if (n === 2) throw new Error('second look fails');
    },
    onError: (e) => errors.push(e),
  });
  return { clock, looks, current, loop, errors };
}

test('a cache loop waits for a synced cache, then looks on relevant changes, pokes and every resync', async () => {
  const { clock, looks, current, loop, errors } = setup();
  const stop = new AbortController();
  const done = loop.run(stop.signal);
  await clock.advance(50);
  assert.deepEqual(looks, [], 'no cache yet: no look');
  const source = new Source();
  current.source = source;
  await clock.advance(50);
  assert.deepEqual(looks, [], 'a cache that has not synced is not looked at');
  assert.equal(source.handlers.size, 1, 'subscribed as soon as the cache appears');
  source.synced = true;
  await clock.advance(10);
  assert.equal(looks.length, 1, 'looks once it synced');
  source.emit('no: another object');
  await settle();
  assert.equal(looks.length, 1, 'an irrelevant change waits for the resync');
  source.emit('yes: a watched object changed');
  source.emit('yes: and again');
  await settle();
  assert.equal(looks.length, 2, 'relevant changes before the look are one look');
  assert.equal(errors.length, 1, 'a failing look is reported and the loop goes on');
  loop.poke();
  await settle();
  assert.equal(looks.length, 3, 'a poke looks at once');
  await clock.advance(999);
  assert.equal(looks.length, 3);
  await clock.advance(1);
  assert.equal(looks.length, 4, 'resync after resyncMs without changes');
  stop.abort();
  await done;
  assert.equal(source.handlers.size, 0, 'unsubscribed when stopped');
});

test('a new cache (a new leader term) is subscribed to and looked at; the old one is let go', async () => {
  const { clock, looks, current, loop } = setup(5_000);
  const stop = new AbortController();
  const first = new Source();
  first.synced = true;
  current.source = first;
  const done = loop.run(stop.signal);
  await settle();
  assert.equal(looks.length, 1);
  const second = new Source();
  second.synced = true;
  current.source = second;
  loop.poke();
  await settle();
  assert.equal(first.handlers.size, 0, 'the old cache is unsubscribed');
  assert.equal(second.handlers.size, 1);
  second.emit('yes');
  await settle();
  assert.ok(looks.length >= 3, `the new cache's changes are looked at (${looks.join(', ')})`);
  await clock.advance(1);
  stop.abort();
  await done;
});
