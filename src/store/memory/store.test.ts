import { describeLedgerContract } from '../ledger.contract.ts';
import { MemoryLedgerStore, newMemoryLedgerState } from './store.ts';

describeLedgerContract('memory', async () => {
  const state = newMemoryLedgerState();
  return {
    store: new MemoryLedgerStore(state),
    reopen: async () => new MemoryLedgerStore(state),
    forgeSchemaVersion: async (version) => {
      state.schemaVersions.push(version);
    },
  };
});
