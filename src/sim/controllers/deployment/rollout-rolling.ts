import { creationOrder, specReplicas, type ReplicaSet } from '../apps.ts';
import { cleanupDeployment } from './cleanup.ts';
import type { DeploymentEnv, DeploymentRef } from './env.ts';
import { allReplicaSets, getAllReplicaSetsAndSyncRevision } from './new-replica-set.ts';
import { newReplicaSetTarget, planOldScaleDown } from './rolling.ts';
import { scaleReplicaSetAndRecordEvent } from './scale.ts';
import { syncRolloutStatus } from './status-sync.ts';
import { deploymentComplete } from './status.ts';

/**
 * The RollingUpdate strategy (Kubernetes `rolling.go` `rolloutRolling`): one step per sync — grow
 * the new ReplicaSet if the surge allows; else shrink old ones as availability allows; clean up
 * old ReplicaSets once complete; then write the rollout status. The arithmetic is in `rolling.ts`.
 */

const total = (rsList: ReplicaSet[]): number => rsList.reduce((n, rs) => n + (rs.spec.replicas ?? 1), 0);

/** rolloutRolling runs one RollingUpdate sync of a Deployment. */
export function rolloutRolling(env: DeploymentEnv, ref: DeploymentRef, rsList: ReplicaSet[]): void {
  const sets = getAllReplicaSetsAndSyncRevision(env, ref, rsList, true);
  let newRS = sets.newRS;
  const oldRSs = [...sets.oldRSs];
  if (!newRS) return;

  const replicas = specReplicas(ref.d);
  const current = newRS.spec.replicas ?? 1;
  if (current !== replicas) {
    const target = current > replicas ? replicas : newReplicaSetTarget(ref.d.spec, total([...oldRSs, newRS]), current);
    const result = scaleReplicaSetAndRecordEvent(env, ref, newRS, target);
    newRS = result.rs;
    if (result.scaled) {
      syncRolloutStatus(env, ref, [...oldRSs, newRS], newRS);
      return;
    }
  }

  const active = oldRSs.filter((rs) => (rs.spec.replicas ?? 1) > 0).sort(creationOrder);
  const plan = planOldScaleDown(
    ref.d.spec,
    { name: newRS.metadata.name ?? '', replicas: newRS.spec.replicas ?? 1, available: newRS.status?.availableReplicas ?? 0 },
    active.map((rs) => ({ name: rs.metadata.name ?? '', replicas: rs.spec.replicas ?? 1, available: rs.status?.availableReplicas ?? 0 })),
  );
  for (const step of plan.steps) {
    const i = oldRSs.findIndex((rs) => rs.metadata.name === step.name);
    const rs = oldRSs[i];
    if (!rs) continue;
    oldRSs[i] = scaleReplicaSetAndRecordEvent(env, ref, rs, step.to).rs;
  }
  if (plan.scaledDown > 0) {
    syncRolloutStatus(env, ref, [...oldRSs, newRS], newRS);
    return;
  }

  if (ref.d.status && deploymentComplete(ref.d, ref.d.status)) cleanupDeployment(env, ref.d, oldRSs);
  syncRolloutStatus(env, ref, allReplicaSets({ newRS, oldRSs }), newRS);
}
