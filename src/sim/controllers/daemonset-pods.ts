import type { KubeObject } from '../../kube/types.ts';
import type { Instant } from '../../lib/clock.ts';
import { int, record, records, text } from '../core/fields.ts';
import { filterNode } from '../node/scheduler-fit.ts';
import type { IntOrString, Pod, PodTemplateSpec } from './apps.ts';
import { controllerRefTo, creationOrder, omitZero } from './apps.ts';
import { CONTROLLER_REVISION_HASH } from './history.ts';
import { isPodAvailable, isPodReady } from './pods.ts';

/**
 * The pure parts of the DaemonSet controller (Kubernetes `pkg/controller/daemon`): which nodes
 * should run a daemon pod, the pod built for a node, the rolling-update plan, and the status.
 */

/** POD_TEMPLATE_GENERATION is the deprecated label DaemonSet pods still carry. */
export const POD_TEMPLATE_GENERATION = 'pod-template-generation';

/** DAEMON_TOLERATIONS are added to every daemon pod (`util.AddOrUpdateDaemonPodTolerations`). */
export const DAEMON_TOLERATIONS: readonly Record<string, string>[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

/** DaemonSetView is a DaemonSet's spec with the apps/v1 defaults. */
export interface DaemonSetView {
  readonly name: string;
  readonly namespace: string;
  readonly generation: number;
  readonly strategy: 'RollingUpdate' | 'OnDelete';
  readonly maxUnavailable: IntOrString;
  readonly maxSurge: IntOrString;
  readonly minReadySeconds: number;
  readonly revisionHistoryLimit: number;
  readonly template: PodTemplateSpec;
}

/** viewDaemonSet reads a DaemonSet's spec with the apps/v1 defaults. */
export function viewDaemonSet(ds: KubeObject): DaemonSetView {
  const spec = record(ds.spec);
  const strategy = record(spec.updateStrategy);
  const ru = record(strategy.rollingUpdate);
  const intOrString = (v: unknown, fallback: IntOrString): IntOrString => (typeof v === 'number' || typeof v === 'string' ? v : fallback);
  return {
    name: ds.metadata.name ?? '',
    namespace: ds.metadata.namespace ?? 'default',
    generation: ds.metadata.generation ?? 1,
    strategy: strategy.type === 'OnDelete' ? 'OnDelete' : 'RollingUpdate',
    maxUnavailable: intOrString(ru.maxUnavailable, 1),
    maxSurge: intOrString(ru.maxSurge, 0),
    minReadySeconds: int(spec.minReadySeconds) ?? 0,
    revisionHistoryLimit: int(spec.revisionHistoryLimit) ?? 10,
    template: record(spec.template),
  };
}

/** scaledValue resolves an int-or-percent against `total`, rounding percentages up (as the DaemonSet controller does). */
export function scaledValue(v: IntOrString, total: number): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  return m ? Math.ceil((Number(m[1]) * total) / 100) : Number(v) || 0;
}

/** rollingLimits returns maxSurge and maxUnavailable for `desired` nodes; both zero → one unavailable. */
export function rollingLimits(ds: DaemonSetView, desired: number): { readonly maxSurge: number; readonly maxUnavailable: number } {
  const maxSurge = scaledValue(ds.maxSurge, desired);
  const maxUnavailable = scaledValue(ds.maxUnavailable, desired);
  return maxSurge === 0 && maxUnavailable === 0 ? { maxSurge, maxUnavailable: 1 } : { maxSurge, maxUnavailable };
}

function withTolerations(spec: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const existing = records(spec.tolerations);
  const extra = DAEMON_TOLERATIONS.filter((t) => !existing.some((e) => e.key === t.key && e.effect === t.effect));
  return { ...spec, tolerations: [...existing, ...extra] };
}

/** shouldRunOnNode tells whether the daemon pod belongs on `node`: node name, selector/affinity and taints (with the daemon tolerations). */
export function shouldRunOnNode(ds: DaemonSetView, node: KubeObject): boolean {
  const spec = record(ds.template.spec);
  const pinned = text(spec.nodeName);
  if (pinned !== undefined && pinned !== node.metadata.name) return false;
  const probe: KubeObject = { metadata: { name: 'probe' }, spec: withTolerations(spec) };
  return filterNode(probe, { cpuMillis: 0, memoryBytes: 0 }, node, { cpuMillis: 0, memoryBytes: 0, pods: 0 }).reasons.length === 0;
}

/**
 * daemonPod builds the pod for one node: `generateName: <ds>-`, template labels plus
 * `controller-revision-hash` and `pod-template-generation`, the daemon tolerations, and a required
 * node affinity on `metadata.name` so the scheduler binds it to that node.
 */
export function daemonPod(owner: KubeObject, ds: DaemonSetView, hash: string, nodeName: string): KubeObject {
  const meta = ds.template.metadata ?? {};
  const spec = withTolerations(structuredClone(record(ds.template.spec)));
  const affinity = record(spec.affinity);
  const nodeAffinity = record(affinity.nodeAffinity);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${ds.name}-`,
      namespace: ds.namespace,
      labels: { ...(meta.labels ?? {}), [CONTROLLER_REVISION_HASH]: hash, [POD_TEMPLATE_GENERATION]: String(ds.generation) },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ownerReferences: [controllerRefTo(owner, 'apps/v1', 'DaemonSet')],
    },
    spec: {
      ...spec,
      affinity: {
        ...affinity,
        nodeAffinity: {
          ...nodeAffinity,
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }],
          },
        },
      },
    },
  };
}

/** nodeOfDaemonPod is the node a daemon pod is on or meant for (`spec.nodeName`, else its matchFields affinity). */
export function nodeOfDaemonPod(pod: KubeObject): string | undefined {
  const spec = record(pod.spec);
  const bound = text(spec.nodeName);
  if (bound) return bound;
  const terms = records(record(record(record(spec.affinity).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution).nodeSelectorTerms);
  for (const term of terms)
    for (const f of records(term.matchFields)) {
      const values = Array.isArray(f.values) ? (f.values as unknown[]) : [];
      if (f.key === 'metadata.name' && f.operator === 'In' && values.length === 1 && typeof values[0] === 'string') return values[0];
    }
  return undefined;
}

/** isUpdated tells whether a daemon pod runs the current template (hash label). */
export function isUpdated(pod: KubeObject, hash: string): boolean {
  return pod.metadata.labels?.[CONTROLLER_REVISION_HASH] === hash;
}

/** NodeDaemons is one node with the daemon pods on it. */
export interface NodeDaemons {
  readonly node: string;
  readonly shouldRun: boolean;
  readonly pods: readonly Pod[];
}

/** RollingPlan is what one rolling-update step does: delete old pods, surge new pods onto nodes. */
export interface RollingPlan {
  readonly deletePods: readonly Pod[];
  readonly surgeNodes: readonly string[];
}

/**
 * rollingUpdatePlan decides one step of a DaemonSet RollingUpdate (`rollingUpdate` in
 * update.go). Without surge: unavailable old pods are replaced at once; available ones are
 * deleted while fewer than maxUnavailable nodes are unavailable. With surge: new pods are started
 * beside available old ones up to maxSurge, and an old pod goes once its new pod is available.
 */
export function rollingUpdatePlan(nodes: readonly NodeDaemons[], hash: string, limits: { maxSurge: number; maxUnavailable: number }, minReadySeconds: number, now: Instant): RollingPlan {
  const available = (p: Pod): boolean => isPodAvailable(p, minReadySeconds, now);
  const split = (pods: readonly Pod[]): { newPod?: Pod; oldPod?: Pod; ok: boolean } => {
    let newPod: Pod | undefined;
    let oldPod: Pod | undefined;
    for (const p of pods) {
      if (p.metadata.deletionTimestamp !== undefined) continue;
      if (isUpdated(p, hash)) {
        if (newPod) return { ok: false };
        newPod = p;
      } else {
        if (oldPod) return { ok: false };
        oldPod = p;
      }
    }
    return { ...(newPod ? { newPod } : {}), ...(oldPod ? { oldPod } : {}), ok: true };
  };
  const withPods = nodes.filter((n) => n.pods.length > 0);

  if (limits.maxSurge === 0) {
    let unavailable = 0;
    const replace: Pod[] = [];
    const candidates: Pod[] = [];
    for (const n of withPods) {
      const { newPod, oldPod, ok } = split(n.pods);
      if (!ok || (!newPod && !oldPod) || (newPod && oldPod)) unavailable++;
      else if (newPod) {
        if (!available(newPod)) unavailable++;
      } else if (oldPod) {
        if (!available(oldPod)) replace.push(oldPod);
        else candidates.push(oldPod);
      }
    }
    const remaining = Math.min(Math.max(0, limits.maxUnavailable - unavailable), candidates.length);
    return { deletePods: [...replace, ...candidates.slice(0, remaining)], surgeNodes: [] };
  }

  let surging = 0;
  const deletePods: Pod[] = [];
  const allowedNew: string[] = [];
  const candidateNew: string[] = [];
  for (const n of withPods) {
    const { newPod, oldPod, ok } = split(n.pods);
    if (!ok) {
      surging++;
      continue;
    }
    if (!oldPod) continue;
    if (!newPod) {
      if (!available(oldPod)) allowedNew.push(n.node);
      else candidateNew.push(n.node);
    } else if (!available(newPod)) surging++;
    else deletePods.push(oldPod);
  }
  const remaining = Math.min(Math.max(0, limits.maxSurge - surging), candidateNew.length);
  return { deletePods, surgeNodes: [...allowedNew, ...candidateNew.slice(0, remaining)] };
}

/** daemonSetStatus computes a DaemonSet's status counts from its pods per node (`updateDaemonSetStatus`). */
export function daemonSetStatus(ds: DaemonSetView, nodes: readonly NodeDaemons[], hash: string, now: Instant): Record<string, unknown> {
  let desired = 0;
  let current = 0;
  let misscheduled = 0;
  let ready = 0;
  let available = 0;
  let updated = 0;
  for (const n of nodes) {
    const scheduled = n.pods.length > 0;
    if (!n.shouldRun) {
      if (scheduled) misscheduled++;
      continue;
    }
    desired++;
    if (!scheduled) continue;
    current++;
    const pod = [...n.pods].sort(creationOrder)[0]!;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, ds.minReadySeconds, now)) available++;
    }
    if (isUpdated(pod, hash)) updated++;
  }
  return {
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    desiredNumberScheduled: desired,
    numberReady: ready,
    ...omitZero({ observedGeneration: ds.generation, updatedNumberScheduled: updated, numberAvailable: available, numberUnavailable: desired - available }),
  };
}
