import type { WorkloadKind } from './release.ts';

/** NamedKind is a kind a user may name on the command line or in a query: the workloads plus ReplicaSet, Pod and Job. */
export type NamedKind = WorkloadKind | 'ReplicaSet' | 'Pod' | 'Job';

/**
 * KIND_NAMES maps what users type — kubectl's names, short names, plurals and group-qualified
 * forms, lower-cased — to a kind.
 */
const KIND_NAMES: ReadonlyMap<string, NamedKind> = new Map<string, NamedKind>([
  ...spellings('Deployment', 'deployment', 'deployments', 'deploy', 'apps'),
  ...spellings('StatefulSet', 'statefulset', 'statefulsets', 'sts', 'apps'),
  ...spellings('DaemonSet', 'daemonset', 'daemonsets', 'ds', 'apps'),
  ...spellings('ReplicaSet', 'replicaset', 'replicasets', 'rs', 'apps'),
  ['pod', 'Pod'], ['pods', 'Pod'], ['po', 'Pod'],
  ['job', 'Job'], ['jobs', 'Job'], ['job.batch', 'Job'], ['jobs.batch', 'Job'],
]);

function spellings(kind: NamedKind, singular: string, plural: string, short: string, group: string): [string, NamedKind][] {
  return [singular, plural, short, `${singular}.${group}`, `${plural}.${group}`].map((s) => [s, kind]);
}

const WORKLOAD_KINDS: ReadonlySet<NamedKind> = new Set<WorkloadKind>(['Deployment', 'StatefulSet', 'DaemonSet']);

/**
 * kindFromName reads a kubectl-style type name, case-insensitively; undefined when it names no kind we know.
 * Examples: 'deploy' → 'Deployment'; 'StatefulSets.apps' → 'StatefulSet'; 'po' → 'Pod'; 'cronjob' → undefined.
 */
export function kindFromName(name: string): NamedKind | undefined {
  return KIND_NAMES.get(name.toLowerCase());
}

/**
 * workloadKindFromName is kindFromName limited to the workload kinds (Deployment, StatefulSet, DaemonSet).
 * Examples: 'sts' → 'StatefulSet'; 'rs' → undefined.
 */
export function workloadKindFromName(name: string): WorkloadKind | undefined {
  const kind = kindFromName(name);
  return kind !== undefined && WORKLOAD_KINDS.has(kind) ? (kind as WorkloadKind) : undefined;
}
