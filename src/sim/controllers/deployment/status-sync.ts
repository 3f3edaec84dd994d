import { deepEqual } from '../../core/deep.ts';
import { objectKey, type ReplicaSet } from '../apps.ts';
import { writeDeploymentStatus, type DeploymentEnv, type DeploymentRef } from './env.ts';
import { calculateStatus, rolloutStatus, stuckRequeueDelay } from './status.ts';

/**
 * Writing a Deployment's status (Kubernetes `syncDeploymentStatus`, `syncRolloutStatus`): compute,
 * compare with the stored status, write only when different.
 */

/** syncDeploymentStatus writes counters and the Available condition (scaling and paused syncs: Progressing untouched). */
export function syncDeploymentStatus(env: DeploymentEnv, ref: DeploymentRef, allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined): void {
  const status = calculateStatus(ref.d, allRSs, newRS, env.clock.now());
  if (deepEqual(ref.d.status ?? {}, status)) return;
  writeDeploymentStatus(env, ref, status);
}

/**
 * syncRolloutStatus writes the full rollout status, Progressing included. When nothing changed it
 * schedules a look at the progress deadline instead, so a stuck rollout times out on time.
 */
export function syncRolloutStatus(env: DeploymentEnv, ref: DeploymentRef, allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined): void {
  const now = env.clock.now();
  const status = rolloutStatus(ref.d, allRSs, newRS, now);
  if (deepEqual(ref.d.status ?? {}, status)) {
    const delay = stuckRequeueDelay(ref.d, status, now);
    if (delay !== null) env.requeueAfter(objectKey(ref.d), delay);
    return;
  }
  writeDeploymentStatus(env, ref, status);
}
