import type { Condition } from '../../../kube/types.ts';
import { asDeployment, specReplicas, splitObjectKey, type ReplicaSet } from '../apps.ts';
import { cleanupDeployment } from './cleanup.ts';
import { Message, Reason, getCondition, newCondition, setCondition } from './conditions.ts';
import { Resource, recordEvent, writeDeploymentStatus, type DeploymentEnv, type DeploymentRef } from './env.ts';
import { allReplicaSets, getAllReplicaSetsAndSyncRevision } from './new-replica-set.ts';
import { rolloutRecreate } from './recreate.ts';
import { rollback, rollbackTo } from './rollback.ts';
import { getPodMapForDeployment, getReplicaSetsForDeployment } from './replica-sets.ts';
import { Annotation, numericAnnotation } from './revision.ts';
import { rolloutRolling } from './rollout-rolling.ts';
import { scale } from './scale.ts';
import { syncDeploymentStatus } from './status-sync.ts';
import { hasProgressDeadline } from './status.ts';
import { isRollingUpdate } from './rolling.ts';

/**
 * One sync of one Deployment (Kubernetes `deployment_controller.go` `syncDeployment`), in the
 * same order of precedence: selecting-all guard, terminating → status only, paused conditions,
 * paused → scale/clean-up only, legacy rollback request, scaling event → proportional scaling,
 * else the strategy.
 */

/** syncDeployment reconciles the Deployment with key `namespace/name`; a missing Deployment is a no-op. */
export function syncDeployment(env: DeploymentEnv, key: string): void {
  const { namespace, name } = splitObjectKey(key);
  const stored = env.store.get(Resource.deployments, namespace, name);
  if (!stored) return;
  const ref: DeploymentRef = { d: asDeployment(stored) };
  const d = ref.d;

  const selector = d.spec.selector;
  if (!selector || (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0)) {
    recordEvent(env, d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
    if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
      writeDeploymentStatus(env, ref, { ...d.status, observedGeneration: d.metadata.generation ?? 0 });
    }
    return;
  }

  const rsList = getReplicaSetsForDeployment(env, d);
  if (d.metadata.deletionTimestamp !== undefined) {
    const sets = getAllReplicaSetsAndSyncRevision(env, ref, rsList, false);
    syncDeploymentStatus(env, ref, allReplicaSets(sets), sets.newRS);
    return;
  }
  checkPausedConditions(env, ref);
  if (ref.d.spec.paused === true) {
    syncScaleOnly(env, ref, rsList);
    return;
  }
  if (rollbackTo(ref.d) !== undefined) {
    rollback(env, ref, rsList);
    return;
  }
  if (isScalingEvent(env, ref, rsList)) {
    syncScaleOnly(env, ref, rsList);
    return;
  }
  if (isRollingUpdate(ref.d.spec)) rolloutRolling(env, ref, rsList);
  else rolloutRecreate(env, ref, rsList, getPodMapForDeployment(env, ref.d, rsList));
}

/**
 * checkPausedConditions sets Progressing=Unknown DeploymentPaused when paused, and
 * DeploymentResumed when resumed (which restarts the deadline clock); a timed-out condition is kept.
 */
export function checkPausedConditions(env: DeploymentEnv, ref: DeploymentRef): void {
  const d = ref.d;
  if (!hasProgressDeadline(d)) return;
  const cond = getCondition(d.status?.conditions, 'Progressing');
  if (cond?.reason === Reason.ProgressDeadlineExceeded) return;
  const pausedCond = cond?.reason === Reason.DeploymentPaused;
  const paused = d.spec.paused === true;
  let next: Condition | undefined;
  if (paused && !pausedCond) next = newCondition('Progressing', 'Unknown', Reason.DeploymentPaused, Message.paused, env.clock.now());
  else if (!paused && pausedCond) next = newCondition('Progressing', 'Unknown', Reason.DeploymentResumed, Message.resumed, env.clock.now());
  if (!next) return;
  writeDeploymentStatus(env, ref, { ...d.status, conditions: [...setCondition(d.status?.conditions, next)] });
}

/** isScalingEvent: some active ReplicaSet was last sized for a different `spec.replicas`. */
function isScalingEvent(env: DeploymentEnv, ref: DeploymentRef, rsList: ReplicaSet[]): boolean {
  const sets = getAllReplicaSetsAndSyncRevision(env, ref, rsList, false);
  const want = specReplicas(ref.d);
  return allReplicaSets(sets).some((rs) => {
    if ((rs.spec.replicas ?? 1) <= 0) return false;
    const desired = numericAnnotation(rs, Annotation.desiredReplicas);
    return desired !== undefined && desired !== want;
  });
}

/** syncScaleOnly is Kubernetes' `sync`: proportional scaling, clean-up when paused, status without Progressing. */
function syncScaleOnly(env: DeploymentEnv, ref: DeploymentRef, rsList: ReplicaSet[]): void {
  const sets = getAllReplicaSetsAndSyncRevision(env, ref, rsList, false);
  scale(env, ref, sets.newRS, sets.oldRSs);
  // Re-read the ReplicaSets: scaling changed their sizes and annotations.
  const fresh = getReplicaSetsForDeployment(env, ref.d);
  const after = getAllReplicaSetsAndSyncRevision(env, ref, fresh, false);
  if (ref.d.spec.paused === true && rollbackTo(ref.d) === undefined) cleanupDeployment(env, ref.d, after.oldRSs);
  syncDeploymentStatus(env, ref, allReplicaSets(after), after.newRS);
}
