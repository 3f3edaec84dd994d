import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Clock } from '../../lib/clock.ts';
import { manualClock, type TestClock } from './testing/manual-clock.ts';
import { bucketRateLimiter, exponentialRateLimiter, maxOfRateLimiter } from './rate-limiter.ts';
import { WorkQueue } from './work-queue.ts';

const manual = (): TestClock => manualClock();

const queue = (clock: Clock = manual()): WorkQueue<string> => new WorkQueue<string>({ clock, rateLimiter: exponentialRateLimiter({ baseMs: 10, maxMs: 100 }) });

test('a key added twice while waiting is handed out once, in first-add order', async () => {
  const q = queue();
  q.add('a');
  q.add('b');
  q.add('a');
  assert.equal(q.len, 2);
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), 'b');
  assert.equal(q.len, 0);
});

test('a key being processed is not handed out again; a re-add is deferred until done', async () => {
  const q = queue();
  q.add('a');
  assert.equal(await q.get(), 'a');
  q.add('a');
  q.add('a');
  assert.equal(q.len, 0, 'the re-add waits for done');
  let second: string | undefined;
  void q.get().then((k) => (second = k));
  await new Promise((r) => setImmediate(r));
  assert.equal(second, undefined, 'no second worker gets a key being processed');
  q.done('a');
  await new Promise((r) => setImmediate(r));
  assert.equal(second, 'a', 'handed out once, after done');
  q.done('a');
  assert.equal(q.len, 0, 'done without a re-add queues nothing');
});

test('a waiting get is woken by add, and by shutDown with undefined', async () => {
  const q = queue();
  const waiting = q.get();
  q.add('x');
  assert.equal(await waiting, 'x');
  const idle = q.get();
  q.shutDown();
  assert.equal(await idle, undefined);
  q.add('y');
  assert.equal(q.len, 0, 'no adds after shutdown');
});

test('addRateLimited backs off exponentially per key, capped, until forget', async () => {
  const clock = manual();
  const q = queue(clock);
  const delays: number[] = [];
  for (let i = 0; i < 6; i++) {
    const before = clock.now();
    q.addRateLimited('a');
    let got: string | undefined;
    void q.get().then((k) => (got = k));
    while (got === undefined) await clock.advance(1);
    delays.push(clock.now() - before);
    q.done('a');
  }
  assert.deepEqual(delays, [10, 20, 40, 80, 100, 100]);
  assert.equal(q.numRequeues('a'), 6);
  assert.equal(q.numRequeues('b'), 0, 'keys back off independently');
  q.forget('a');
  assert.equal(q.numRequeues('a'), 0);
});

test('addAfter keeps the earliest of several delays for one key', async () => {
  const clock = manual();
  const q = queue(clock);
  q.addAfter('a', 50);
  q.addAfter('a', 20);
  q.addAfter('a', 80);
  await clock.advance(19);
  assert.equal(q.len, 0);
  await clock.advance(1);
  assert.equal(q.len, 1);
  await clock.advance(100);
  assert.equal(q.len, 1, 'the later delays did not add it again');
});

test('shutDownWithDrain hands out what is queued and resolves once every key is done', async () => {
  const q = queue();
  q.add('a');
  q.add('b');
  assert.equal(await q.get(), 'a');
  let drained = false;
  const drain = q.shutDownWithDrain().then(() => (drained = true));
  assert.equal(await q.get(), 'b');
  q.done('a');
  await new Promise((r) => setImmediate(r));
  assert.equal(drained, false, 'b is still being processed');
  q.done('b');
  await drain;
  assert.equal(await q.get(), undefined);
});

test('the bucket limiter lets a burst through, then paces at qps', () => {
  const clock = manual();
  const b = bucketRateLimiter<string>({ qps: 10, burst: 2, clock });
  assert.deepEqual([b.when('a'), b.when('b'), b.when('c'), b.when('d')], [0, 0, 100, 200]);
  const both = maxOfRateLimiter(exponentialRateLimiter<string>({ baseMs: 500 }), bucketRateLimiter<string>({ qps: 10, burst: 1, clock }));
  assert.deepEqual([both.when('a'), both.when('a')], [500, 1000]);
});
