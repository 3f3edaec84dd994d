import { isSimApiError } from '../../core/api-error.ts';
import { asReplicaSet, controllerOf, controllerRefTo, type ReplicaSet } from '../apps.ts';
import { Message, Reason, getCondition, newCondition, setCondition } from './conditions.ts';
import { FIELD_MANAGER, Resource, recordEvent, writeDeploymentStatus, type DeploymentEnv, type DeploymentRef } from './env.ts';
import { computeTemplateHash } from './hash.ts';
import { POD_TEMPLATE_HASH, equalIgnoreHash, findNewReplicaSet, findOldReplicaSets } from './replica-sets.ts';
import { Annotation, maxRevision, setNewReplicaSetAnnotations } from './revision.ts';
import { newReplicaSetTarget } from './rolling.ts';
import { hasProgressDeadline } from './status.ts';

/**
 * The new ReplicaSet and the revision bookkeeping (Kubernetes `sync.go`
 * `getAllReplicaSetsAndSyncRevision` / `getNewReplicaSet`).
 */

/** ReplicaSets is a Deployment's new ReplicaSet (if any) and all its old ones. */
export interface ReplicaSets {
  readonly newRS: ReplicaSet | undefined;
  readonly oldRSs: readonly ReplicaSet[];
}

/** allReplicaSets lists old and new together (the new one last), skipping a missing new one. */
export function allReplicaSets(sets: ReplicaSets): ReplicaSet[] {
  return sets.newRS ? [...sets.oldRSs, sets.newRS] : [...sets.oldRSs];
}

/**
 * getAllReplicaSetsAndSyncRevision finds the new ReplicaSet and brings its revision (and the
 * Deployment's) up to date: the new RS gets max(old revisions)+1 if lower — which is how a
 * rollback renumbers a reused ReplicaSet — and the Deployment's revision annotation mirrors it.
 * With `create`, a missing new ReplicaSet is created (`<deployment>-<pod-template-hash>`).
 * `rsList` is updated in place with what was written, so later steps of the sync see current objects.
 */
export function getAllReplicaSetsAndSyncRevision(env: DeploymentEnv, ref: DeploymentRef, rsList: ReplicaSet[], create: boolean): ReplicaSets {
  const existing = findNewReplicaSet(ref.d, rsList);
  const oldRSs = findOldReplicaSets(rsList, existing);
  const newRevision = maxRevision(oldRSs) + 1n;
  if (existing) {
    const newRS = syncExisting(env, ref, existing, newRevision);
    if (newRS !== existing) rsList[rsList.indexOf(existing)] = newRS;
    return { newRS, oldRSs };
  }
  if (!create) return { newRS: undefined, oldRSs };
  const newRS = createNew(env, ref, oldRSs, newRevision);
  rsList.push(newRS);
  return { newRS, oldRSs };
}

function syncExisting(env: DeploymentEnv, ref: DeploymentRef, rs: ReplicaSet, newRevision: bigint): ReplicaSet {
  const d = ref.d;
  const update = setNewReplicaSetAnnotations(d, rs.metadata.annotations ?? {}, newRevision, true);
  const minReady = d.spec.minReadySeconds ?? 0;
  if (update.changed || (rs.spec.minReadySeconds ?? 0) !== minReady) {
    const next = {
      ...rs,
      metadata: { ...rs.metadata, annotations: update.annotations },
      spec: { ...rs.spec, minReadySeconds: minReady },
    };
    // Kubernetes returns here; the Deployment's revision follows on the next sync (the RS update requeues it).
    return asReplicaSet(env.store.update(Resource.replicaSets, next, { fieldManager: FIELD_MANAGER }));
  }
  const revision = rs.metadata.annotations?.[Annotation.revision] ?? '';
  let needsUpdate = false;
  let annotations = d.metadata.annotations ?? {};
  if (annotations[Annotation.revision] !== revision) {
    annotations = { ...annotations, [Annotation.revision]: revision };
    needsUpdate = true;
  }
  let conditions = d.status?.conditions;
  if (hasProgressDeadline(d) && !getCondition(conditions, 'Progressing')) {
    const name = rs.metadata.name ?? '';
    conditions = setCondition(conditions, newCondition('Progressing', 'True', Reason.FoundNewReplicaSet, Message.found(name), env.clock.now()));
    needsUpdate = true;
  }
  if (needsUpdate) writeDeploymentStatus(env, ref, { ...d.status, ...(conditions ? { conditions: [...conditions] } : {}) }, annotations);
  return rs;
}

function createNew(env: DeploymentEnv, ref: DeploymentRef, oldRSs: readonly ReplicaSet[], newRevision: bigint): ReplicaSet {
  const d = ref.d;
  const collisionCount = d.status?.collisionCount;
  const hash = computeTemplateHash(d.spec.template, collisionCount);
  const labels = { ...(d.spec.template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash };
  const selector = d.spec.selector ?? {};
  const name = `${d.metadata.name ?? ''}-${hash}`;
  const sumOld = oldRSs.reduce((n, rs) => n + (rs.spec.replicas ?? 1), 0);
  const replicas = newReplicaSetTarget(d.spec, sumOld, 0);
  const annotations = setNewReplicaSetAnnotations(d, {}, newRevision, false).annotations;
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: d.metadata.namespace ?? '',
      labels,
      annotations,
      ownerReferences: [controllerRefTo(d, 'apps/v1', 'Deployment')],
    },
    spec: {
      replicas,
      minReadySeconds: d.spec.minReadySeconds ?? 0,
      selector: { ...selector, matchLabels: { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash } },
      template: { ...d.spec.template, metadata: { ...d.spec.template.metadata, labels } },
    },
  };

  let created: ReplicaSet;
  let alreadyExists = false;
  try {
    created = asReplicaSet(env.store.create(Resource.replicaSets, rs, { fieldManager: FIELD_MANAGER }));
  } catch (e) {
    if (isSimApiError(e) && e.status.reason === 'AlreadyExists') {
      const found = env.store.get(Resource.replicaSets, d.metadata.namespace, name);
      const existing = found ? asReplicaSet(found) : undefined;
      if (existing && controllerOf(existing)?.uid === d.metadata.uid && equalIgnoreHash(d.spec.template, existing.spec.template)) {
        created = existing;
        alreadyExists = true;
      } else {
        // A hash collision: bump collisionCount so the next sync computes another name.
        writeDeploymentStatus(env, ref, { ...d.status, collisionCount: (collisionCount ?? 0) + 1 });
        throw e;
      }
    } else {
      if (isSimApiError(e) && e.status.details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) throw e;
      const msg = Message.createFailed(name, e instanceof Error ? e.message : String(e));
      if (hasProgressDeadline(d)) {
        const conditions = setCondition(d.status?.conditions, newCondition('Progressing', 'False', Reason.ReplicaSetCreateError, msg, env.clock.now()));
        try {
          writeDeploymentStatus(env, ref, { ...d.status, conditions: [...conditions] });
        } catch {
          // The bigger problem is the failed create, reported below.
        }
      }
      recordEvent(env, ref.d, 'Warning', Reason.ReplicaSetCreateError, msg);
      throw e;
    }
  }

  if (!alreadyExists && replicas > 0) recordEvent(env, ref.d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${name} to ${replicas}`);
  const cur = ref.d;
  let annotationsD = cur.metadata.annotations ?? {};
  let needsUpdate = false;
  if (annotationsD[Annotation.revision] !== String(newRevision)) {
    annotationsD = { ...annotationsD, [Annotation.revision]: String(newRevision) };
    needsUpdate = true;
  }
  let conditions = cur.status?.conditions;
  if (!alreadyExists && hasProgressDeadline(cur)) {
    conditions = setCondition(conditions, newCondition('Progressing', 'True', Reason.NewReplicaSetCreated, Message.created(name), env.clock.now()));
    needsUpdate = true;
  }
  if (needsUpdate) writeDeploymentStatus(env, ref, { ...cur.status, ...(conditions ? { conditions: [...conditions] } : {}) }, annotationsD);
  return created;
}
