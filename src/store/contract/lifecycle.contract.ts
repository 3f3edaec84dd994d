// Contract of the ledger as a whole (restarts, migrations): what every implementation must show (run by each store's test through ledger.contract.ts).
import assert from 'node:assert/strict';
import { isTrackerError } from '../../lib/errors.ts';
import type { LedgerStore } from '../ledger.ts';
import { makeRelease } from '../ledger-fixtures.ts';
import { web, seed } from './fixtures.ts';
import { describeContract, type ContractSkip, type StoreFixture } from './harness.ts';

/** describeLedgerLifecycleContract runs the the ledger as a whole (restarts, migrations) suite against a store opened by `open` on a new, empty ledger. */
export function describeLedgerLifecycleContract(name: string, open: () => Promise<StoreFixture<LedgerStore>>, skip: readonly ContractSkip[] = []): void {
  describeContract<LedgerStore>(name, 'LedgerStore', open, skip, ({ test, reopened }) => {
  test('data survives close and reopen', async (f) => {
    await seed(f.store);
    const before = await f.store.queryReleases({ limit: 100 });
    await reopened(f, async (s) => {
      assert.deepEqual(await s.queryReleases({ limit: 100 }), before);
      assert.equal(await s.nextReleaseNumber(web.uid), 4, 'numbering continues across restarts');
    });
  });

  test('reopening re-runs no migration and keeps the schema version', async (f) => {
    const version = await f.store.schemaVersion();
    assert.ok(version >= 1);
    await f.store.upsertRelease(makeRelease(web, 1));
    await reopened(f, async (s) => {
      assert.equal(await s.schemaVersion(), version);
      assert.equal((await s.queryReleases({})).items.length, 1);
    });
  });

  test('a ledger migrated by a newer rollscope is refused with STORE_MIGRATION_PENDING', async (f) => {
    await f.forgeSchemaVersion(9999);
    await f.store.close();
    await assert.rejects(f.reopen(), (e: unknown) => isTrackerError(e) && e.code === 'STORE_MIGRATION_PENDING' && /9999/.test(e.message) && /upgrade/.test(e.details.hint ?? ''));
  });
  });
}
