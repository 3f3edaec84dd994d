// Contract of watch cursors: what every implementation must show (run by each store's test through ledger.contract.ts).
import assert from 'node:assert/strict';
import type { CursorStore } from '../ledger.ts';
import { T0 } from '../ledger-fixtures.ts';
import { describeContract, type ContractSkip, type StoreFixture } from './harness.ts';

/** describeCursorStoreContract runs the watch cursors suite against a store opened by `open` on a new, empty ledger. */
export function describeCursorStoreContract(name: string, open: () => Promise<StoreFixture<CursorStore>>, skip: readonly ContractSkip[] = []): void {
  describeContract<CursorStore>(name, 'CursorStore', open, skip, ({ test, reopened }) => {
  test('saves watch cursors per cluster, resource and namespace (last write wins)', async (f) => {
    await f.store.saveCursor({ cluster: 'c1', resource: 'pods', namespace: '', resourceVersion: '10', savedAt: T0 });
    await f.store.saveCursor({ cluster: 'c1', resource: 'deployments.apps', namespace: 'shop', resourceVersion: '7', savedAt: T0 });
    await f.store.saveCursor({ cluster: 'c1', resource: 'pods', namespace: '', resourceVersion: '12', savedAt: T0 + 1 });
    await f.store.saveCursor({ cluster: 'c2', resource: 'pods', namespace: '', resourceVersion: '99', savedAt: T0 });
    await reopened(f, async (s) => {
      assert.deepEqual(
        (await s.loadCursors('c1')).map((c) => `${c.resource}/${c.namespace}=${c.resourceVersion}`),
        ['deployments.apps/shop=7', 'pods/=12'],
      );
      assert.deepEqual(await s.loadCursors('none'), []);
    });
  });

  });
}
