import { isSimApiError } from '../../core/api-error.ts';
import { creationOrder, isTerminating, type Deployment, type ReplicaSet } from '../apps.ts';
import { Resource, type DeploymentEnv } from './env.ts';
import { compareRevisions } from './revision.ts';
import { MAX_INT32 } from './status.ts';

/**
 * Old-ReplicaSet clean-up to `spec.revisionHistoryLimit` (Kubernetes `sync.go` `cleanupDeployment`).
 * Runs only when a rollout is complete or the Deployment is paused.
 */

/**
 * cleanupCandidates returns the old ReplicaSets to delete: the oldest by revision (creation time on
 * ties) beyond the limit, skipping any that still has replicas (spec or status) or whose latest
 * generation its controller has not yet observed. Limit 2147483647 (or unset) keeps all.
 * Example: limit 2, old revisions 1..5 all at 0 → delete revisions 1, 2, 3.
 */
export function cleanupCandidates(d: Deployment, oldRSs: readonly ReplicaSet[]): ReplicaSet[] {
  const limit = d.spec.revisionHistoryLimit;
  if (limit === undefined || limit === MAX_INT32) return [];
  const alive = oldRSs.filter((rs) => !isTerminating(rs));
  const diff = alive.length - limit;
  if (diff <= 0) return [];
  const byRevision = [...alive].sort((a, b) => compareRevisions(a, b) || creationOrder(a, b));
  return byRevision.slice(0, diff).filter(
    (rs) =>
      (rs.status?.replicas ?? 0) === 0 &&
      (rs.spec.replicas ?? 1) === 0 &&
      (rs.metadata.generation ?? 0) <= (rs.status?.observedGeneration ?? 0),
  );
}

/** cleanupDeployment deletes the ReplicaSets `cleanupCandidates` picks (a vanished one is fine). */
export function cleanupDeployment(env: DeploymentEnv, d: Deployment, oldRSs: readonly ReplicaSet[]): void {
  for (const rs of cleanupCandidates(d, oldRSs)) {
    try {
      env.store.delete(Resource.replicaSets, rs.metadata.namespace, rs.metadata.name ?? '');
    } catch (e) {
      if (isSimApiError(e) && e.status.reason === 'NotFound') continue;
      throw e;
    }
  }
}
