// The behaviour every CanaryStore must show; run by describeLedgerContract for each LedgerStore.
import assert from 'node:assert/strict';
import { foldCanary, type CanaryEntry } from '../canary/ledger.ts';
import type { CanaryRecord, CanaryStatus, Phase } from '../canary/record.ts';
import type { LedgerStore } from './ledger.ts';
import { MINUTE, T0 } from './ledger-fixtures.ts';

/** canaryEntry folds a record and status into a ledger entry (as the tracker does). */
export function canaryEntry(o: { id: string; namespace?: string; name?: string; cluster?: string; phase?: Phase; startedAt?: number; stepIndex?: number }): CanaryEntry {
  const namespace = o.namespace ?? 'shop';
  const name = o.name ?? 'web';
  const startedAt = o.startedAt ?? T0;
  const record: CanaryRecord = {
    v: 1, id: o.id, namespace, name, canaryName: `${name}-canary`, baselineName: null, images: { app: 'web:2' }, fromImages: { app: 'web:1' },
    steps: [{ weight: 10, pause: { kind: 'none' } }, { weight: 50, pause: { kind: 'none' } }, { weight: 100, pause: { kind: 'none' } }],
    total: 4, service: 'web', serviceSelector: { app: 'web' }, analysis: null, startedAt,
  };
  const phase = o.phase ?? 'progressing';
  const status: CanaryStatus = {
    v: 1, id: o.id, phase, stepIndex: o.stepIndex ?? 1, stepReachedAt: startedAt + MINUTE, pauseUntil: null, counters: {},
    measurements: [{ metric: 'success-rate', step: 0, at: startedAt + 30_000, query: 'q', value: 0.999, stableQuery: 'sq', stableValue: 1, canaryRate: 1, stableRate: 3, condition: 'success: result >= 0.99', verdict: 'successful', reason: 'ok' }],
    message: phase, attempt: 1, handledCommand: null, holder: 'cli-a', holderUntil: startedAt + 2 * MINUTE, updatedAt: startedAt + MINUTE,
    finishedAt: phase === 'promoted' || phase === 'aborted' ? startedAt + 2 * MINUTE : null,
  };
  return foldCanary(o.cluster ?? 'default', null, record, status).entry;
}

type Test = (title: string, fn: (f: { readonly store: LedgerStore; reopen(): Promise<LedgerStore> }) => Promise<void>) => void;

/** canaryContract adds the CanaryStore tests to a ledger contract suite. */
export function canaryContract(test: Test): void {
  test('a canary entry is stored whole, replaced by id, and survives a reopen', async (f) => {
    const a = canaryEntry({ id: 'c-1' });
    await f.store.upsertCanary(a);
    assert.deepEqual(await f.store.getCanary('default', 'c-1'), a);
    assert.equal(await f.store.getCanary('other', 'c-1'), null);
    const done = canaryEntry({ id: 'c-1', phase: 'promoted', stepIndex: 2 });
    await f.store.upsertCanary(done);
    await f.store.close();
    const s = await f.reopen();
    try {
      assert.deepEqual(await s.getCanary('default', 'c-1'), done);
      assert.equal((await s.listCanaries({})).length, 1);
    } finally {
      await s.close();
    }
  });

  test('listCanaries filters by cluster, namespaces, name and states, newest start first, with a limit', async (f) => {
    const entries = [
      canaryEntry({ id: 'c-1', startedAt: T0 }),
      canaryEntry({ id: 'c-2', startedAt: T0 + MINUTE, phase: 'aborted' }),
      canaryEntry({ id: 'c-3', startedAt: T0 + 2 * MINUTE, namespace: 'pay', name: 'api', phase: 'paused' }),
      canaryEntry({ id: 'c-4', startedAt: T0 + 3 * MINUTE, cluster: 'c2' }),
    ];
    for (const e of entries) await f.store.upsertCanary(e);
    const ids = (es: readonly CanaryEntry[]): string[] => es.map((e) => `${e.cluster}/${e.id}`);
    assert.deepEqual(ids(await f.store.listCanaries({})), ['c2/c-4', 'default/c-3', 'default/c-2', 'default/c-1']);
    assert.deepEqual(ids(await f.store.listCanaries({ cluster: 'default' })), ['default/c-3', 'default/c-2', 'default/c-1']);
    assert.deepEqual(ids(await f.store.listCanaries({ namespaces: ['pay'] })), ['default/c-3']);
    assert.deepEqual(ids(await f.store.listCanaries({ namespaces: ['shop'], name: 'web', cluster: 'default' })), ['default/c-2', 'default/c-1']);
    assert.deepEqual(ids(await f.store.listCanaries({ states: ['aborted', 'paused'] })), ['default/c-3', 'default/c-2']);
    assert.deepEqual(ids(await f.store.listCanaries({ limit: 2 })), ['c2/c-4', 'default/c-3']);
  });
}
