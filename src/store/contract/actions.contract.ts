// Contract of the operator action log: what every implementation must show (run by each store's test through ledger.contract.ts).
import assert from 'node:assert/strict';
import type { ActionLog } from '../ledger.ts';
import { T0 } from '../ledger-fixtures.ts';
import { web, api } from './fixtures.ts';
import { describeContract, type ContractSkip, type StoreFixture } from './harness.ts';

/** describeActionLogContract runs the the operator action log suite against a store opened by `open` on a new, empty ledger. */
export function describeActionLogContract(name: string, open: () => Promise<StoreFixture<ActionLog>>, skip: readonly ContractSkip[] = []): void {
  describeContract<ActionLog>(name, 'ActionLog', open, skip, ({ test }) => {
  test('records operator actions newest first', async ({ store }) => {
    await store.recordAction({ who: 'alice', action: 'pause', workload: { cluster: 'c1', namespace: 'shop', kind: 'Deployment', name: 'web' }, at: T0, result: 'ok' });
    const undo = await store.recordAction({ who: 'bob', action: 'undo', workload: { ...web }, at: T0 + 5, result: 'error', detail: { message: 'paused' } });
    await store.recordAction({ who: 'carol', action: 'restart', workload: { ...api }, at: T0 + 1, result: 'ok' });
    assert.deepEqual((await store.listActions()).map((a) => a.who), ['bob', 'carol', 'alice']);
    const webActions = await store.listActions({ namespace: 'shop', name: 'web' });
    assert.deepEqual(webActions[0], undo);
    assert.equal(webActions.length, 2);
    assert.equal((await store.listActions({ limit: 1 })).length, 1);
  });

  });
}
