import type { DeploymentSpec, IntOrString } from '../apps.ts';
import { TrackerError } from '../../../lib/errors.ts';

/**
 * The rolling-update arithmetic of the Deployment controller, as pure functions (Kubernetes
 * `pkg/controller/deployment/util/deployment_util.go` and `rolling.go`). No I/O: the shell in
 * `rollout-rolling.ts` reads the ReplicaSets, calls these, and writes the results.
 *
 * Worked example (10 replicas, maxSurge 25%, maxUnavailable 25%):
 *   maxSurge = ceil(2.5) = 3, maxUnavailable = floor(2.5) = 2 → maxTotal 13, minAvailable 8.
 *   1. new RS created at min(13 − 10, 10 − 0) = 3            (old 10, new 3: 13 pods)
 *   2. old budget = 13 − 8 − (3 new unavailable) = 2 → old 10 → 8     (old 8, new 3)
 *   3. as new pods become available the two steps alternate until new = 10, old = 0.
 */

/** ReplicaSetCounts is what the arithmetic needs of one ReplicaSet. */
export interface ReplicaSetCounts {
  readonly name: string;
  /** `spec.replicas`. */
  readonly replicas: number;
  /** `status.availableReplicas`. */
  readonly available: number;
}

/** ScaleStep is one change of a ReplicaSet's `spec.replicas`, in the order the controller makes them. */
export interface ScaleStep {
  readonly name: string;
  readonly from: number;
  readonly to: number;
}

/**
 * scaledValue resolves an int-or-percent against `total` (apimachinery
 * `GetScaledValueFromIntOrPercent`): a number is itself; `"p%"` is `p·total/100`, rounded up or down.
 * Examples: ("25%", 10, up) → 3; ("25%", 10, down) → 2; ("0%", 7, up) → 0; (4, 10, *) → 4.
 */
export function scaledValue(value: IntOrString, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const m = /^(-?\d+)%$/.exec(value);
  if (!m) {
    throw new TrackerError('INVALID', `invalid value for IntOrString: invalid type: string is not a percentage: "${value}"`, {
      hint: 'give maxSurge/maxUnavailable as an integer or a percentage such as "25%"',
    });
  }
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/**
 * resolveFenceposts resolves maxSurge (rounding up) and maxUnavailable (rounding down) against the
 * desired replicas; a missing value counts as 0. If both come out 0, maxUnavailable becomes 1 so the
 * rollout can make progress.
 * Examples (desired 10): 25%/25% → 3/2; 0/0 → 0/1; "1%"/"1%" → 1/0; 0/"5%" → 0/1 (floor 0.5 = 0, then forced).
 */
export function resolveFenceposts(
  maxSurge: IntOrString | undefined,
  maxUnavailable: IntOrString | undefined,
  desired: number,
): { readonly surge: number; readonly unavailable: number } {
  const surge = scaledValue(maxSurge ?? 0, desired, true);
  let unavailable = scaledValue(maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

/** isRollingUpdate tells whether the Deployment uses the RollingUpdate strategy (the default). */
export function isRollingUpdate(spec: DeploymentSpec): boolean {
  return (spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

function fenceposts(spec: DeploymentSpec): { readonly surge: number; readonly unavailable: number } {
  const ru = spec.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge ?? '25%', ru?.maxUnavailable ?? '25%', spec.replicas ?? 1);
}

/** maxSurge is the resolved surge of a RollingUpdate Deployment; 0 for Recreate. */
export function maxSurge(spec: DeploymentSpec): number {
  return isRollingUpdate(spec) ? fenceposts(spec).surge : 0;
}

/**
 * maxUnavailable is the resolved maxUnavailable, capped at `spec.replicas`; 0 for Recreate or for
 * 0 replicas. Example: replicas 1, maxUnavailable "100%" → 1; replicas 3, maxUnavailable 5 → 3.
 */
export function maxUnavailable(spec: DeploymentSpec): number {
  const replicas = spec.replicas ?? 1;
  if (!isRollingUpdate(spec) || replicas === 0) return 0;
  return Math.min(fenceposts(spec).unavailable, replicas);
}

/**
 * newReplicaSetTarget is the size the new ReplicaSet may grow to now (`NewRSNewReplicas`).
 * RollingUpdate: if all ReplicaSets together already hold `replicas + maxSurge` pods, unchanged;
 * else grow by what the surge allows, never beyond `replicas`. Recreate: `replicas`.
 * Examples (replicas 10, surge 3): sum 10, new 0 → 3; sum 13 → unchanged; sum 11, new 8 → 10.
 * A brand-new Deployment (sum 0) starts at full size: replicas 10 → min(13, 10) = 10.
 */
export function newReplicaSetTarget(spec: DeploymentSpec, sumAllReplicas: number, newReplicas: number): number {
  const replicas = spec.replicas ?? 1;
  if (!isRollingUpdate(spec)) return replicas;
  const maxTotal = replicas + maxSurge(spec);
  if (sumAllReplicas >= maxTotal) return newReplicas;
  return newReplicas + Math.min(maxTotal - sumAllReplicas, replicas - newReplicas);
}

/**
 * oldScaleDownBudget is how many old replicas may go now (`maxScaledDown` in `reconcileOldReplicaSets`):
 * all pods − minAvailable − the new RS's unavailable pods.
 * Example: 13 pods, replicas 10, maxUnavailable 2 (minAvailable 8), new RS 3 with 0 available → 13 − 8 − 3 = 2.
 */
export function oldScaleDownBudget(spec: DeploymentSpec, sumAllReplicas: number, newRS: ReplicaSetCounts): number {
  const minAvailable = (spec.replicas ?? 1) - maxUnavailable(spec);
  return sumAllReplicas - minAvailable - (newRS.replicas - newRS.available);
}

/**
 * planOldScaleDown decides how the old ReplicaSets shrink in one rolling sync (`reconcileOldReplicaSets`).
 * `oldRSs` must be the active old ReplicaSets oldest first. Two passes, as in Kubernetes:
 * 1. clean up unhealthy replicas: each old RS loses up to `replicas − available`, within the budget;
 * 2. scale down healthy ones while the available total exceeds minAvailable (oldest first).
 * Returns the steps in order (one RS can appear in both passes) and the total scaled down.
 *
 * Example: replicas 10, 25%/25% (minAvailable 8); old A 8 (available 6), new 5 (available 3);
 * sum 13 → budget 13 − 8 − 2 = 3 → pass 1: A 8 → 6 (2 unhealthy); available total 6 + 3 = 9 →
 * pass 2 may remove 9 − 8 = 1: A 6 → 5. Steps [A 8→6, A 6→5], 3 scaled down.
 */
export function planOldScaleDown(
  spec: DeploymentSpec,
  newRS: ReplicaSetCounts,
  oldRSs: readonly ReplicaSetCounts[],
): { readonly steps: readonly ScaleStep[]; readonly scaledDown: number } {
  const olds = oldRSs.map((rs) => ({ ...rs }));
  const oldPods = olds.reduce((n, rs) => n + rs.replicas, 0);
  if (oldPods === 0) return { steps: [], scaledDown: 0 };
  const sumAll = oldPods + newRS.replicas;
  const budget = oldScaleDownBudget(spec, sumAll, newRS);
  if (budget <= 0) return { steps: [], scaledDown: 0 };
  const steps: ScaleStep[] = [];

  let cleaned = 0;
  for (const rs of olds) {
    if (cleaned >= budget) break;
    if (rs.replicas === 0 || rs.replicas === rs.available) continue;
    const down = Math.min(budget - cleaned, rs.replicas - rs.available);
    if (down < 0) {
      // Kubernetes refuses too (the sync fails and is retried once the RS status has caught up).
      throw new TrackerError('INTERNAL', `when cleaning up unhealthy replicas, got invalid request to scale down replica set ${rs.name} ${rs.replicas} -> ${rs.replicas - down}`, {
        subject: `replicaset ${rs.name}`,
        hint: 'wait for the ReplicaSet controller to update the status; the Deployment controller retries',
      });
    }
    steps.push({ name: rs.name, from: rs.replicas, to: rs.replicas - down });
    rs.replicas -= down;
    cleaned += down;
  }

  const minAvailable = (spec.replicas ?? 1) - maxUnavailable(spec);
  const available = olds.reduce((n, rs) => n + rs.available, 0) + newRS.available;
  let scaled = 0;
  if (available > minAvailable) {
    const total = available - minAvailable;
    for (const rs of olds) {
      if (scaled >= total) break;
      if (rs.replicas === 0) continue;
      const down = Math.min(rs.replicas, total - scaled);
      steps.push({ name: rs.name, from: rs.replicas, to: rs.replicas - down });
      rs.replicas -= down;
      scaled += down;
    }
  }
  return { steps, scaledDown: cleaned + scaled };
}
