import { intField, stringField, type Unstructured } from '../fields.ts';
import { isGenerationObserved, notObservedMessage, type KindResult } from '../kind-result.ts';
import { Reason } from '../reasons.ts';
import { verdict, type Progress } from '../verdict.ts';
import { counted } from '../../../lib/plural.ts';

/**
 * statefulSetStatus decides a StatefulSet's native verdict (kubernetes.md §3): spec not observed,
 * fewer ready, extra pods, partitioned rollout (only ordinals ≥ partition update), pods not yet on
 * the update revision → InProgress; else Current. With OnDelete the controller never replaces pods
 * itself, so all-ready is Current. Unlike kstatus and kubectl, a StatefulSet can fail: from the
 * diagnosis of its pods (compute.ts).
 */
export function statefulSetStatus(s: Unstructured): KindResult {
  const desired = intField(s, 'spec.replicas', 1);
  const replicas = intField(s, 'status.replicas', 0);
  const ready = intField(s, 'status.readyReplicas', 0);
  const progress: Progress = { desired, updated: intField(s, 'status.updatedReplicas', 0), ready, available: intField(s, 'status.availableReplicas', ready) };
  const { updated } = progress;
  const result = (state: 'InProgress' | 'Current', reason: string, message: string): KindResult => ({ verdict: verdict(state, reason, message, progress) });
  if (!isGenerationObserved(s)) return result('InProgress', Reason.NotObserved, notObservedMessage(s));
  if (ready < desired) return result('InProgress', Reason.LessReady, `${ready} of ${desired} pods ready`);
  if (replicas > desired) return result('InProgress', Reason.ExtraPods, `${counted(replicas - desired, 'extra pod')} pending termination`);
  if (stringField(s, 'spec.updateStrategy.type') === 'OnDelete')
    return result('Current', Reason.OnDelete, `${ready} pods ready; OnDelete strategy: ${updated} of ${desired} on the newest revision (pods update only when deleted)`);
  const partition = intField(s, 'spec.updateStrategy.rollingUpdate.partition', 0);
  if (partition > 0) {
    // Only ordinals ≥ partition are updated; the rest stay at the old revision on purpose.
    const want = Math.max(0, desired - partition);
    if (updated < want) return result('InProgress', Reason.PartitionRollout, `${updated} of ${want} pods at or above partition ${partition} updated`);
    return result('Current', Reason.RolledOut, `partitioned rollout complete: ${counted(updated, 'pod')} updated (partition ${partition})`);
  }
  const current = stringField(s, 'status.currentRevision');
  const update = stringField(s, 'status.updateRevision');
  if (updated < desired) return result('InProgress', Reason.LessUpdated, `${updated} of ${desired} pods updated${update === '' ? '' : ` to revision ${update}`}`);
  if (current !== update) return result('InProgress', Reason.RevisionMismatch, `all pods updated; waiting for revision ${update} to become current`);
  return result('Current', Reason.RolledOut, `${counted(desired, 'pod')} ready at revision ${current || 'unknown'}`);
}
