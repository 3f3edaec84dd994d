import { conditionsOf, hasInt, intField, type Unstructured } from '../fields.ts';
import { notObservedMessage, objectRef, type KindResult } from '../kind-result.ts';
import { Reason } from '../reasons.ts';
import { verdict, type Progress } from '../verdict.ts';

/**
 * replicaSetStatus decides a ReplicaSet's native verdict (kubernetes.md §2): spec not observed,
 * fewer available, extra pods → InProgress; else Current. ReplicaFailure=True (FailedCreate,
 * e.g. quota) is returned as a finding for the fail-fast rules. `updated` counts all its replicas
 * (a ReplicaSet has one template).
 */
export function replicaSetStatus(rs: Unstructured): KindResult {
  const desired = intField(rs, 'spec.replicas', 1);
  const replicas = intField(rs, 'status.replicas', 0);
  const progress: Progress = { desired, updated: replicas, ready: intField(rs, 'status.readyReplicas', 0), available: intField(rs, 'status.availableReplicas', 0) };
  const failure = conditionsOf(rs).find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
  const finding = failure && {
    diagnosis: { code: 'ReplicaFailure' as const, reason: failure.reason || 'ReplicaFailure', message: failure.message, object: objectRef(rs) },
    since: failure.lastTransitionTime,
  };
  const inProgress = (reason: string, message: string): KindResult => ({ verdict: verdict('InProgress', reason, message, progress), ...(finding ? { finding } : {}) });
  const observed = hasInt(rs, 'status.observedGeneration') && intField(rs, 'metadata.generation', 0) <= intField(rs, 'status.observedGeneration', 0);
  if (!observed) return inProgress(Reason.NotObserved, notObservedMessage(rs));
  if (progress.available < desired) return inProgress(Reason.LessAvailable, `${progress.available} of ${desired} replicas available`);
  if (replicas > desired) return inProgress(Reason.ExtraPods, `${replicas - desired} extra replicas pending termination`);
  return { verdict: verdict('Current', Reason.RolledOut, `${desired} of ${desired} replicas available`, progress) };
}
