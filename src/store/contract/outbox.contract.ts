// Contract of the notification outbox: what every implementation must show (run by each store's test through ledger.contract.ts).
import assert from 'node:assert/strict';
import type { OutboxStore } from '../ledger.ts';
import { MINUTE, T0 } from '../ledger-fixtures.ts';
import { rejectsWith, message } from './fixtures.ts';
import { describeContract, type ContractSkip, type StoreFixture } from './harness.ts';

/** describeOutboxStoreContract runs the the notification outbox suite against a store opened by `open` on a new, empty ledger. */
export function describeOutboxStoreContract(name: string, open: () => Promise<StoreFixture<OutboxStore>>, skip: readonly ContractSkip[] = []): void {
  describeContract<OutboxStore>(name, 'OutboxStore', open, skip, ({ test, reopened }) => {
  test('the outbox delivers each message once, across restarts', async (f) => {
    assert.equal(await f.store.enqueueNotifications([message('k1'), message('k2'), message('k1')]), 2);
    assert.equal(await f.store.enqueueNotifications([message('k3', T0 + MINUTE)]), 1);
    const claimed = await f.store.claimDue(T0, 10, 30_000);
    assert.deepEqual(claimed.map((e) => e.idempotencyKey), ['k1', 'k2'], 'k3 is not due yet');
    assert.deepEqual(claimed[0]?.payload, { text: 'k1', n: [1, 2] });
    assert.equal(claimed[0]?.attempts, 1);
    assert.deepEqual(await f.store.claimDue(T0 + 1000, 10, 30_000), [], 'leased entries are not claimed twice');
    await f.store.markDelivered(claimed[0].id, T0 + 2000);
    // crash: k2 was claimed but never marked; k3 never claimed
    await reopened(f, async (s) => {
      assert.equal(await s.enqueueNotifications([message('k1'), message('k2')]), 0, 'a replay after restart enqueues nothing');
      assert.deepEqual((await s.claimDue(T0 + 10_000, 10, 30_000)).map((e) => e.idempotencyKey), [], 'k2 is still leased');
      const again = await s.claimDue(T0 + 60_000, 10, 30_000);
      assert.deepEqual(again.map((e) => `${e.idempotencyKey}#${e.attempts}`), ['k2#2', 'k3#1'], 'lease expired: k2 comes back, k1 never does');
      await s.markFailed(again[0]!.id, T0 + 120_000, 'HTTP 500 from receiver');
      await s.markDelivered(again[1]!.id, T0 + 61_000);
      assert.deepEqual(await s.claimDue(T0 + 100_000, 10, 30_000), [], 'retry waits for nextAttemptAt');
      const retry = await s.claimDue(T0 + 120_000, 10, 30_000);
      assert.deepEqual(retry.map((e) => [e.idempotencyKey, e.lastError]), [['k2', 'HTTP 500 from receiver']]);
      await s.markFailed(retry[0]!.id, null, 'gave up after 3 attempts');
      assert.deepEqual(await s.claimDue(T0 + 10 * 60_000, 10, 30_000), []);
      assert.equal((await s.outboxEntry('k2'))?.status, 'dead');
      assert.equal((await s.outboxEntry('k1'))?.status, 'delivered');
      assert.equal((await s.outboxEntry('k1'))?.deliveredAt, T0 + 2000);
      assert.equal(await s.outboxEntry('nope'), null);
      await rejectsWith(s.markDelivered('987654', T0), 'NOT_FOUND');
    });
  });

  test('claims at most `limit` entries, oldest due first', async ({ store }) => {
    await store.enqueueNotifications([message('late', T0 + 3), message('early', T0 + 1), message('mid', T0 + 2)]);
    const batch = await store.claimDue(T0 + 10, 2, 1000);
    assert.deepEqual(batch.map((e) => e.idempotencyKey), ['early', 'mid']);
    assert.deepEqual((await store.claimDue(T0 + 10, 2, 1000)).map((e) => e.idempotencyKey), ['late']);
  });

  test('concurrent claims never hand one entry to two workers', async ({ store }) => {
    await store.enqueueNotifications(Array.from({ length: 30 }, (_, i) => message(`c${String(i).padStart(2, '0')}`)));
    const batches = await Promise.all([0, 1, 2, 3].map(() => store.claimDue(T0, 12, 60_000)));
    const keys = batches.flatMap((b) => b.map((e) => e.idempotencyKey));
    assert.equal(new Set(keys).size, keys.length, 'no entry claimed twice');
    assert.equal(keys.length, 30, 'every due entry claimed by someone');
  });

  });
}
