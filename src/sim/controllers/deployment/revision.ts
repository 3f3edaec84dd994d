import type { KubeObject } from '../../../kube/types.ts';
import type { Deployment, ReplicaSet } from '../apps.ts';
import { maxSurge } from './rolling.ts';

/**
 * Revision bookkeeping (Kubernetes `deployment_util.go`): the `deployment.kubernetes.io/*`
 * annotations, how a ReplicaSet gets its revision, and how a rollback renumbers it.
 *
 * Rollback example: RS-a=1, RS-b=2, RS-c=3; the template goes back to RS-b's → RS-b is the new RS
 * again, gets max(old)+1 = 4 and `revision-history: "2"`; `kubectl rollout history` shows 1, 3, 4.
 */

/** Annotation keys the Deployment controller reads and writes. */
export const Annotation = {
  revision: 'deployment.kubernetes.io/revision',
  revisionHistory: 'deployment.kubernetes.io/revision-history',
  desiredReplicas: 'deployment.kubernetes.io/desired-replicas',
  maxReplicas: 'deployment.kubernetes.io/max-replicas',
  rollbackTo: 'deprecated.deployment.rollback.to',
  lastApplied: 'kubectl.kubernetes.io/last-applied-configuration',
} as const;

/** MAX_REVISION_HISTORY_CHARS caps `revision-history` (about 100 entries), trimming the oldest. */
export const MAX_REVISION_HISTORY_CHARS = 2000;

const SKIP_COPY: ReadonlySet<string> = new Set([
  Annotation.lastApplied,
  Annotation.revision,
  Annotation.revisionHistory,
  Annotation.desiredReplicas,
  Annotation.maxReplicas,
  Annotation.rollbackTo,
]);

/** isSkippedAnnotation tells whether a Deployment annotation is never copied to its ReplicaSets. */
export function isSkippedAnnotation(key: string): boolean {
  return SKIP_COPY.has(key);
}

/**
 * revisionOf reads an object's revision annotation; 0 when absent or not a number. Revisions are
 * int64 in Kubernetes (and e2e tests use values above 2^53), hence bigint.
 */
export function revisionOf(obj: KubeObject): bigint {
  const v = obj.metadata.annotations?.[Annotation.revision];
  if (v === undefined || !/^\d{1,19}$/.test(v)) return 0n;
  return BigInt(v);
}

/** revisionNumber is revisionOf as a number, for display and tests (inexact above 2^53). */
export function revisionNumber(obj: KubeObject): number {
  return Number(revisionOf(obj));
}

/** compareRevisions orders objects by revision ascending. */
export function compareRevisions(a: KubeObject, b: KubeObject): number {
  const ra = revisionOf(a);
  const rb = revisionOf(b);
  return ra < rb ? -1 : ra > rb ? 1 : 0;
}

/** maxRevision is the highest revision among ReplicaSets (0 if none). */
export function maxRevision(rsList: readonly KubeObject[]): bigint {
  return rsList.reduce((m, rs) => {
    const r = revisionOf(rs);
    return r > m ? r : m;
  }, 0n);
}

/** AnnotationUpdate is a new annotation map and whether it differs from the old one. */
export interface AnnotationUpdate {
  readonly annotations: Readonly<Record<string, string>>;
  readonly changed: boolean;
}

/** copyDeploymentAnnotations copies every non-skipped Deployment annotation onto the RS's (adds/overwrites only). */
export function copyDeploymentAnnotations(d: Deployment, rsAnnotations: Readonly<Record<string, string>>): AnnotationUpdate {
  const out: Record<string, string> = { ...rsAnnotations };
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (isSkippedAnnotation(k) || out[k] === v) continue;
    out[k] = v;
    changed = true;
  }
  return { annotations: out, changed };
}

/**
 * appendRevisionHistory adds `oldRevision` to a comma-separated history, dropping the oldest
 * entries while the result would exceed `limit` characters.
 * Examples: ("", "2") → "2"; ("2", "4") → "2,4"; ("1,2,3", "4", limit 5) → "3,4".
 */
export function appendRevisionHistory(history: string, oldRevision: string, limit: number = MAX_REVISION_HISTORY_CHARS): string | undefined {
  if (history === '') return oldRevision;
  const entries = history.split(',');
  let total = history.length + oldRevision.length + 1;
  let start = 0;
  while (total > limit && start < entries.length) {
    total -= (entries[start]?.length ?? 0) + 1;
    start++;
  }
  if (total > limit) return undefined;
  return [...entries.slice(start), oldRevision].join(',');
}

/**
 * setNewReplicaSetAnnotations computes the new RS's annotations (`SetNewReplicaSetAnnotations`):
 * copy the Deployment's annotations; raise the revision to `newRevision` if lower (never lower
 * it); on raising an existing revision (a rollback) append the old number to `revision-history`;
 * a ReplicaSet about to be created also gets the desired/max replica annotations.
 */
export function setNewReplicaSetAnnotations(
  d: Deployment,
  rsAnnotations: Readonly<Record<string, string>>,
  newRevision: bigint,
  exists: boolean,
): AnnotationUpdate {
  const copied = copyDeploymentAnnotations(d, rsAnnotations);
  const out: Record<string, string> = { ...copied.annotations };
  let changed = copied.changed;
  const oldText = out[Annotation.revision];
  const had = oldText !== undefined;
  let old = 0n;
  if (had && oldText !== '') {
    if (!/^\d{1,19}$/.test(oldText)) return { annotations: out, changed };
    old = BigInt(oldText);
  }
  if (old < newRevision) {
    out[Annotation.revision] = String(newRevision);
    changed = true;
    if (had) {
      const history = appendRevisionHistory(out[Annotation.revisionHistory] ?? '', oldText);
      if (history !== undefined) out[Annotation.revisionHistory] = history;
    }
  }
  if (!exists) {
    const replicas = d.spec.replicas ?? 1;
    const update = setReplicasAnnotations(out, replicas, replicas + maxSurge(d.spec));
    return { annotations: update.annotations, changed: changed || update.changed };
  }
  return { annotations: out, changed };
}

/** setReplicasAnnotations writes desired-replicas and max-replicas. */
export function setReplicasAnnotations(annotations: Readonly<Record<string, string>>, desired: number, max: number): AnnotationUpdate {
  const d = String(desired);
  const m = String(max);
  if (annotations[Annotation.desiredReplicas] === d && annotations[Annotation.maxReplicas] === m) return { annotations, changed: false };
  return { annotations: { ...annotations, [Annotation.desiredReplicas]: d, [Annotation.maxReplicas]: m }, changed: true };
}

/** numericAnnotation reads an integer annotation of a ReplicaSet, or undefined. */
export function numericAnnotation(rs: ReplicaSet, key: string): number | undefined {
  const v = rs.metadata.annotations?.[key];
  return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : undefined;
}
