import type { Instant } from '../../lib/clock.ts';
import type { ControllerRevisionRecord, PodTemplateRecord, ReplicaSetRecord } from '../../model/records.ts';

/** REVISION_HISTORY is the ReplicaSet annotation listing revisions it held before a rollback re-promoted it (§1.4). */
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';

/**
 * RevisionSource is a ReplicaSet or ControllerRevision seen as "one activation of a template":
 * the object that carries a release. Built by `revisionSourceOf`; null for objects that carry no
 * usable revision (no revision annotation, no template).
 */
export interface RevisionSource {
  readonly uid: string;
  readonly name: string;
  readonly resourceVersion: string;
  readonly ownerUid: string;
  /** Native revision as a number (ReplicaSet annotation or ControllerRevision.revision). */
  readonly revision: number;
  readonly template: PodTemplateRecord;
  readonly createdAt: Instant | null;
  /** `pod-template-hash` / `controller-revision-hash`: the label value the release's pods carry. */
  readonly podHash: string;
  readonly annotations: Readonly<Record<string, string>>;
  /** True when the object says it was re-promoted (a `revision-history` annotation). */
  readonly rePromoted: boolean;
}

const CONTROLLER_REVISION_HASH = 'controller-revision-hash';

/**
 * revisionSourceOf normalises a ReplicaSet or ControllerRevision. ReplicaSets without a numeric
 * `deployment.kubernetes.io/revision` (not created by a Deployment) and ControllerRevisions without
 * a template are not release carriers → null.
 */
export function revisionSourceOf(r: ReplicaSetRecord | ControllerRevisionRecord): RevisionSource | null {
  if (r.owner === null) return null;
  if (r.kind === 'ReplicaSet') {
    const revision = Number(r.revision);
    if (r.revision === '' || !Number.isSafeInteger(revision) || revision <= 0) return null;
    return {
      uid: r.uid,
      name: r.name,
      resourceVersion: r.resourceVersion,
      ownerUid: r.owner.uid,
      revision,
      template: r.template,
      createdAt: r.creationTimestamp,
      podHash: r.templateHash,
      annotations: r.annotations,
      rePromoted: (r.annotations[REVISION_HISTORY] ?? '') !== '',
    };
  }
  if (r.template === null || !Number.isSafeInteger(r.revision) || r.revision <= 0) return null;
  const prefix = `${r.owner.name}-`;
  const podHash = r.labels[CONTROLLER_REVISION_HASH] ?? (r.name.startsWith(prefix) ? r.name.slice(prefix.length) : r.name);
  return {
    uid: r.uid,
    name: r.name,
    resourceVersion: r.resourceVersion,
    ownerUid: r.owner.uid,
    revision: r.revision,
    template: r.template,
    createdAt: r.creationTimestamp,
    podHash,
    annotations: {},
    rePromoted: false,
  };
}

/** podMatches tells whether a pod belongs to a revision: owned by it (ReplicaSet), or carrying its hash label. */
export function podMatches(src: { readonly uid: string; readonly name: string; readonly podHash: string }, pod: { readonly owner: { readonly uid: string } | null; readonly templateHash: string }): boolean {
  if (pod.owner !== null && pod.owner.uid === src.uid) return true;
  return pod.templateHash !== '' && (pod.templateHash === src.podHash || pod.templateHash === src.name);
}
