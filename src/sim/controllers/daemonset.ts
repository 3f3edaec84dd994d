import type { KubeObject } from '../../kube/types.ts';
import type { SimContext } from '../core/context.ts';
import { int, record } from '../core/fields.ts';
import { asPod, controllerOf, creationOrder, objectKey, splitObjectKey } from './apps.ts';
import type { Pod } from './apps.ts';
import {
  daemonPod,
  daemonSetStatus,
  isUpdated,
  nodeOfDaemonPod,
  rollingLimits,
  rollingUpdatePlan,
  shouldRunOnNode,
  viewDaemonSet,
} from './daemonset-pods.ts';
import type { DaemonSetView, NodeDaemons } from './daemonset-pods.ts';
import { CONTROLLER_REVISION_HASH, syncRevision, truncateHistory } from './history.ts';
import { podAvailableFrom } from './pods.ts';
import { WorkQueue } from './work-queue.ts';

const COMPONENT = 'daemonset-controller';
const RESOURCE = 'daemonsets.apps';

/**
 * startDaemonSetController runs the DaemonSet controller: one pod per eligible node (nodeSelector,
 * affinity, taints with the daemon tolerations), pinned to it by node affinity; pods on nodes that
 * no longer qualify, failed pods and duplicates are deleted; RollingUpdate honours maxUnavailable
 * and maxSurge, OnDelete replaces only deleted pods; ControllerRevisions per template; status and
 * `SuccessfulCreate`/`SuccessfulDelete` events (`Created pod: …`). Returns a function that stops it.
 */
export function startDaemonSetController(ctx: SimContext): () => void {
  const { store, clock } = ctx;
  const queue = new WorkQueue({ clock, process: (key) => sync(key) });

  const createPod = (owner: KubeObject, ds: DaemonSetView, hash: string, node: string): void => {
    const created = store.create('pods', daemonPod(owner, ds, hash, node), { fieldManager: COMPONENT });
    ctx.events.record({ involved: owner, type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${created.metadata.name ?? ''}`, component: COMPONENT });
  };

  const deletePod = (owner: KubeObject, pod: Pod): void => {
    if (pod.metadata.deletionTimestamp !== undefined) return;
    const grace = int(record(pod.spec).terminationGracePeriodSeconds) ?? 30;
    try {
      store.delete('pods', pod.metadata.namespace, pod.metadata.name ?? '', { gracePeriodSeconds: grace, preconditions: { uid: pod.metadata.uid ?? '' } });
    } catch {
      return; // already gone
    }
    ctx.events.record({ involved: owner, type: 'Normal', reason: 'SuccessfulDelete', message: `Deleted pod: ${pod.metadata.name ?? ''}`, component: COMPONENT });
  };

  const layout = (owner: KubeObject, ds: DaemonSetView): NodeDaemons[] => {
    const byNode = new Map<string, Pod[]>();
    for (const p of store.list('pods', { namespace: ds.namespace })) {
      if (controllerOf(p)?.uid !== owner.metadata.uid) continue;
      const node = nodeOfDaemonPod(p);
      if (node === undefined) continue;
      byNode.set(node, [...(byNode.get(node) ?? []), asPod(p)]);
    }
    const nodes = store.list('nodes').map((n) => ({ node: n.metadata.name ?? '', shouldRun: shouldRunOnNode(ds, n), pods: byNode.get(n.metadata.name ?? '') ?? [] }));
    const known = new Set(nodes.map((n) => n.node));
    for (const [node, pods] of byNode) if (!known.has(node)) nodes.push({ node, shouldRun: false, pods });
    return nodes;
  };

  /** manage creates missing daemon pods and deletes misplaced, failed and duplicate ones (`podsShouldBeOnNode`). */
  const manage = (owner: KubeObject, ds: DaemonSetView, hash: string, nodes: readonly NodeDaemons[], surge: boolean): void => {
    for (const n of nodes) {
      const live = n.pods.filter((p) => p.metadata.deletionTimestamp === undefined);
      if (!n.shouldRun) {
        for (const p of live) deletePod(owner, p);
        continue;
      }
      if (n.pods.length === 0) {
        createPod(owner, ds, hash, n.node);
        continue;
      }
      const running: Pod[] = [];
      for (const p of live) {
        if (p.status?.phase === 'Failed') {
          ctx.events.record({ involved: owner, type: 'Warning', reason: 'FailedDaemonPod', message: `Found failed daemon pod ${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''} on node ${n.node}, will try to kill it`, component: COMPONENT });
          deletePod(owner, p);
        } else running.push(p);
      }
      running.sort(creationOrder);
      if (!surge) {
        for (const p of running.slice(1)) deletePod(owner, p);
        continue;
      }
      // With surge one old and one new pod may share a node; duplicates of either go.
      const newPods = running.filter((p) => isUpdated(p, hash));
      const oldPods = running.filter((p) => !isUpdated(p, hash));
      for (const p of [...newPods.slice(1), ...oldPods.slice(1)]) deletePod(owner, p);
    }
  };

  const sync = (key: string): void => {
    const { namespace, name } = splitObjectKey(key);
    const owner = store.get(RESOURCE, namespace, name);
    if (!owner || owner.metadata.deletionTimestamp !== undefined) return;
    const ds = viewDaemonSet(owner);
    const status = record(owner.status);
    const revs = syncRevision(store, { object: owner, kind: 'DaemonSet', hashLabel: CONTROLLER_REVISION_HASH, collisionCount: int(status.collisionCount) ?? 0, manager: COMPONENT }, ds.template);
    const hash = revs.update.metadata.labels?.[CONTROLLER_REVISION_HASH] ?? '';

    let nodes = layout(owner, ds);
    const desired = nodes.filter((n) => n.shouldRun).length;
    const limits = rollingLimits(ds, desired);
    const surge = ds.strategy === 'RollingUpdate' && limits.maxSurge > 0;
    manage(owner, ds, hash, nodes, surge);
    if (ds.strategy === 'RollingUpdate') {
      nodes = layout(owner, ds);
      const plan = rollingUpdatePlan(nodes, hash, limits, ds.minReadySeconds, clock.now());
      for (const p of plan.deletePods) deletePod(owner, p);
      for (const node of plan.surgeNodes) createPod(owner, ds, hash, node);
    }

    nodes = layout(owner, ds);
    const now = clock.now();
    const next = { ...daemonSetStatus(ds, nodes, hash, now), ...(revs.collisionCount > 0 ? { collisionCount: revs.collisionCount } : {}) };
    const latest = store.get(RESOURCE, namespace, name);
    if (latest) {
      const { updatedNumberScheduled: _u, numberAvailable: _a, numberUnavailable: _n, ...kept } = record(latest.status);
      store.update(RESOURCE, { ...latest, status: { ...kept, ...next } }, { fieldManager: COMPONENT, subresource: 'status' });
    }

    const pods = nodes.flatMap((n) => n.pods);
    const liveHashes = new Set([hash, ...pods.map((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH] ?? '')]);
    const revisions = store
      .list('controllerrevisions.apps', { namespace })
      .filter((r) => controllerOf(r)?.uid === owner.metadata.uid);
    const live = new Set(revisions.filter((r) => liveHashes.has(r.metadata.labels?.[CONTROLLER_REVISION_HASH] ?? '')).map((r) => r.metadata.name ?? ''));
    truncateHistory(store, revisions, live, ds.revisionHistoryLimit);

    for (const pod of pods) {
      const from = podAvailableFrom(pod, ds.minReadySeconds);
      if (from !== null && from > now) queue.addAfter(key, from - now);
    }
  };

  const enqueueAll = (): void => {
    for (const ds of store.list(RESOURCE)) queue.add(objectKey(ds));
  };
  const unsubscribeSets = store.subscribe(RESOURCE, (change) => {
    if (change.type !== 'DELETED') queue.add(objectKey(change.object));
  });
  const unsubscribePods = store.subscribe('pods', (change) => {
    const ref = controllerOf(change.object);
    if (ref?.kind === 'DaemonSet') queue.add(`${change.object.metadata.namespace ?? ''}/${ref.name}`);
  });
  const unsubscribeNodes = store.subscribe('nodes', () => enqueueAll());
  enqueueAll();

  return () => {
    unsubscribeSets();
    unsubscribePods();
    unsubscribeNodes();
    queue.stop();
  };
}
