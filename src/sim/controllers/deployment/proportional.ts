import type { DeploymentSpec } from '../apps.ts';
import { maxSurge } from './rolling.ts';

/**
 * Proportional scaling (Kubernetes `sync.go` `scale` and `deployment_util.go` `GetProportion`): when
 * a Deployment is resized while several ReplicaSets are active (mid-rollout, or paused), every active
 * ReplicaSet grows or shrinks in proportion to its share, so the ratio of old to new pods stays
 * what it was and a bad template does not get more pods than before.
 *
 * Worked example: replicas 10, 25%/25% → max 13; mid-rollout old 8, new 5 (both annotated
 * max-replicas 13). Scale to 20 → surge 5, allowed 25, toAdd 25 − 13 = 12.
 *   order for scale-up: larger first → old(8), new(5)
 *   old: round(8·25/13) − 8 = round(15.38) − 8 = 7 → 15;  new: round(5·25/13) − 5 = round(9.6) − 5 = 5 → 10
 *   added 12 = toAdd, no leftover → old 15, new 10 (sum 25 = allowed).
 */

/** ProportionalReplicaSet is what proportional scaling needs of one active ReplicaSet. */
export interface ProportionalReplicaSet {
  readonly name: string;
  /** `spec.replicas`. */
  readonly replicas: number;
  /** `metadata.creationTimestamp` as epoch ms (ties broken by name). */
  readonly createdAt: number;
  /** The `deployment.kubernetes.io/max-replicas` annotation, if present and numeric. */
  readonly maxReplicasAnnotation: number | undefined;
}

/** roundHalfAwayFromZero is Kubernetes' `integer.RoundToInt32`. */
function roundHalfAwayFromZero(x: number): number {
  return x < 0 ? Math.trunc(x - 0.5) : Math.trunc(x + 0.5);
}

/**
 * replicaSetFraction is how many replicas one ReplicaSet should gain (or lose, negative) so that it
 * keeps its share when the Deployment's maximum goes from the annotated max-replicas to the new
 * `replicas + maxSurge`. Falls back to the Deployment's `status.replicas` when the annotation is
 * missing; scaling to 0 removes all its replicas.
 */
export function replicaSetFraction(rs: ProportionalReplicaSet, spec: DeploymentSpec, statusReplicas: number): number {
  const replicas = spec.replicas ?? 1;
  if (replicas === 0) return -rs.replicas;
  const newMax = replicas + maxSurge(spec);
  let before = rs.maxReplicasAnnotation ?? 0;
  if (before === 0) {
    before = statusReplicas;
    if (before === 0) return 0;
  }
  return roundHalfAwayFromZero((rs.replicas * newMax) / before) - rs.replicas;
}

function byCreation(a: ProportionalReplicaSet, b: ProportionalReplicaSet): number {
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * proportionalSizes returns the new `spec.replicas` of every active ReplicaSet, in the order the
 * controller writes them, and the direction for the ScalingReplicaSet events.
 * Scale-up: larger first, newer first on ties. Scale-down: larger first, older first on ties.
 * Each ReplicaSet's change is clamped so the total never passes `toAdd`; leftovers go to the first.
 */
export function proportionalSizes(
  spec: DeploymentSpec,
  statusReplicas: number,
  active: readonly ProportionalReplicaSet[],
): { readonly sizes: readonly { readonly name: string; readonly from: number; readonly to: number }[]; readonly direction: 'up' | 'down' | '' } {
  const replicas = spec.replicas ?? 1;
  const current = active.reduce((n, rs) => n + rs.replicas, 0);
  const allowed = replicas > 0 ? replicas + maxSurge(spec) : 0;
  const toAdd = allowed - current;
  const ordered = [...active];
  let direction: 'up' | 'down' | '' = '';
  if (toAdd > 0) {
    ordered.sort((a, b) => (a.replicas !== b.replicas ? b.replicas - a.replicas : byCreation(b, a)));
    direction = 'up';
  } else if (toAdd < 0) {
    ordered.sort((a, b) => (a.replicas !== b.replicas ? b.replicas - a.replicas : byCreation(a, b)));
    direction = 'down';
  }

  let added = 0;
  const target = ordered.map((rs) => {
    if (toAdd === 0 || rs.replicas === 0 || toAdd === added) return rs.replicas;
    const fraction = replicaSetFraction(rs, spec, statusReplicas);
    const remaining = toAdd - added;
    const proportion = toAdd > 0 ? Math.min(fraction, remaining) : Math.max(fraction, remaining);
    added += proportion;
    return rs.replicas + proportion;
  });
  if (toAdd !== 0 && target.length > 0) target[0] = Math.max(0, (target[0] ?? 0) + (toAdd - added));
  return { sizes: ordered.map((rs, i) => ({ name: rs.name, from: rs.replicas, to: target[i] ?? rs.replicas })), direction };
}
