// Runs a canary on the model cluster of drive.ts one write at a time and folds every observation
// of the stable's annotations into its ledger entry, as the tracker does with each watch event.
// Used by ledger.test.ts and the API tests.
import type { ModelCluster } from '../../migration/testing/model-cluster.ts';
import { foldCanary, type CanaryChange, type CanaryEntry } from '../ledger.ts';
import { findCanary } from '../plan.ts';
import { ANALYSIS, drive, observe, propose, type Clock, type Script } from './drive.ts';

export interface LedgerRun {
  readonly entry: CanaryEntry | null;
  readonly changes: CanaryChange[];
}

/** runLedgered runs a canary with `steps` to its end; observations are folded every `every` writes (and at the end). */
export function runLedgered(c: ModelCluster, clock: Clock, steps: string, o: { script?: Script; every?: number; id?: string; cluster?: string } = {}): LedgerRun {
  let entry: CanaryEntry | null = null;
  const changes: CanaryChange[] = [];
  let proposed = propose(c, { steps }, ANALYSIS, clock.now, o.id);
  for (let i = 0; i < 1000; i++) {
    const r = drive(c, clock, { proposed, killAfterWrites: 1, ...(o.script ? { script: o.script } : {}) });
    proposed = null as never;
    const found = findCanary(observe(c, clock.now).stable);
    if (found !== null && (i % (o.every ?? 1) === 0 || !r.killed)) {
      const f = foldCanary(o.cluster ?? 'sim', entry, found.record, found.status);
      entry = f.entry;
      changes.push(...f.changes);
    }
    if (!r.killed) break;
  }
  return { entry, changes };
}
