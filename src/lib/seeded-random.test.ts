import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from './seeded-random.ts';

test('seededRandom repeats its sequence for a seed, differs between seeds, and stays in [0, 1)', () => {
  const take = (seed: number): number[] => {
    const next = seededRandom(seed);
    return Array.from({ length: 1000 }, () => next());
  };
  const a = take(7);
  assert.deepEqual(take(7), a);
  assert.notDeepEqual(take(8), a);
  for (const v of a) assert.ok(v >= 0 && v < 1, `${v} out of [0, 1)`);
  // Pinned so the generator cannot change silently: recorded scenarios and test expectations depend on it.
  assert.equal(seededRandom(1)(), 0.6270739405881613);
});
