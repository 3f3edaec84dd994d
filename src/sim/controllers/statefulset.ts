import type { KubeObject } from '../../kube/types.ts';
import type { SimContext } from '../core/context.ts';
import { int, record } from '../core/fields.ts';
import { asPod, controllerOf, objectKey, splitObjectKey } from './apps.ts';
import type { Pod } from './apps.ts';
import { STATEFULSET_REVISION_HASH, syncRevision, templateOf, truncateHistory } from './history.ts';
import { isPodAvailable, podAvailableFrom } from './pods.ts';
import {
  countPods,
  isHealthy,
  isRunningAndReady,
  ordinalOf,
  revisionOf,
  statefulSetPod,
  statefulSetStatus,
  viewStatefulSet,
} from './statefulset-pods.ts';
import type { StatefulSetView } from './statefulset-pods.ts';
import { WorkQueue } from './work-queue.ts';

const COMPONENT = 'statefulset-controller';
const RESOURCE = 'statefulsets.apps';

/**
 * startStatefulSetController runs the StatefulSet controller: ControllerRevisions per template
 * (`history.ts`), pods `<set>-<ordinal>` created in order (OrderedReady: each Running and Ready
 * before the next; Parallel: all at once), scale-down from the highest ordinal, RollingUpdate from
 * the highest ordinal down to `partition`, one pod at a time, OnDelete (replace only deleted
 * pods), status with current/update revisions, and `SuccessfulCreate`/`SuccessfulDelete` events
 * (`create Pod web-0 in StatefulSet web successful`). Returns a function that stops it.
 */
export function startStatefulSetController(ctx: SimContext): () => void {
  const { store, clock } = ctx;
  const queue = new WorkQueue({ clock, process: (key) => sync(key) });

  const podEvent = (set: KubeObject, verb: 'create' | 'delete', podName: string): void => {
    const setName = set.metadata.name ?? '';
    const reason = verb === 'create' ? 'SuccessfulCreate' : 'SuccessfulDelete';
    ctx.events.record({ involved: set, type: 'Normal', reason, message: `${verb} Pod ${podName} in StatefulSet ${setName} successful`, component: COMPONENT });
  };

  const createPod = (owner: KubeObject, pod: KubeObject): void => {
    store.create('pods', pod, { fieldManager: COMPONENT });
    podEvent(owner, 'create', pod.metadata.name ?? '');
  };

  const deletePod = (owner: KubeObject, pod: Pod): void => {
    const grace = int(record(pod.spec).terminationGracePeriodSeconds) ?? 30;
    store.delete('pods', pod.metadata.namespace, pod.metadata.name ?? '', { gracePeriodSeconds: grace, preconditions: { uid: pod.metadata.uid ?? '' } });
    podEvent(owner, 'delete', pod.metadata.name ?? '');
  };

  /** managePods creates, deletes and replaces pods; returns when it must wait for a pod to become healthy. */
  const managePods = (owner: KubeObject, set: StatefulSetView, pods: readonly Pod[], current: { name: string; template: StatefulSetView['template'] }, update: { name: string; template: StatefulSetView['template'] }, currentReplicas: number): void => {
    const ordered = set.podManagementPolicy === 'OrderedReady';
    const byOrdinal = new Map<number, Pod>();
    const condemned: Pod[] = [];
    for (const pod of pods) {
      const ord = ordinalOf(set.name, pod);
      if (ord < 0) continue;
      if (ord < set.replicas) byOrdinal.set(ord, pod);
      else condemned.push(pod);
    }
    const fromRevision = (ord: number): KubeObject => {
      // newVersionedStatefulSetPod: ordinals below the partition keep the current revision.
      const useCurrent = set.strategy === 'RollingUpdate' && (set.hasRollingUpdate ? ord < set.partition : ord < currentReplicas);
      const rev = useCurrent ? current : update;
      return statefulSetPod(owner, set, rev.template, rev.name, ord);
    };

    for (let ord = 0; ord < set.replicas; ord++) {
      const pod = byOrdinal.get(ord);
      if (!pod) {
        createPod(owner, fromRevision(ord));
        if (ordered) return;
        continue;
      }
      if (pod.status?.phase === 'Failed' && pod.metadata.deletionTimestamp === undefined) {
        deletePod(owner, pod);
        if (ordered) return;
        continue;
      }
      if (ordered && !isHealthy(pod)) return;
      if (ordered && !isPodAvailable(pod, set.minReadySeconds, clock.now())) return; // minReadySeconds before the next ordinal
    }

    condemned.sort((a, b) => ordinalOf(set.name, b) - ordinalOf(set.name, a));
    for (const pod of condemned) {
      if (pod.metadata.deletionTimestamp !== undefined) {
        if (ordered) return;
        continue;
      }
      deletePod(owner, pod);
      if (ordered) return;
    }

    if (set.strategy !== 'RollingUpdate') return;
    for (let ord = set.replicas - 1; ord >= set.partition; ord--) {
      const pod = byOrdinal.get(ord);
      if (!pod) return;
      if (revisionOf(pod) !== update.name && pod.metadata.deletionTimestamp === undefined) {
        deletePod(owner, pod);
        return;
      }
      if (!isHealthy(pod)) return;
    }
  };

  const sync = (key: string): void => {
    const { namespace, name } = splitObjectKey(key);
    const owner = store.get(RESOURCE, namespace, name);
    if (!owner || owner.metadata.deletionTimestamp !== undefined) return;
    const set = viewStatefulSet(owner);
    const status = record(owner.status);
    const revs = syncRevision(store, { object: owner, kind: 'StatefulSet', hashLabel: STATEFULSET_REVISION_HASH, collisionCount: int(status.collisionCount) ?? 0, manager: COMPONENT }, set.template);
    const updateName = revs.update.metadata.name ?? '';
    const currentRev = revs.revisions.find((r) => r.metadata.name === status.currentRevision) ?? revs.update;
    const currentName = currentRev.metadata.name ?? '';
    const owned = (): Pod[] =>
      store
        .list('pods', { namespace })
        .filter((p) => controllerOf(p)?.uid === owner.metadata.uid)
        .map(asPod);

    managePods(owner, set, owned(), { name: currentName, template: templateOf(currentRev) }, { name: updateName, template: set.template }, int(status.currentReplicas) ?? 0);

    const pods = owned();
    const now = clock.now();
    const counts = countPods(pods, currentName, updateName, set.minReadySeconds, now);
    const next = statefulSetStatus(set, owner.metadata.generation ?? 0, counts, currentName, updateName, revs.collisionCount);
    const latest = store.get(RESOURCE, namespace, name);
    if (latest) store.update(RESOURCE, { ...latest, status: { ...record(latest.status), ...next, ...zeroed(next) } }, { fieldManager: COMPONENT, subresource: 'status' });

    const live = new Set([currentName, updateName, String(next.currentRevision), ...pods.map(revisionOf)]);
    truncateHistory(store, controlledRevisionsAfter(revs.revisions, store, owner), live, set.revisionHistoryLimit);

    // Pods that are ready but not yet available: look again once minReadySeconds have passed.
    for (const pod of pods) {
      const from = isRunningAndReady(pod) ? podAvailableFrom(pod, set.minReadySeconds) : null;
      if (from !== null && from > now) queue.addAfter(key, from - now);
    }
  };

  const onPod = (pod: KubeObject): void => {
    const ref = controllerOf(pod);
    if (ref?.kind === 'StatefulSet') queue.add(`${pod.metadata.namespace ?? ''}/${ref.name}`);
  };

  const unsubscribeSets = store.subscribe(RESOURCE, (change) => {
    if (change.type !== 'DELETED') queue.add(objectKey(change.object));
  });
  const unsubscribePods = store.subscribe('pods', (change) => onPod(change.object));
  for (const set of store.list(RESOURCE)) queue.add(objectKey(set));

  return () => {
    unsubscribeSets();
    unsubscribePods();
    queue.stop();
  };
}

/** zeroed removes count fields a new status omits (omitempty), so stale non-zero values do not linger. */
function zeroed(next: Record<string, unknown>): Record<string, undefined> {
  const out: Record<string, undefined> = {};
  for (const field of ['readyReplicas', 'currentReplicas', 'updatedReplicas']) if (!(field in next)) out[field] = undefined;
  return out;
}

function controlledRevisionsAfter(revisions: readonly KubeObject[], store: SimContext['store'], owner: KubeObject): KubeObject[] {
  return revisions
    .map((r) => store.get('controllerrevisions.apps', r.metadata.namespace, r.metadata.name ?? ''))
    .filter((r): r is KubeObject => r !== undefined && controllerOf(r)?.uid === owner.metadata.uid);
}
