// Contract of the ledger as a whole (restarts, migrations): what every implementation must show (run by each store's test through ledger.contract.ts).
import assert from 'node:assert/strict';
import { isTrackerError } from '../../lib/errors.ts';
import type { LedgerStore } from '../ledger.ts';
import { makeRelease } from '../ledger-fixtures.ts';
import { message, web, seed } from './fixtures.ts';
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

  test('a release write and the messages it calls for (upsertRelease `outbox`) are stored together or not at all', async ({ store }) => {
    const r1 = makeRelease(web, 1);
    const done = { ...r1, outcome: 'succeeded' as const, finishedAt: r1.startedAt + 60_000 };
    const seen: string[] = [];
    const stored = await store.upsertRelease(done, (next) => {
      seen.push(next.outcome);
      return [message(`${next.id}:${next.outcome}/hook`)];
    });
    assert.deepEqual(seen, ['succeeded'], 'the function sees the release as stored');
    assert.equal(stored.outcome, 'succeeded');
    assert.equal((await store.outboxEntry(`${r1.id}:succeeded/hook`))?.status, 'pending');
    assert.equal(await store.enqueueNotifications([message(`${r1.id}:succeeded/hook`)]), 0, 'the key is taken: no second message');
    // A failure while computing the messages rolls the release write back with them.
    const r2 = makeRelease(web, 2);
    await assert.rejects(store.upsertRelease(r2, () => { throw new Error('boom'); }), /boom/);
    assert.equal(await store.getRelease(r2.id), null, 'no release without its messages');
  });

  test('a ledger migrated by a newer rollscope is refused with STORE_MIGRATION_PENDING', async (f) => {
    await f.forgeSchemaVersion(9999);
    await f.store.close();
    await assert.rejects(f.reopen(), (e: unknown) => isTrackerError(e) && e.code === 'STORE_MIGRATION_PENDING' && /9999/.test(e.message) && /upgrade/.test(e.details.hint ?? ''));
  });
  });
}
