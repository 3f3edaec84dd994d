import type { KubeObject } from '../../kube/types.ts';
import { int, list, record, records, stringMap, text } from '../core/fields.ts';
import type { Fields } from '../core/fields.ts';
import type { PodRequests } from './pod-resources.ts';
import { cpuMillis, memoryBytes } from '../core/quantity.ts';

/** NodeUsage is what the pods already bound to a node (and not finished) request in total. */
export interface NodeUsage {
  readonly cpuMillis: number;
  readonly memoryBytes: number;
  readonly pods: number;
}

/** FilterResult is one node's verdict: empty `reasons` means the pod fits. `resolvable` is false when preemption cannot help. */
export interface FilterResult {
  readonly reasons: readonly string[];
  readonly resolvable: boolean;
}

/** Reason fragments of the default scheduler's filter plugins, verbatim. */
export const FitReason = {
  unschedulable: 'node(s) were unschedulable',
  nodeSelector: "node(s) didn't match Pod's node affinity/selector",
  tooManyPods: 'Too many pods',
  cpu: 'Insufficient cpu',
  memory: 'Insufficient memory',
  taint: (key: string, value: string): string => `node(s) had untolerated taint {${key}: ${value}}`,
} as const;

/** PreemptionReason are the DefaultPreemption plugin's per-node fragments (all simulated pods share one priority). */
export const PreemptionReason = {
  notHelpful: 'Preemption is not helpful for scheduling',
  noVictims: 'No preemption victims found for incoming pod',
} as const;

/** NO_NODES is the scheduler's error when the cluster has no nodes at all. */
export const NO_NODES = 'no nodes available to schedule pods';

interface Toleration {
  readonly key: string;
  readonly operator: string;
  readonly value: string;
  readonly effect: string;
}

function tolerates(tolerations: readonly Toleration[], taint: Fields): boolean {
  const key = text(taint.key) ?? '';
  const value = text(taint.value) ?? '';
  const effect = text(taint.effect) ?? '';
  return tolerations.some((t) => {
    if (t.effect !== '' && t.effect !== effect) return false;
    if (t.operator === 'Exists') return t.key === '' || t.key === key;
    return t.key === key && t.value === value;
  });
}

function tolerationsOf(pod: KubeObject): readonly Toleration[] {
  return records(record(pod.spec).tolerations).map((t) => ({
    key: text(t.key) ?? '',
    operator: text(t.operator) ?? 'Equal',
    value: text(t.value) ?? '',
    effect: text(t.effect) ?? '',
  }));
}

function matchesExpression(expr: Fields, value: string | undefined): boolean {
  const values = list(expr.values).filter((v): v is string => typeof v === 'string');
  switch (text(expr.operator)) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
      return value !== undefined && Number(value) > Number(values[0]);
    case 'Lt':
      return value !== undefined && Number(value) < Number(values[0]);
    default:
      return false;
  }
}

/** matchesNodeAffinity checks `spec.nodeSelector` and required node affinity (terms ORed; `matchFields` on `metadata.name`). */
export function matchesNodeAffinity(pod: KubeObject, node: KubeObject): boolean {
  const spec = record(pod.spec);
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(stringMap(spec.nodeSelector))) if (labels[k] !== v) return false;
  const required = record(record(record(spec.affinity).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution);
  const terms = records(required.nodeSelectorTerms);
  if (terms.length === 0) return true;
  return terms.some((term) => {
    const exprs = records(term.matchExpressions);
    const fields = records(term.matchFields);
    if (exprs.length === 0 && fields.length === 0) return false;
    return (
      exprs.every((e) => matchesExpression(e, labels[text(e.key) ?? ''])) &&
      fields.every((f) => text(f.key) === 'metadata.name' && matchesExpression(f, node.metadata.name))
    );
  });
}

/**
 * filterNode runs the default scheduler's filters, in plugin order, on one node and returns the
 * first failing plugin's reasons: NodeUnschedulable, TaintToleration (NoSchedule/NoExecute),
 * NodeAffinity (nodeSelector and required affinity), NodeResourcesFit (pods, cpu, memory against
 * allocatable minus what bound pods request).
 */
export function filterNode(pod: KubeObject, requests: PodRequests, node: KubeObject, usage: NodeUsage): FilterResult {
  const nodeSpec = record(node.spec);
  const tolerations = tolerationsOf(pod);
  if (nodeSpec.unschedulable === true && !tolerates(tolerations, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }))
    return { reasons: [FitReason.unschedulable], resolvable: false };
  for (const taint of records(nodeSpec.taints)) {
    const effect = text(taint.effect);
    if (effect !== 'NoSchedule' && effect !== 'NoExecute') continue;
    if (!tolerates(tolerations, taint)) return { reasons: [FitReason.taint(text(taint.key) ?? '', text(taint.value) ?? '')], resolvable: false };
  }
  if (!matchesNodeAffinity(pod, node)) return { reasons: [FitReason.nodeSelector], resolvable: false };
  const allocatable = record(record(node.status).allocatable);
  const reasons: string[] = [];
  const maxPods = int(Number(allocatable.pods)) ?? 110;
  if (usage.pods + 1 > maxPods) reasons.push(FitReason.tooManyPods);
  if (requests.cpuMillis > 0 && usage.cpuMillis + requests.cpuMillis > (cpuMillis(allocatable.cpu) ?? 0)) reasons.push(FitReason.cpu);
  if (requests.memoryBytes > 0 && usage.memoryBytes + requests.memoryBytes > (memoryBytes(allocatable.memory) ?? 0)) reasons.push(FitReason.memory);
  return { reasons, resolvable: true };
}

function histogram(items: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return [...counts]
    .map(([reason, n]) => `${n} ${reason}`)
    .sort()
    .join(', ');
}

/**
 * fitErrorMessage renders the scheduler's FitError as `kubectl describe` shows it:
 * `0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption
 * victims found for incoming pod.` — reasons counted per node, sorted as strings, comma-joined.
 */
export function fitErrorMessage(results: readonly FilterResult[]): string {
  if (results.length === 0) return NO_NODES;
  const total = results.length;
  const reasons = histogram(results.flatMap((r) => r.reasons));
  const preemption = histogram(results.map((r) => (r.resolvable ? PreemptionReason.noVictims : PreemptionReason.notHelpful)));
  return `0/${total} nodes are available: ${reasons}. preemption: 0/${total} nodes are available: ${preemption}.`;
}
