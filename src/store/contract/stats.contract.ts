// Contract of delivery stats: what every implementation must show (run by each store's test through ledger.contract.ts).
import assert from 'node:assert/strict';
import type { ReleaseStore, StatsSource } from '../ledger.ts';
import { MINUTE, T0, makeRelease, workloadRef } from '../ledger-fixtures.ts';
import { describeContract, type ContractSkip, type StoreFixture } from './harness.ts';

/** describeStatsSourceContract runs the delivery stats suite against a store opened by `open` on a new, empty ledger. */
export function describeStatsSourceContract(name: string, open: () => Promise<StoreFixture<StatsSource & ReleaseStore>>, skip: readonly ContractSkip[] = []): void {
  describeContract<StatsSource & ReleaseStore>(name, 'StatsSource', open, skip, ({ test }) => {
  test('computes deployment frequency, change failure rate, time to restore and duration percentiles', async ({ store }) => {
    const w = workloadRef('stats', 'app');
    const at = (m: number) => T0 + m * MINUTE;
    await store.upsertRelease(makeRelease(w, 1, { startedAt: at(0), finishedAt: at(2), outcome: 'succeeded' }));
    await store.upsertRelease(makeRelease(w, 2, { startedAt: at(10), finishedAt: at(12), outcome: 'failed' }));
    await store.upsertRelease(makeRelease(w, 3, { startedAt: at(20), finishedAt: at(21), outcome: 'rolled-back' }));
    await store.upsertRelease(makeRelease(w, 4, { startedAt: at(30), finishedAt: at(34), outcome: 'succeeded' }));
    await store.upsertRelease(makeRelease(w, 5, { startedAt: at(40), finishedAt: null, outcome: 'superseded' }));
    await store.upsertRelease(makeRelease(workloadRef('stats', 'db'), 1, { startedAt: at(5), finishedAt: at(15), outcome: 'succeeded' }));
    await store.upsertRelease(makeRelease(workloadRef('elsewhere', 'x'), 1, { startedAt: at(5), outcome: 'failed' }));
    const report = await store.stats({ since: T0, until: T0 + 86_400_000, namespaces: ['stats'], groupBy: 'workload' });
    assert.equal(report.total.releases, 6);
    assert.equal(report.total.deploymentsPerDay, 6);
    assert.equal(report.total.failures, 2);
    assert.equal(report.total.changeFailureRate, 2 / 5);
    assert.equal(report.total.restores, 1);
    assert.deepEqual(report.total.timeToRestoreMs, { p50: 24 * MINUTE, p90: 24 * MINUTE }, 'from the first failure (10) to the fix finishing (34)');
    assert.deepEqual(report.total.durationMs, { p50: 4 * MINUTE, p90: 10 * MINUTE }, 'durations 2, 4, 10 minutes (nearest rank)');
    assert.deepEqual(report.groups.map((g) => [g.name, g.releases, g.changeFailureRate]), [['app', 5, 0.5], ['db', 1, 0]]);
    const byNs = await store.stats({ since: T0, until: at(25) });
    assert.deepEqual(byNs.groups.map((g) => [g.namespace, g.releases, g.failures]), [['elsewhere', 1, 1], ['stats', 4, 2]]);
    assert.equal(byNs.groups[1]?.restores, 1, 'a restore after the window still counts for an incident opened in it');
  });

  });
}
