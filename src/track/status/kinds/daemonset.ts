import { hasInt, intField, stringField, type Unstructured } from '../fields.ts';
import { isGenerationObserved, notObservedMessage, type KindResult } from '../kind-result.ts';
import { Reason } from '../reasons.ts';
import { verdict, type Progress } from '../verdict.ts';

/**
 * daemonSetStatus decides a DaemonSet's native verdict (kubernetes.md §3): spec not observed, no
 * desiredNumberScheduled yet, fewer updated, fewer available → InProgress; else Current. With
 * OnDelete, all-available is Current. A DaemonSet can fail from its pods' diagnosis (compute.ts).
 */
export function daemonSetStatus(d: Unstructured): KindResult {
  const desired = intField(d, 'status.desiredNumberScheduled', 0);
  const progress: Progress = {
    desired,
    updated: intField(d, 'status.updatedNumberScheduled', 0),
    ready: intField(d, 'status.numberReady', 0),
    available: intField(d, 'status.numberAvailable', 0),
  };
  const { updated, available } = progress;
  const result = (state: 'InProgress' | 'Current', reason: string, message: string): KindResult => ({ verdict: verdict(state, reason, message, progress) });
  if (!isGenerationObserved(d)) return result('InProgress', Reason.NotObserved, notObservedMessage(d));
  if (!hasInt(d, 'status.desiredNumberScheduled')) return result('InProgress', Reason.NoDesiredNumber, 'DaemonSet has no status.desiredNumberScheduled yet');
  const onDelete = stringField(d, 'spec.updateStrategy.type') === 'OnDelete';
  if (!onDelete && updated < desired) return result('InProgress', Reason.LessUpdated, `${updated} of ${desired} pods updated`);
  if (available < desired) return result('InProgress', Reason.LessAvailable, `${available} of ${desired} pods available`);
  if (onDelete) return result('Current', Reason.OnDelete, `${available} pods available; OnDelete strategy: ${updated} of ${desired} on the newest revision (pods update only when deleted)`);
  return result('Current', Reason.RolledOut, `${desired} of ${desired} pods updated and available`);
}
