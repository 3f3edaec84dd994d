import type { Instant } from '../../lib/clock.ts';
import type { Pod } from './apps.ts';

/**
 * Pod predicates shared by the ReplicaSet and Deployment controllers (Kubernetes
 * `pkg/api/v1/pod/util.go` and `pkg/controller/controller_utils.go`).
 */

/** isPodActive tells whether a pod counts towards its controller: not Succeeded/Failed and not being deleted. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && pod.metadata.deletionTimestamp === undefined;
}

/** isPodReady tells whether the pod's `Ready` condition is True. */
export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** podReadySince returns when the pod's Ready condition last turned True, or null (not ready, or no time). */
export function podReadySince(pod: Pod): Instant | null {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
  if (!ready?.lastTransitionTime) return null;
  const at = Date.parse(ready.lastTransitionTime);
  return Number.isNaN(at) ? null : at;
}

/**
 * podAvailableFrom returns the first instant at which a ready pod counts as available, or null if
 * it is not ready. Kubernetes: available when Ready and either `minReadySeconds == 0` or
 * `lastTransitionTime + minReadySeconds` is strictly before now.
 */
export function podAvailableFrom(pod: Pod, minReadySeconds: number): Instant | null {
  if (!isPodReady(pod)) return null;
  if (minReadySeconds <= 0) return Number.NEGATIVE_INFINITY;
  const since = podReadySince(pod);
  if (since === null) return null;
  return since + minReadySeconds * 1000 + 1;
}

/** isPodAvailable tells whether a pod is available at `now` given the owner's minReadySeconds. */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: Instant): boolean {
  const from = podAvailableFrom(pod, minReadySeconds);
  return from !== null && from <= now;
}
