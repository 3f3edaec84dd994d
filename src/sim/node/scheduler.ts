import type { KubeObject } from '../../kube/types.ts';
import { rfc3339 } from '../../lib/timestamps.ts';
import { setCondition } from '../core/conditions.ts';
import type { SimContext } from '../core/context.ts';
import { record, text } from '../core/fields.ts';
import { isTerminal, podRequests } from './pod-resources.ts';
import type { PodRequests } from './pod-resources.ts';
import { filterNode, fitErrorMessage } from './scheduler-fit.ts';
import type { FilterResult, NodeUsage } from './scheduler-fit.ts';
import { cpuMillis, memoryBytes } from '../core/quantity.ts';

/** SCHEDULER_NAME is the name pods select with `spec.schedulerName` (the default). */
export const SCHEDULER_NAME = 'default-scheduler';

/** Retry timings of the scheduling queue (kube-scheduler defaults). */
export const SchedulerTimings = {
  /** First back-off after a failed attempt; doubles per attempt. */
  initialBackoffMs: 1_000,
  maxBackoffMs: 10_000,
  /** Unschedulable pods are retried at least this often even without cluster changes. */
  unschedulableFlushMs: 5 * 60_000,
} as const;

interface Bound {
  readonly node: string;
  readonly requests: PodRequests;
}

interface Waiting {
  attempts: number;
  lastAttemptAt: number;
  spec: string;
  cancel: () => void;
}

const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

/**
 * startScheduler runs the simulated kube-scheduler. Pods without `spec.nodeName` (and addressed to
 * `default-scheduler`) are bound to the least-allocated feasible node (ties broken by `ctx.random`),
 * with a series-style `Scheduled` event. A pod that fits nowhere gets `PodScheduled=False`
 * (`Unschedulable`, the FitError message) and a `FailedScheduling` event, and is retried with
 * back-off (1 s doubling to 10 s) when nodes or pods change, and every 5 min regardless.
 * Returns a function that stops it.
 */
export function startScheduler(ctx: SimContext): () => void {
  const { store, clock } = ctx;
  const nodes = new Map<string, KubeObject>();
  const bound = new Map<string, Bound>();
  const usage = new Map<string, { cpuMillis: number; memoryBytes: number; pods: number }>();
  const queue = new Set<string>();
  const waiting = new Map<string, Waiting>();
  let drainScheduled: (() => void) | undefined;
  let stopped = false;

  const addUsage = (b: Bound, sign: 1 | -1): void => {
    const u = usage.get(b.node) ?? { cpuMillis: 0, memoryBytes: 0, pods: 0 };
    u.cpuMillis += sign * b.requests.cpuMillis;
    u.memoryBytes += sign * b.requests.memoryBytes;
    u.pods += sign;
    usage.set(b.node, u);
  };
  const setBound = (key: string, b: Bound | undefined): boolean => {
    const old = bound.get(key);
    if (old && b && old.node === b.node) return false;
    if (old) addUsage(old, -1);
    if (b) {
      bound.set(key, b);
      addUsage(b, 1);
    } else bound.delete(key);
    return old !== undefined && b === undefined;
  };

  const scheduleDrain = (): void => {
    if (drainScheduled || stopped) return;
    drainScheduled = clock.schedule(0, () => {
      drainScheduled = undefined;
      drain();
    });
  };
  const enqueue = (key: string): void => {
    queue.add(key);
    scheduleDrain();
  };

  /** Cluster changed: move unschedulable pods back, each after its remaining back-off. */
  const clusterChanged = (): void => {
    const now = clock.now();
    for (const [key, w] of waiting) {
      w.cancel();
      const backoff = Math.min(SchedulerTimings.initialBackoffMs * 2 ** (w.attempts - 1), SchedulerTimings.maxBackoffMs);
      w.cancel = clock.schedule(Math.max(0, w.lastAttemptAt + backoff - now), () => enqueue(key));
    }
  };

  const observePod = (pod: KubeObject, deleted: boolean): void => {
    const key = keyOf(pod);
    const spec = record(pod.spec);
    const nodeName = text(spec.nodeName);
    if (deleted || isTerminal(pod) || !nodeName) {
      if (setBound(key, undefined)) clusterChanged();
    } else setBound(key, { node: nodeName, requests: podRequests(pod) });
    if (deleted || nodeName) {
      const w = waiting.get(key);
      if (w) {
        w.cancel();
        waiting.delete(key);
      }
      queue.delete(key);
      return;
    }
    if ((text(spec.schedulerName) ?? SCHEDULER_NAME) !== SCHEDULER_NAME || pod.metadata.deletionTimestamp) return;
    const w = waiting.get(key);
    if (w && w.spec === JSON.stringify(spec)) return; // our own status write, or a no-op change
    enqueue(key);
  };

  const feasibility = (pod: KubeObject, requests: PodRequests): { node: KubeObject; result: FilterResult }[] =>
    [...nodes.values()].map((node) => ({
      node,
      result: filterNode(pod, requests, node, usage.get(node.metadata.name ?? '') ?? { cpuMillis: 0, memoryBytes: 0, pods: 0 }),
    }));

  const score = (node: KubeObject, requests: PodRequests): number => {
    const alloc = record(record(node.status).allocatable);
    const u: NodeUsage = usage.get(node.metadata.name ?? '') ?? { cpuMillis: 0, memoryBytes: 0, pods: 0 };
    const cpu = (u.cpuMillis + requests.cpuMillis) / Math.max(1, cpuMillis(alloc.cpu) ?? 1);
    const mem = (u.memoryBytes + requests.memoryBytes) / Math.max(1, memoryBytes(alloc.memory) ?? 1);
    const pods = (u.pods + 1) / Math.max(1, Number(alloc.pods) || 110);
    return cpu + mem + pods; // lower is better: least allocated, spreading empty pods too
  };

  const scheduleOne = (key: string): void => {
    const [namespace = '', name = ''] = key.split('/');
    const pod = store.get('pods', namespace, name);
    if (!pod || text(record(pod.spec).nodeName) || pod.metadata.deletionTimestamp || isTerminal(pod)) return;
    const requests = podRequests(pod);
    const results = feasibility(pod, requests);
    const feasible = results.filter((r) => r.result.reasons.length === 0);
    const now = clock.now();
    if (feasible.length === 0) {
      const message = fitErrorMessage(results.map((r) => r.result));
      const w = waiting.get(key);
      w?.cancel();
      const entry: Waiting = { attempts: (w?.attempts ?? 0) + 1, lastAttemptAt: now, spec: JSON.stringify(record(pod.spec)), cancel: () => undefined };
      entry.cancel = clock.schedule(SchedulerTimings.unschedulableFlushMs, () => enqueue(key));
      waiting.set(key, entry); // before the status write, so its echo is not taken for a new pod version
      const status = record(pod.status);
      const conditions = setCondition(status.conditions, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }, rfc3339(now));
      const written = store.update('pods', { ...pod, status: { ...status, phase: status.phase ?? 'Pending', conditions } }, { fieldManager: 'kube-scheduler', subresource: 'status' });
      ctx.events.record({ involved: written, type: 'Warning', reason: 'FailedScheduling', message, component: SCHEDULER_NAME, style: 'series', action: 'Scheduling' });
      return;
    }
    let best = feasible[0]!;
    let bestScore = score(best.node, requests);
    let ties = 1;
    for (const cand of feasible.slice(1)) {
      const s = score(cand.node, requests);
      if (s < bestScore - 1e-12) {
        best = cand;
        bestScore = s;
        ties = 1;
      } else if (Math.abs(s - bestScore) <= 1e-12 && ctx.random() * ++ties < 1) best = cand;
    }
    const nodeName = best.node.metadata.name ?? '';
    waiting.get(key)?.cancel();
    waiting.delete(key);
    store.update('pods', { ...pod, spec: { ...record(pod.spec), nodeName } }, { fieldManager: 'kube-scheduler' });
    const assigned = store.get('pods', namespace, name);
    if (!assigned) return;
    const status = record(assigned.status);
    const conditions = setCondition(status.conditions, { type: 'PodScheduled', status: 'True' }, rfc3339(now));
    const written = store.update('pods', { ...assigned, status: { ...status, phase: status.phase ?? 'Pending', conditions } }, { fieldManager: 'kube-scheduler', subresource: 'status' });
    ctx.events.record({
      involved: written,
      type: 'Normal',
      reason: 'Scheduled',
      message: `Successfully assigned ${namespace}/${name} to ${nodeName}`,
      component: SCHEDULER_NAME,
      style: 'series',
      action: 'Binding',
    });
  };

  const drain = (): void => {
    while (queue.size > 0 && !stopped) {
      const key = queue.values().next().value as string;
      queue.delete(key);
      try {
        scheduleOne(key);
      } catch {
        // Conflict or a vanished pod: the next change of the pod requeues it.
        const [namespace = '', name = ''] = key.split('/');
        if (store.get('pods', namespace, name)) clock.schedule(SchedulerTimings.initialBackoffMs, () => enqueue(key));
      }
    }
  };

  for (const node of store.list('nodes')) nodes.set(node.metadata.name ?? '', node);
  for (const pod of store.list('pods')) observePod(pod, false);

  const unsubscribeNodes = store.subscribe('nodes', (change) => {
    const name = change.object.metadata.name ?? '';
    if (change.type === 'DELETED') nodes.delete(name);
    else nodes.set(name, change.object);
    clusterChanged();
  });
  const unsubscribePods = store.subscribe('pods', (change) => observePod(change.object, change.type === 'DELETED'));

  return () => {
    stopped = true;
    unsubscribeNodes();
    unsubscribePods();
    drainScheduled?.();
    for (const w of waiting.values()) w.cancel();
    waiting.clear();
  };
}
