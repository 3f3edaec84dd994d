import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CompressedClock, ManualClock, ScaledClock } from './clock.ts';

test('ManualClock runs due timers in time order, same-instant timers in scheduling order', () => {
  const c = new ManualClock(0);
  const seen: string[] = [];
  c.schedule(30, () => seen.push(`c@${c.now()}`));
  c.schedule(10, () => seen.push(`a@${c.now()}`));
  c.schedule(10, () => seen.push(`b@${c.now()}`));
  const cancel = c.schedule(20, () => seen.push('cancelled'));
  cancel();
  assert.equal(c.pendingTimers(), 3);
  c.advance(25);
  assert.deepEqual(seen, ['a@10', 'b@10']);
  assert.equal(c.now(), 25);
  c.advance(5);
  assert.deepEqual(seen, ['a@10', 'b@10', 'c@30']);
  assert.equal(c.pendingTimers(), 0);
});

test('ManualClock: timers scheduled by a timer run in the same advance when due', () => {
  const c = new ManualClock(0);
  const seen: number[] = [];
  c.schedule(5, () => {
    seen.push(c.now());
    c.schedule(5, () => seen.push(c.now()));
  });
  c.advance(100);
  assert.deepEqual(seen, [5, 10]);
});

test('ManualClock keeps order over many random timers (heap property)', () => {
  const c = new ManualClock(0);
  const fired: number[] = [];
  let x = 12345;
  for (let i = 0; i < 5000; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const at = x % 10_000;
    c.schedule(at, () => fired.push(c.now()));
  }
  c.advance(10_000);
  assert.equal(fired.length, 5000);
  for (let i = 1; i < fired.length; i++) assert.ok(fired[i - 1]! <= fired[i]!);
});

test('ScaledClock runs simulated time speed× faster and rejects a bad speed', () => {
  let real = 1000;
  const c = new ScaledClock({ speed: 10, realNow: () => real, start: 0 });
  real += 50;
  assert.equal(c.now(), 500);
  assert.throws(() => new ScaledClock({ speed: 0 }), /speed must be > 0/);
});

test('ScaledClock at speed N > 1 starts behind the wall clock and stays behind for the lag horizon', () => {
  let real = 1_000_000_000;
  const c = new ScaledClock({ speed: 10, realNow: () => real });
  assert.ok(c.now() < real);
  real += 2 * 3_600_000 - 1000; // just inside the horizon
  assert.ok(c.now() < real, 'still behind');
  const one = new ScaledClock({ speed: 1, realNow: () => real });
  assert.equal(one.now(), real, 'speed 1 is the wall clock');
});

test('CompressedClock: timestamps are the wall clock, timers fire speed× sooner', async () => {
  let real = 1_000_000;
  const c = new CompressedClock({ speed: 20, realNow: () => real });
  assert.equal(c.now(), 1_000_000);
  real += 500;
  assert.equal(c.now(), 1_000_500, 'time passes at the wall clock’s pace');
  const started = Date.now();
  await new Promise<void>((done) => c.schedule(2_000, done));
  const took = Date.now() - started;
  assert.ok(took >= 90 && took < 1_000, `a 2 s timer at 20× fires after ~100 ms, took ${took} ms`);
  assert.throws(() => new CompressedClock({ speed: -1 }), /speed must be > 0/);
});
