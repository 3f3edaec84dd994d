import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeltaQueue, isTombstone, newest } from './delta-queue.ts';
import { keyOf } from './keys.ts';

const a = keyOf('ns', 'a');
const b = keyOf('ns', 'b');

test('DeltaQueue: keys come out in first-queued order with their deltas oldest first', () => {
  const q = new DeltaQueue<string>();
  q.add(a, { type: 'ADDED', object: 'a1' });
  q.add(b, { type: 'ADDED', object: 'b1' });
  q.add(a, { type: 'MODIFIED', object: 'a2' });
  assert.equal(q.length, 2);
  const first = q.pop();
  assert.equal(first?.key, a);
  assert.deepEqual(first?.deltas.map((d) => d.object), ['a1', 'a2']);
  assert.equal(first && newest(first.deltas).object, 'a2');
  assert.equal(q.pop()?.key, b);
  assert.equal(q.pop(), undefined);
});

test('DeltaQueue: two Deleted in a row collapse into the later one', () => {
  const q = new DeltaQueue<string>();
  q.add(a, { type: 'DELETED', object: 'a1' });
  q.add(a, { type: 'DELETED', object: { kind: 'DeletedFinalStateUnknown', key: a, last: 'a1' } });
  const d = q.pop()?.deltas;
  assert.equal(d?.length, 1);
  assert.ok(d && isTombstone(d[0].object));
});

test('DeltaQueue: a key re-added after pop goes to the tail', () => {
  const q = new DeltaQueue<string>();
  q.add(a, { type: 'ADDED', object: 'a1' });
  q.add(b, { type: 'ADDED', object: 'b1' });
  q.pop();
  q.add(a, { type: 'MODIFIED', object: 'a2' });
  assert.deepEqual([q.pop()?.key, q.pop()?.key], [b, a]);
});
