import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeStats, Occurrences, percentile, selectInPlace, type StatsRow } from './stats.ts';

const percentileRows = [
  { values: [7], p: 50, want: 7 },
  { values: [10, 20, 30, 40], p: 50, want: 20 },
  { values: [10, 20, 30, 40], p: 90, want: 40 },
  { values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], p: 90, want: 9 },
  { values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], p: 50, want: 5 },
] as const;
for (const row of percentileRows) test(`percentile p${row.p} of [${row.values.join(',')}] → ${row.want}`, () => assert.equal(percentile(row.values, row.p), row.want));

/** lcg is a seeded generator, so a failing case can be replayed. */
function lcg(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return Math.floor((x / 2 ** 31) * n);
  };
}

test('Occurrences: percentiles by selection equal percentile over the sorted occurrences (random, sorted, reversed, duplicate-heavy, counts)', () => {
  const r = lcg(11);
  const shapes: ((i: number, n: number) => number)[] = [
    () => r(1_000_000) - 1_000, () => r(3), (i) => i, (i, n) => n - i, () => 42, (i) => (i % 2 === 0 ? i : -i), (i) => (i * 7_919) % 240_000,
  ];
  for (const size of [1, 2, 3, 15, 16, 17, 100, 1_001, 20_000]) {
    for (const [s, shape] of shapes.entries()) {
      const occ = new Occurrences();
      const all: number[] = [];
      for (let i = 0; i < size;) {
        const n = Math.min(size - i, s === 3 ? size : 1 + r(3));
        const v = shape(i, size);
        if (i % 3 === 0) {
          const part = new Occurrences();
          part.add(v, n);
          occ.addAll(part);
        } else occ.add(v, n);
        for (let k = 0; k < n; k++) all.push(v);
        i += n;
      }
      const sorted = [...all].sort((a, b) => a - b);
      assert.equal(occ.size, size);
      assert.deepEqual(occ.percentiles(), { p50: percentile(sorted, 50), p90: percentile(sorted, 90) }, `size ${size}, shape ${s}`);
      assert.deepEqual(occ.percentiles(), { p50: percentile(sorted, 50), p90: percentile(sorted, 90) }, 'again, after reordering');
    }
  }
  assert.equal(new Occurrences().percentiles(), null);
  const none = new Occurrences();
  none.add(5, 0);
  assert.equal(none.size, 0);
});

test('selectInPlace: a[k] is the k-th smallest, everything before ≤ it and after ≥ it', () => {
  const r = lcg(5);
  for (const size of [2, 17, 500, 5_000]) {
    const a = Float64Array.from({ length: size }, () => r(size / 4 + 1));
    const sorted = [...a].sort((x, y) => x - y);
    for (const k of [0, size >> 1, size - 1, r(size)]) {
      selectInPlace(a, k, 0, size - 1);
      assert.equal(a[k], sorted[k], `size ${size}, k ${k}`);
      for (let i = 0; i < size; i++) assert.ok(i < k ? (a[i] ?? 0) <= (a[k] ?? 0) : (a[i] ?? 0) >= (a[k] ?? 0), `position ${i} around k ${k}`);
    }
  }
});

const row = (uid: string, startedAt: number, outcome: StatsRow['outcome'], finishedAt: number | null = null): StatsRow => ({
  workloadUid: uid, cluster: 'c', namespace: 'ns', kind: 'Deployment', name: uid, startedAt, finishedAt, outcome,
});

test('computeStats: an empty window has no rates, not zero rates', () => {
  const r = computeStats([], { since: 0, until: 86_400_000 });
  assert.equal(r.total.releases, 0);
  assert.equal(r.total.changeFailureRate, null);
  assert.equal(r.total.timeToRestoreMs, null);
  assert.equal(r.total.durationMs, null);
  assert.deepEqual(r.groups, []);
});

test('computeStats: consecutive failures are one incident; an unrestored incident counts no restore', () => {
  const rows = [row('a', 10, 'failed', 11), row('a', 20, 'rolled-back', 21), row('a', 30, 'succeeded', 40), row('b', 50, 'failed', 55)];
  const r = computeStats(rows, { since: 0, until: 100 });
  assert.equal(r.total.restores, 1);
  assert.deepEqual(r.total.timeToRestoreMs, { p50: 30, p90: 30 });
  assert.equal(r.total.changeFailureRate, 3 / 4);
});

test('computeStats: releases before `since` are neither counted nor open incidents', () => {
  const r = computeStats([row('a', 5, 'succeeded', 6), row('a', 15, 'succeeded', 18)], { since: 10, until: 100 });
  assert.equal(r.total.releases, 1);
  assert.deepEqual(r.total.durationMs, { p50: 3, p90: 3 });
});
