import type { KubeObject } from '../../kube/types.ts';
import { TrackerError } from '../../lib/errors.ts';
import { isSimApiError } from '../core/api-error.ts';
import { int, record } from '../core/fields.ts';
import type { SimStore } from '../core/store-api.ts';
import { controllerOf, controllerRefTo } from './apps.ts';
import type { PodTemplateSpec } from './apps.ts';
import { canonicalJson, computeTemplateHash } from './deployment/hash.ts';

/**
 * ControllerRevisions of StatefulSets and DaemonSets, after Kubernetes `pkg/controller/history`:
 * a revision snapshots the pod template as a strategic-merge patch, is named `<owner>-<hash>`,
 * numbered max + 1; a template equal to an older revision reuses that revision and gives it the
 * next number (so rollbacks renumber, as with Deployments); old revisions are trimmed to
 * `revisionHistoryLimit`, never deleting one still in use.
 */

/** CONTROLLER_REVISION_HASH is the pod label naming the revision a pod was made from. */
export const CONTROLLER_REVISION_HASH = 'controller-revision-hash';

/** STATEFULSET_REVISION_HASH is the label StatefulSet revisions carry (`history.ControllerRevisionHashLabel`). */
export const STATEFULSET_REVISION_HASH = 'controller.kubernetes.io/hash';

/** RevisionOwner is a StatefulSet or DaemonSet that keeps ControllerRevisions. */
export interface RevisionOwner {
  readonly object: KubeObject;
  readonly kind: 'StatefulSet' | 'DaemonSet';
  /** Label set on revisions with the hash (`controller.kubernetes.io/hash` or `controller-revision-hash`). */
  readonly hashLabel: string;
  /** `status.collisionCount` (0 if unset). */
  readonly collisionCount: number;
  /** Field manager for writes. */
  readonly manager: string;
}

/** RevisionSync is the outcome of `syncRevision`. */
export interface RevisionSync {
  /** The revision equal to the owner's template (created, reused, or renumbered). */
  readonly update: KubeObject;
  /** All revisions the owner controls, after the sync, by revision number. */
  readonly revisions: readonly KubeObject[];
  /** The collision count to store in status (raised when a hash name was taken by other data). */
  readonly collisionCount: number;
}

/** revisionNumber reads `revision` of a ControllerRevision (0 if unset). */
export function revisionNumber(rev: KubeObject): number {
  return int(rev.revision) ?? 0;
}

/** revisionData is what a revision stores: `{spec: {template: <template + $patch: replace>}}`. */
export function revisionData(template: PodTemplateSpec): Record<string, unknown> {
  return { spec: { template: { ...structuredClone(template), $patch: 'replace' } } };
}

/** templateOf recovers the pod template from a revision's data. */
export function templateOf(rev: KubeObject): PodTemplateSpec {
  const { $patch: _patch, ...template } = record(record(record(rev.data).spec).template);
  return template;
}

/** byRevision orders revisions by number, then name (history.ByRevision). */
export function byRevision(a: KubeObject, b: KubeObject): number {
  const d = revisionNumber(a) - revisionNumber(b);
  if (d !== 0) return d;
  const na = a.metadata.name ?? '';
  const nb = b.metadata.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** controlledRevisions lists the ControllerRevisions whose controller is `owner`, by revision. */
export function controlledRevisions(store: SimStore, owner: KubeObject): KubeObject[] {
  const uid = owner.metadata.uid;
  return store
    .list('controllerrevisions.apps', { namespace: owner.metadata.namespace ?? 'default' })
    .filter((r) => controllerOf(r)?.uid === uid)
    .sort(byRevision);
}

/**
 * syncRevision makes sure a revision for the owner's current template exists and is the newest:
 * - the newest revision already equals the template → it is the update revision;
 * - an older one equals it → its number becomes max + 1 (rollback);
 * - none does → a new revision `<owner>-<hash>` numbered max + 1 is created; if that name is taken
 *   by different data the collision count is raised and the hash recomputed.
 */
export function syncRevision(store: SimStore, owner: RevisionOwner, template: PodTemplateSpec): RevisionSync {
  const revisions = controlledRevisions(store, owner.object);
  const data = revisionData(template);
  const wanted = canonicalJson(data);
  const next = (revisions.length > 0 ? revisionNumber(revisions[revisions.length - 1]!) : 0) + 1;
  const equal = revisions.filter((r) => canonicalJson(r.data) === wanted);
  const newest = revisions[revisions.length - 1];
  const lastEqual = equal[equal.length - 1];
  if (lastEqual && newest && lastEqual.metadata.name === newest.metadata.name)
    return { update: lastEqual, revisions, collisionCount: owner.collisionCount };
  if (lastEqual) {
    const bumped = store.update('controllerrevisions.apps', { ...lastEqual, revision: next }, { fieldManager: owner.manager });
    return { update: bumped, revisions: controlledRevisions(store, owner.object), collisionCount: owner.collisionCount };
  }
  let collisionCount = owner.collisionCount;
  for (let attempt = 0; attempt < 100; attempt++) {
    const hash = computeTemplateHash(template, collisionCount === 0 ? undefined : collisionCount);
    const name = `${(owner.object.metadata.name ?? '').slice(0, 223)}-${hash}`;
    const labels = { ...(template.metadata?.labels ?? {}), [owner.hashLabel]: hash };
    try {
      const created = store.create(
        'controllerrevisions.apps',
        {
          apiVersion: 'apps/v1',
          kind: 'ControllerRevision',
          metadata: {
            name,
            namespace: owner.object.metadata.namespace ?? 'default',
            labels,
            ...(owner.kind === 'DaemonSet' && owner.object.metadata.annotations ? { annotations: { ...owner.object.metadata.annotations } } : {}),
            ownerReferences: [controllerRefTo(owner.object, 'apps/v1', owner.kind)],
          },
          data,
          revision: next,
        },
        { fieldManager: owner.manager },
      );
      return { update: created, revisions: [...revisions, created], collisionCount };
    } catch (e) {
      if (!isSimApiError(e) || e.status.reason !== 'AlreadyExists') throw e;
      const existing = store.get('controllerrevisions.apps', owner.object.metadata.namespace, name);
      if (existing && controllerOf(existing)?.uid === owner.object.metadata.uid && canonicalJson(existing.data) === wanted) {
        const bumped = store.update('controllerrevisions.apps', { ...existing, revision: next }, { fieldManager: owner.manager });
        return { update: bumped, revisions: controlledRevisions(store, owner.object), collisionCount };
      }
      collisionCount++;
    }
  }
  const subject = `${owner.kind.toLowerCase()} ${owner.object.metadata.namespace ?? ''}/${owner.object.metadata.name ?? ''}`;
  throw new TrackerError('INTERNAL', `${subject}: no free ControllerRevision name after 100 hash collisions`, {
    subject,
    hint: 'delete stale ControllerRevisions named after this workload',
  });
}

/**
 * truncateHistory deletes the oldest revisions not in `live` until at most `limit` non-live ones
 * remain (StatefulSet/DaemonSet `revisionHistoryLimit`, default 10).
 */
export function truncateHistory(store: SimStore, revisions: readonly KubeObject[], live: ReadonlySet<string>, limit: number): void {
  const history = revisions.filter((r) => !live.has(r.metadata.name ?? '')).sort(byRevision);
  for (const r of history.slice(0, Math.max(0, history.length - limit))) {
    try {
      store.delete('controllerrevisions.apps', r.metadata.namespace, r.metadata.name ?? '');
    } catch {
      // already gone
    }
  }
}
