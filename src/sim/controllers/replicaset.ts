import type { KubeObject } from '../../kube/types.ts';
import { rfc3339 } from '../../lib/timestamps.ts';
import { isSimApiError } from '../core/api-error.ts';
import type { SimContext } from '../core/context.ts';
import { deepEqual } from '../core/deep.ts';
import { labelSelectorFromSpec, matchesLabels } from '../core/selectors.ts';
import type { StoredChange } from '../core/store-api.ts';
import { asPod, asReplicaSet, controllerOf, controllerRefTo, isTerminating, objectKey, specReplicas, splitObjectKey, type Pod, type ReplicaSet } from './apps.ts';
import { isPodActive, podAvailableFrom } from './pods.ts';
import { podFromTemplate, podsToDelete, replicaSetStatus } from './replicaset-pods.ts';
import { ObjectCache } from './cache.ts';
import { WorkQueue } from './work-queue.ts';

/**
 * The simulated ReplicaSet controller (Kubernetes `pkg/controller/replicaset`): keeps
 * `spec.replicas` active pods, creating them in slow-start batches and deleting surplus pods in
 * Kubernetes' order, with SuccessfulCreate/SuccessfulDelete (FailedCreate/FailedDelete) events on
 * the ReplicaSet, and keeps `status` current — re-syncing when a ready pod becomes available
 * after `minReadySeconds`.
 */

/** REPLICASET_MANAGER is the field manager and event source component of the ReplicaSet controller. */
export const REPLICASET_MANAGER = 'replicaset-controller';

/** BURST_REPLICAS caps the pods created or deleted in one sync (Kubernetes `burstReplicas`). */
export const BURST_REPLICAS = 500;

const RS = 'replicasets.apps';
const PODS = 'pods';

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

interface RsEnv {
  readonly ctx: SimContext;
  readonly pods: ObjectCache;
  readonly replicaSets: ObjectCache;
  readonly requeueAfter: (key: string, delayMs: number) => void;
}

function record(env: RsEnv, rs: ReplicaSet, type: 'Normal' | 'Warning', reason: string, message: string): void {
  env.ctx.events.record({ involved: rs, type, reason, message, component: REPLICASET_MANAGER });
}

function selects(rs: ReplicaSet, obj: KubeObject): boolean {
  const selector = labelSelectorFromSpec(rs.spec.selector);
  return selector.length > 0 && matchesLabels(selector, obj.metadata.labels);
}

/** claimPods returns the ReplicaSet's pods, adopting matching orphans and releasing owned pods it no longer selects. */
function claimPods(env: RsEnv, rs: ReplicaSet): Pod[] {
  const store = env.ctx.store;
  const out: Pod[] = [];
  const candidates = [...env.pods.ownedBy(rs.metadata.uid ?? ''), ...env.pods.orphans(rs.metadata.namespace ?? '')];
  for (const obj of candidates) {
    const ref = controllerOf(obj);
    if (ref) {
      if (ref.uid !== rs.metadata.uid) continue;
      if (selects(rs, obj) || isTerminating(rs)) {
        out.push(asPod(obj));
        continue;
      }
      const owners = (obj.metadata.ownerReferences ?? []).filter((o) => o.uid !== rs.metadata.uid);
      store.update(PODS, { ...obj, metadata: { ...obj.metadata, ownerReferences: owners } }, { fieldManager: REPLICASET_MANAGER });
      continue;
    }
    if (isTerminating(rs) || isTerminating(obj) || !selects(rs, obj)) continue;
    const owners = [...(obj.metadata.ownerReferences ?? []), controllerRefTo(rs, 'apps/v1', 'ReplicaSet')];
    out.push(asPod(store.update(PODS, { ...obj, metadata: { ...obj.metadata, ownerReferences: owners } }, { fieldManager: REPLICASET_MANAGER })));
  }
  return out;
}

/** relatedPods are the active pods of every ReplicaSet that shares this one's controller (its Deployment). */
function relatedPods(env: RsEnv, rs: ReplicaSet, own: readonly Pod[]): Pod[] {
  const owner = controllerOf(rs);
  if (!owner) return [...own];
  return env.replicaSets
    .ownedBy(owner.uid)
    .flatMap((sibling) => env.pods.ownedBy(sibling.metadata.uid ?? ''))
    .map(asPod)
    .filter(isPodActive);
}

/** createPods creates `count` pods in slow-start batches (1, 2, 4, …), stopping at the first failure. */
function createPods(env: RsEnv, rs: ReplicaSet, count: number): string | undefined {
  let remaining = count;
  let batch = 1;
  while (remaining > 0) {
    const size = Math.min(batch, remaining);
    for (let i = 0; i < size; i++) {
      try {
        const pod = env.ctx.store.create(PODS, podFromTemplate(rs), { fieldManager: REPLICASET_MANAGER });
        record(env, rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name ?? ''}`);
      } catch (e) {
        const msg = errorText(e);
        record(env, rs, 'Warning', 'FailedCreate', `Error creating: ${msg}`);
        return msg;
      }
    }
    remaining -= size;
    batch *= 2;
  }
  return undefined;
}

/** deletePods deletes the chosen pods with their grace period; a pod already gone is fine. */
function deletePods(env: RsEnv, rs: ReplicaSet, pods: readonly Pod[]): string | undefined {
  let failure: string | undefined;
  for (const pod of pods) {
    const name = pod.metadata.name ?? '';
    const grace = typeof pod.spec?.['terminationGracePeriodSeconds'] === 'number' ? pod.spec['terminationGracePeriodSeconds'] : 30;
    try {
      env.ctx.store.delete(PODS, pod.metadata.namespace, name, { gracePeriodSeconds: grace, preconditions: { uid: pod.metadata.uid ?? '' } });
      record(env, rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
    } catch (e) {
      if (isSimApiError(e) && e.status.reason === 'NotFound') continue;
      failure = errorText(e);
      record(env, rs, 'Warning', 'FailedDelete', `Error deleting: ${failure}`);
    }
  }
  return failure;
}

/** manageReplicas creates or deletes pods to reach `spec.replicas`; returns the error text of a failure. */
function manageReplicas(env: RsEnv, rs: ReplicaSet, active: readonly Pod[]): string | undefined {
  const diff = active.length - specReplicas(rs);
  if (diff < 0) return createPods(env, rs, Math.min(-diff, BURST_REPLICAS));
  if (diff > 0) {
    const count = Math.min(diff, BURST_REPLICAS);
    return deletePods(env, rs, podsToDelete(active, relatedPods(env, rs, active), count, env.ctx.clock.now()));
  }
  return undefined;
}

/** syncReplicaSet reconciles the ReplicaSet with key `namespace/name`; a missing one is a no-op. */
export function syncReplicaSet(env: RsEnv, key: string): void {
  const { namespace, name } = splitObjectKey(key);
  const stored = env.ctx.store.get(RS, namespace, name);
  if (!stored) return;
  const rs = asReplicaSet(stored);
  const owned = claimPods(env, rs);
  let active = owned.filter(isPodActive);
  let manageError: string | undefined;
  if (!isTerminating(rs)) {
    manageError = manageReplicas(env, rs, active);
    if (active.length !== specReplicas(rs)) active = claimPods(env, rs).filter(isPodActive);
  }
  const now = env.ctx.clock.now();
  const current = asReplicaSet(env.ctx.store.get(RS, namespace, name) ?? rs);
  const status = replicaSetStatus(current, active, manageError, now, rfc3339(now));
  if (!deepEqual(current.status ?? {}, status)) {
    env.ctx.store.update(RS, { ...current, status }, { subresource: 'status', fieldManager: REPLICASET_MANAGER });
  }
  // Look again when the next ready pod becomes available (minReadySeconds).
  const minReady = current.spec.minReadySeconds ?? 0;
  if (minReady > 0) {
    const next = active.map((p) => podAvailableFrom(p, minReady)).filter((t): t is number => t !== null && t > now);
    if (next.length > 0) env.requeueAfter(key, Math.min(...next) - now);
  }
  if (manageError !== undefined) throw new Error(`replicaset ${key}: ${manageError}`);
}

/**
 * startReplicaSetController runs the simulated ReplicaSet controller until the returned function
 * is called. A ReplicaSet is synced when it changes and when one of its pods (or an orphan pod it
 * selects) changes.
 */
export function startReplicaSetController(ctx: SimContext): () => void {
  const queue: WorkQueue = new WorkQueue({ clock: ctx.clock, process: (key) => syncReplicaSet(env, key) });
  const pods = new ObjectCache(ctx.store, PODS);
  const replicaSets = new ObjectCache(ctx.store, RS);
  const env: RsEnv = { ctx, pods, replicaSets, requeueAfter: (key, delayMs) => queue.addAfter(key, delayMs) };

  const onPod = (change: StoredChange): void => {
    const pod = change.object;
    const ref = controllerOf(pod);
    if (ref) {
      if (ref.kind !== 'ReplicaSet') return;
      const rs = ctx.store.get(RS, pod.metadata.namespace, ref.name);
      if (rs && rs.metadata.uid === ref.uid) queue.add(objectKey(rs));
      return;
    }
    if (change.type === 'DELETED') return;
    for (const obj of replicaSets.inNamespace(pod.metadata.namespace ?? '')) {
      if (selects(asReplicaSet(obj), pod)) queue.add(objectKey(obj));
    }
  };

  const unsubscribe = [
    ctx.store.subscribe(RS, (change) => {
      if (change.type !== 'DELETED') queue.add(objectKey(change.object));
    }),
    ctx.store.subscribe(PODS, onPod),
  ];
  for (const rs of ctx.store.list(RS)) queue.add(objectKey(rs));
  return () => {
    for (const u of unsubscribe) u();
    pods.stop();
    replicaSets.stop();
    queue.stop();
  };
}
