import type { Condition, KubeObject } from '../../kube/types.ts';
import type { Instant } from '../../lib/clock.ts';
import { controllerRefTo, type Pod, type ReplicaSet, type ReplicaSetStatus } from './apps.ts';
import { isPodAvailable, isPodReady, podReadySince } from './pods.ts';

/**
 * The pure parts of the ReplicaSet controller (Kubernetes `controller_utils.go`,
 * `replica_set_utils.go`): the pod built from the template, the order in which surplus pods are
 * deleted, and the status computed from the pods.
 */

/** POD_DELETION_COST is the annotation that lets users pick which pods go first on scale-down. */
export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

/**
 * podFromTemplate builds the pod a ReplicaSet creates: the template's labels, annotations,
 * finalizers and spec, `generateName: <rs-name>-` (the API server appends 5 random characters),
 * and a controller owner reference with blockOwnerDeletion.
 */
export function podFromTemplate(rs: ReplicaSet): KubeObject {
  const meta = rs.spec.template.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${rs.metadata.name ?? ''}-`,
      namespace: rs.metadata.namespace ?? '',
      ...(meta.labels ? { labels: { ...meta.labels } } : {}),
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [controllerRefTo(rs, 'apps/v1', 'ReplicaSet')],
    },
    spec: structuredClone(rs.spec.template.spec ?? {}),
  };
}

const PHASE_ORDER: Readonly<Record<string, number>> = { Pending: 0, Unknown: 1, Running: 2 };

function deletionCost(pod: Pod): number {
  const v = pod.metadata.annotations?.[POD_DELETION_COST];
  return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : 0;
}

function maxRestarts(pod: Pod): number {
  return (pod.status?.containerStatuses ?? []).reduce((m, c) => Math.max(m, c.restartCount ?? 0), 0);
}

/** log2Rank buckets an age (ms) on a log2 scale of nanoseconds, as LogarithmicScaleDown does; −1 for no age. */
function log2Rank(since: Instant, now: Instant): number {
  const d = (now - since) * 1e6;
  return d > 0 ? Math.floor(Math.log2(d)) : -1;
}

/** RankedPod is a pod with the number of its owner's active pods on the same node. */
export interface RankedPod {
  readonly pod: Pod;
  readonly rank: number;
}

/**
 * compareForDeletion orders pods so that the first is deleted first (`ActivePodsWithRanks.Less`
 * with LogarithmicScaleDown and PodDeletionCost on):
 * 1. unassigned before assigned; 2. Pending < Unknown < Running; 3. not ready before ready;
 * 4. lower pod-deletion-cost first; 5. more siblings on the same node first; 6. both ready: more
 * recently ready first (log2 buckets); 7. more container restarts first; 8. newer first (log2
 * buckets); ties in the buckets broken by UID.
 */
export function compareForDeletion(a: RankedPod, b: RankedPod, now: Instant): number {
  const na = a.pod.spec?.nodeName ?? '';
  const nb = b.pod.spec?.nodeName ?? '';
  if (na !== nb && (na === '' || nb === '')) return na === '' ? -1 : 1;
  const pa = PHASE_ORDER[a.pod.status?.phase ?? ''] ?? 0;
  const pb = PHASE_ORDER[b.pod.status?.phase ?? ''] ?? 0;
  if (pa !== pb) return pa - pb;
  const ra = isPodReady(a.pod);
  const rb = isPodReady(b.pod);
  if (ra !== rb) return ra ? 1 : -1;
  const ca = deletionCost(a.pod);
  const cb = deletionCost(b.pod);
  if (ca !== cb) return ca - cb;
  if (a.rank !== b.rank) return b.rank - a.rank;
  const uidOrder = (): number => {
    const ua = a.pod.metadata.uid ?? '';
    const ub = b.pod.metadata.uid ?? '';
    return ua < ub ? -1 : ua > ub ? 1 : 0;
  };
  if (ra && rb) {
    const ta = podReadySince(a.pod);
    const tb = podReadySince(b.pod);
    if (ta !== tb) {
      if (ta === null || tb === null) return ta === null ? -1 : 1;
      const diff = log2Rank(ta, now) - log2Rank(tb, now);
      if (diff !== 0) return diff;
      const u = uidOrder();
      if (u !== 0) return u;
    }
  }
  const xa = maxRestarts(a.pod);
  const xb = maxRestarts(b.pod);
  if (xa !== xb) return xb - xa;
  const sa = Date.parse(a.pod.metadata.creationTimestamp ?? '');
  const sb = Date.parse(b.pod.metadata.creationTimestamp ?? '');
  if (sa !== sb) {
    if (Number.isNaN(sa) || Number.isNaN(sb)) return Number.isNaN(sa) ? -1 : 1;
    const diff = log2Rank(sa, now) - log2Rank(sb, now);
    if (diff !== 0) return diff;
    return uidOrder();
  }
  return 0;
}

/**
 * podsToDelete picks `count` of the active pods to delete. Each pod's rank is the number of
 * `related` active pods (same owner Deployment's ReplicaSets) on its node. Deleting all: no sorting.
 */
export function podsToDelete(active: readonly Pod[], related: readonly Pod[], count: number, now: Instant): Pod[] {
  if (count >= active.length) return [...active];
  const perNode = new Map<string, number>();
  for (const p of related) {
    const node = p.spec?.nodeName;
    if (node) perNode.set(node, (perNode.get(node) ?? 0) + 1);
  }
  const ranked = active.map((pod) => ({ pod, rank: perNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
  ranked.sort((a, b) => compareForDeletion(a, b, now));
  return ranked.slice(0, count).map((r) => r.pod);
}

/**
 * replicaSetStatus computes a ReplicaSet's status from its active pods (`calculateStatus`):
 * replicas, fullyLabeledReplicas (labels ⊇ template labels), readyReplicas, availableReplicas
 * (ready for minReadySeconds), observedGeneration, and a ReplicaFailure condition after a failed
 * create (FailedCreate) or delete (FailedDelete), removed after a clean sync. Zeros are omitted.
 */
export function replicaSetStatus(rs: ReplicaSet, active: readonly Pod[], manageError: string | undefined, now: Instant, nowText: string): ReplicaSetStatus {
  const templateLabels = Object.entries(rs.spec.template.metadata?.labels ?? {});
  const minReady = rs.spec.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of active) {
    const labels = pod.metadata.labels ?? {};
    if (templateLabels.every(([k, v]) => labels[k] === v)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, now)) available++;
    }
  }
  let conditions: readonly Condition[] = rs.status?.conditions ?? [];
  const failure = conditions.find((c) => c.type === 'ReplicaFailure');
  if (manageError !== undefined && !failure) {
    const diff = active.length - (rs.spec.replicas ?? 1);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    conditions = [...conditions, { type: 'ReplicaFailure', status: 'True', lastTransitionTime: nowText, reason, message: manageError }];
  } else if (manageError === undefined && failure) {
    conditions = conditions.filter((c) => c.type !== 'ReplicaFailure');
  }
  return {
    replicas: active.length, // not omitempty in apps/v1
    ...(fullyLabeled ? { fullyLabeledReplicas: fullyLabeled } : {}),
    ...(ready ? { readyReplicas: ready } : {}),
    ...(available ? { availableReplicas: available } : {}),
    ...(rs.metadata.generation ? { observedGeneration: rs.metadata.generation } : {}),
    ...(conditions.length ? { conditions: [...conditions] } : {}),
  };
}
