// The behaviour every LedgerStore must show (STYLE.md example 8): each concern's contract suite
// (contract/*.contract.ts) run against one store. Each implementation's store.test.ts calls
// describeLedgerContract with a function that opens a store on a new, empty ledger.
import type { LedgerStore } from './ledger.ts';
import { describeActionLogContract } from './contract/actions.contract.ts';
import { describeContract, type ContractSkip, type StoreFixture } from './contract/harness.ts';
import { canaryContract } from './canary.contract.ts';
import { describeLedgerLifecycleContract } from './contract/lifecycle.contract.ts';
import { describeOutboxStoreContract } from './contract/outbox.contract.ts';
import { describeReleaseStoreContract } from './contract/releases.contract.ts';
import { describeStatsSourceContract } from './contract/stats.contract.ts';

export type { ContractSkip } from './contract/harness.ts';

/** LedgerFixture is a whole ledger open on a new, empty database, plus the means to reopen it. */
export type LedgerFixture = StoreFixture<LedgerStore>;

/** describeLedgerContract runs every concern's suite against one LedgerStore implementation. */
export function describeLedgerContract(name: string, open: () => Promise<LedgerFixture>, skip: readonly ContractSkip[] = []): void {
  describeReleaseStoreContract(name, open, skip);
  describeOutboxStoreContract(name, open, skip);
  describeActionLogContract(name, open, skip);
  describeStatsSourceContract(name, open, skip);
  describeContract(name, 'CanaryStore', open, skip, ({ test }) => canaryContract(test));
  describeLedgerLifecycleContract(name, open, skip);
}
