import { specReplicas, type Pod, type ReplicaSet } from '../apps.ts';
import { cleanupDeployment } from './cleanup.ts';
import type { DeploymentEnv, DeploymentRef } from './env.ts';
import { allReplicaSets, getAllReplicaSetsAndSyncRevision } from './new-replica-set.ts';
import { scaleReplicaSetAndRecordEvent } from './scale.ts';
import { syncRolloutStatus } from './status-sync.ts';
import { deploymentComplete } from './status.ts';

/**
 * The Recreate strategy (Kubernetes `recreate.go`): scale every old ReplicaSet to 0, wait until no
 * old pod is left in a non-terminal phase (terminating pods count), and only then create or scale
 * up the new ReplicaSet. Old and new pods therefore never run together.
 */

/** oldPodsRunning tells whether any old ReplicaSet still reports replicas, or any non-new pod is not Succeeded/Failed. */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[], podMap: ReadonlyMap<string, readonly Pod[]>): boolean {
  if (oldRSs.some((rs) => (rs.status?.replicas ?? 0) > 0)) return true;
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata.uid === uid) continue;
    if (pods.some((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')) return true;
  }
  return false;
}

/** rolloutRecreate runs one Recreate sync of a Deployment. */
export function rolloutRecreate(env: DeploymentEnv, ref: DeploymentRef, rsList: ReplicaSet[], podMap: ReadonlyMap<string, readonly Pod[]>): void {
  let sets = getAllReplicaSetsAndSyncRevision(env, ref, rsList, false);
  const oldRSs = [...sets.oldRSs];
  let scaledDown = false;
  for (let i = 0; i < oldRSs.length; i++) {
    const rs = oldRSs[i];
    if (!rs || (rs.spec.replicas ?? 1) === 0) continue;
    const result = scaleReplicaSetAndRecordEvent(env, ref, rs, 0);
    oldRSs[i] = result.rs;
    if (result.scaled) scaledDown = true;
  }
  if (scaledDown || oldPodsRunning(sets.newRS, oldRSs, podMap)) {
    syncRolloutStatus(env, ref, allReplicaSets({ newRS: sets.newRS, oldRSs }), sets.newRS);
    return;
  }
  if (!sets.newRS) sets = getAllReplicaSetsAndSyncRevision(env, ref, rsList, true);
  let newRS = sets.newRS;
  if (newRS) newRS = scaleReplicaSetAndRecordEvent(env, ref, newRS, specReplicas(ref.d)).rs;
  if (ref.d.status && deploymentComplete(ref.d, ref.d.status)) cleanupDeployment(env, ref.d, sets.oldRSs);
  syncRolloutStatus(env, ref, allReplicaSets({ newRS, oldRSs: sets.oldRSs }), newRS);
}
