import { conditionsOf, boolField, intField, type Unstructured } from '../fields.ts';
import { isGenerationObserved, notObservedMessage, objectRef, type KindResult } from '../kind-result.ts';
import { Reason } from '../reasons.ts';
import { verdict, type Progress } from '../verdict.ts';

/**
 * deploymentStatus decides a Deployment's native verdict (kubernetes.md §1.11–1.12), in order:
 * paused → Paused; spec not observed → InProgress; Progressing=ProgressDeadlineExceeded → Failed;
 * then fewer updated, old replicas left, fewer available → InProgress; else Current.
 * A ReplicaFailure=True condition is returned as a finding for the fail-fast rules.
 */
export function deploymentStatus(d: Unstructured): KindResult {
  const desired = intField(d, 'spec.replicas', 1); // the controller defaults spec.replicas to 1
  const replicas = intField(d, 'status.replicas', 0);
  const progress: Progress = {
    desired,
    updated: intField(d, 'status.updatedReplicas', 0),
    ready: intField(d, 'status.readyReplicas', 0),
    available: intField(d, 'status.availableReplicas', 0),
  };
  const { updated, available } = progress;
  if (boolField(d, 'spec.paused')) return { verdict: verdict('Paused', Reason.Paused, `Deployment is paused (${updated} of ${desired} replicas updated)`, progress) };
  if (!isGenerationObserved(d)) return { verdict: verdict('InProgress', Reason.NotObserved, notObservedMessage(d), progress) };
  const conditions = conditionsOf(d);
  const progressing = conditions.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    const message = progressing.message || 'no progress within spec.progressDeadlineSeconds';
    const diagnosis = { code: 'ProgressDeadlineExceeded' as const, reason: 'ProgressDeadlineExceeded', message, object: objectRef(d) };
    return { verdict: verdict('Failed', Reason.ProgressDeadlineExceeded, `Deployment exceeded its progress deadline: ${message}`, progress, diagnosis) };
  }
  const failure = conditions.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
  const finding = failure && {
    diagnosis: { code: 'ReplicaFailure' as const, reason: failure.reason || 'ReplicaFailure', message: failure.message, object: objectRef(d) },
    since: failure.lastTransitionTime,
  };
  const inProgress = (reason: string, message: string): KindResult => ({ verdict: verdict('InProgress', reason, message, progress), ...(finding ? { finding } : {}) });
  if (updated < desired) return inProgress(Reason.LessUpdated, `${updated} of ${desired} replicas updated`);
  if (replicas > updated) return inProgress(Reason.ExtraPods, `${replicas - updated} old replicas pending termination`);
  if (available < updated) return inProgress(Reason.LessAvailable, `${available} of ${updated} updated replicas available`);
  return { verdict: verdict('Current', Reason.RolledOut, `${desired} of ${desired} replicas updated and available`, progress) };
}
