import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { replicaShare, splitReplicas } from './split.ts';

test('closest-weight split, table (Argo Rollouts canary without a router)', () => {
  const cases: [total: number, weight: number, canary: number][] = [
    [10, 41, 4], // Argo's documented example
    [10, 45, 5], // tie 4 vs 5 (both 5 points off) → the larger canary
    [4, 10, 1], // 0.4 → floor would be 0; neither side may be 0
    [4, 25, 1],
    [4, 50, 2],
    [4, 90, 3], // 3.6 → ceil 4 would leave no stable
    [4, 100, 4],
    [4, 0, 0],
    [5, 10, 1],
    [5, 50, 3], // 2.5 → tie → larger
    [1, 10, 0], // a single replica: closest share wins (0 % beats 100 %), so low steps give the canary no pod
    [1, 50, 1],
    [1, 100, 1],
    [0, 50, 0],
    [3, 33, 1],
    [3, 34, 1],
    [3, 67, 2],
  ];
  for (const [total, weight, canary] of cases)
    assert.deepEqual(splitReplicas(total, weight), { canary, stable: total - canary }, `total ${total} weight ${weight}`);
});

test('split properties: sums to total, neither side 0 for 0<w<100 and total>1, closest share', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 100 }), (total, w) => {
      const s = splitReplicas(total, w);
      assert.equal(s.canary + s.stable, total);
      if (total > 1 && w > 0 && w < 100) assert.ok(s.canary > 0 && s.stable > 0);
      if (total > 1 && w > 0 && w < 100) {
        // no other admissible canary count is strictly closer to w
        for (let c = 1; c < total; c++) assert.ok(Math.abs(replicaShare(s) - w) <= Math.abs((c / total) * 100 - w) + 1e-9);
      }
    }),
  );
});
