import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeStats, percentile, type StatsRow } from './stats.ts';

const percentileRows = [
  { values: [7], p: 50, want: 7 },
  { values: [10, 20, 30, 40], p: 50, want: 20 },
  { values: [10, 20, 30, 40], p: 90, want: 40 },
  { values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], p: 90, want: 9 },
  { values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], p: 50, want: 5 },
] as const;
for (const row of percentileRows) test(`percentile p${row.p} of [${row.values.join(',')}] → ${row.want}`, () => assert.equal(percentile(row.values, row.p), row.want));

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
