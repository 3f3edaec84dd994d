import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../core/clock.ts';
import { WorkQueue } from './work-queue.ts';

const setup = (process: (key: string, q: WorkQueue) => void = () => undefined, opts: { maxRetries?: number } = {}) => {
  const clock = new ManualClock();
  const seen: string[] = [];
  const q: WorkQueue = new WorkQueue({
    clock,
    ...opts,
    process: (key) => {
      seen.push(`${key}@${clock.now() - Date.parse('2026-01-01T00:00:00Z')}`);
      process(key, q);
    },
  });
  return { clock, seen, q };
};

describe('WorkQueue', () => {
  it('deduplicates a key added many times before it runs, and never runs inside add', () => {
    const { clock, seen, q } = setup();
    q.add('a');
    q.add('b');
    q.add('a');
    assert.deepEqual(seen, []);
    clock.advance(0);
    assert.deepEqual(seen, ['a@0', 'b@0']);
  });

  it('processes a key re-added during its own processing once more, afterwards', () => {
    let runs = 0;
    const { clock, seen, q } = setup((key, queue) => {
      if (runs++ === 0) queue.add(key);
    });
    q.add('a');
    clock.advance(0);
    assert.deepEqual(seen, ['a@0', 'a@0']);
  });

  it('addAfter waits, and the earliest pending delay wins', () => {
    const { clock, seen, q } = setup();
    q.addAfter('a', 5000);
    q.addAfter('a', 2000);
    q.addAfter('a', 9000);
    clock.advance(1999);
    assert.deepEqual(seen, []);
    clock.advance(10_000);
    assert.deepEqual(seen, ['a@2000']);
  });

  it('retries a failing key with exponential back-off, and resets it after a success', () => {
    let failures = 3;
    const { clock, seen, q } = setup(() => {
      if (failures-- > 0) throw new Error('conflict');
    });
    q.add('a');
    clock.advance(1000);
    assert.deepEqual(seen, ['a@0', 'a@5', 'a@15', 'a@35']);
    assert.equal(q.failures('a'), 0);
  });

  it('drops a key after maxRetries failures', () => {
    const { clock, seen, q } = setup(() => {
      throw new Error('always');
    }, { maxRetries: 2 });
    q.add('a');
    clock.advance(60_000);
    assert.equal(seen.length, 3);
  });

  it('stop cancels queued and delayed keys and ignores later adds', () => {
    const { clock, seen, q } = setup();
    q.add('a');
    q.addAfter('b', 100);
    q.stop();
    q.add('c');
    clock.advance(1000);
    assert.deepEqual(seen, []);
    assert.equal(clock.pendingTimers(), 0);
  });
});
