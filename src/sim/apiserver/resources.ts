import type { ResourceName } from '../core/store-api.ts';

/** ResourceInfo describes one API resource the simulated server serves (what discovery lists). */
export interface ResourceInfo {
  /** Store key: `resource.group`, or `resource` for the core group. */
  readonly key: ResourceName;
  /** Plural resource name, e.g. `deployments`. */
  readonly resource: string;
  readonly singular: string;
  /** API group, '' for core. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly verbs: readonly string[];
  /** Subresources served: `status`, `scale`. */
  readonly subresources: readonly ('status' | 'scale')[];
  /** The server maintains `metadata.generation` (workloads). */
  readonly hasGeneration: boolean;
  /** An annotations change also bumps generation (Deployments only: annotations are copied to ReplicaSets). */
  readonly generationOnAnnotations: boolean;
  /** Where the objects are stored: another key if this resource is a view (events.k8s.io events). */
  readonly storedAs: ResourceName;
}

/** apiVersionOf renders `apps/v1`, or `v1` for the core group. */
export function apiVersionOf(info: Pick<ResourceInfo, 'group' | 'version'>): string {
  return info.group === '' ? info.version : `${info.group}/${info.version}`;
}

// Verbs as the real server lists them in discovery.
const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;

interface Row {
  readonly resource: string;
  readonly singular: string;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
  readonly subresources?: readonly ('status' | 'scale')[];
  readonly generation?: 'spec' | 'spec+annotations';
  readonly storedAs?: ResourceName;
  readonly verbs?: readonly string[];
}

// The resource table (issue 2, item 3). shortNames/categories as a 1.32 cluster lists them.
const ROWS: readonly Row[] = [
  { resource: 'namespaces', singular: 'namespace', group: '', version: 'v1', kind: 'Namespace', namespaced: false, shortNames: ['ns'], subresources: ['status'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] },
  { resource: 'nodes', singular: 'node', group: '', version: 'v1', kind: 'Node', namespaced: false, shortNames: ['no'], subresources: ['status'] },
  { resource: 'pods', singular: 'pod', group: '', version: 'v1', kind: 'Pod', namespaced: true, shortNames: ['po'], categories: ['all'], subresources: ['status'] },
  { resource: 'events', singular: 'event', group: '', version: 'v1', kind: 'Event', namespaced: true, shortNames: ['ev'] },
  { resource: 'services', singular: 'service', group: '', version: 'v1', kind: 'Service', namespaced: true, shortNames: ['svc'], categories: ['all'], subresources: ['status'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] },
  { resource: 'endpoints', singular: 'endpoints', group: '', version: 'v1', kind: 'Endpoints', namespaced: true, shortNames: ['ep'] },
  { resource: 'configmaps', singular: 'configmap', group: '', version: 'v1', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'] },
  { resource: 'secrets', singular: 'secret', group: '', version: 'v1', kind: 'Secret', namespaced: true },
  { resource: 'serviceaccounts', singular: 'serviceaccount', group: '', version: 'v1', kind: 'ServiceAccount', namespaced: true, shortNames: ['sa'] },
  { resource: 'deployments', singular: 'deployment', group: 'apps', version: 'v1', kind: 'Deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'], subresources: ['status', 'scale'], generation: 'spec+annotations' },
  { resource: 'replicasets', singular: 'replicaset', group: 'apps', version: 'v1', kind: 'ReplicaSet', namespaced: true, shortNames: ['rs'], categories: ['all'], subresources: ['status', 'scale'], generation: 'spec' },
  { resource: 'statefulsets', singular: 'statefulset', group: 'apps', version: 'v1', kind: 'StatefulSet', namespaced: true, shortNames: ['sts'], categories: ['all'], subresources: ['status', 'scale'], generation: 'spec' },
  { resource: 'daemonsets', singular: 'daemonset', group: 'apps', version: 'v1', kind: 'DaemonSet', namespaced: true, shortNames: ['ds'], categories: ['all'], subresources: ['status'], generation: 'spec' },
  { resource: 'jobs', singular: 'job', group: 'batch', version: 'v1', kind: 'Job', namespaced: true, categories: ['all'], subresources: ['status'], generation: 'spec' },
  { resource: 'controllerrevisions', singular: 'controllerrevision', group: 'apps', version: 'v1', kind: 'ControllerRevision', namespaced: true },
  { resource: 'poddisruptionbudgets', singular: 'poddisruptionbudget', group: 'policy', version: 'v1', kind: 'PodDisruptionBudget', namespaced: true, shortNames: ['pdb'], subresources: ['status'] },
  { resource: 'horizontalpodautoscalers', singular: 'horizontalpodautoscaler', group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler', namespaced: true, shortNames: ['hpa'], categories: ['all'], subresources: ['status'] },
  { resource: 'clusterrolebindings', singular: 'clusterrolebinding', group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRoleBinding', namespaced: false },
  { resource: 'clusterroles', singular: 'clusterrole', group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', namespaced: false },
  { resource: 'rolebindings', singular: 'rolebinding', group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'RoleBinding', namespaced: true },
  { resource: 'roles', singular: 'role', group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role', namespaced: true },
  // Reviews are not stored: a POST is answered with the decision (apiserver/http/access-review.ts).
  { resource: 'selfsubjectaccessreviews', singular: 'selfsubjectaccessreview', group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview', namespaced: false, verbs: ['create'] },
  { resource: 'subjectaccessreviews', singular: 'subjectaccessreview', group: 'authorization.k8s.io', version: 'v1', kind: 'SubjectAccessReview', namespaced: false, verbs: ['create'] },
  { resource: 'endpointslices', singular: 'endpointslice', group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice', namespaced: true },
  { resource: 'leases', singular: 'lease', group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', namespaced: true },
  { resource: 'events', singular: 'event', group: 'events.k8s.io', version: 'v1', kind: 'Event', namespaced: true, shortNames: ['ev'], storedAs: 'events' },
  // The Prometheus Operator's kinds, served as if its CRDs were installed (the simulator has no CRD
  // support yet), so monitoring manifests (deploy/kustomize/overlays/monitoring) can be applied to it.
  { resource: 'servicemonitors', singular: 'servicemonitor', group: 'monitoring.coreos.com', version: 'v1', kind: 'ServiceMonitor', namespaced: true, categories: ['prometheus-operator'], shortNames: ['smon'] },
  { resource: 'prometheusrules', singular: 'prometheusrule', group: 'monitoring.coreos.com', version: 'v1', kind: 'PrometheusRule', namespaced: true, categories: ['prometheus-operator'], shortNames: ['promrule'] },
];

function toInfo(row: Row): ResourceInfo {
  const key = row.group === '' ? row.resource : `${row.resource}.${row.group}`;
  return {
    key,
    resource: row.resource,
    singular: row.singular,
    group: row.group,
    version: row.version,
    kind: row.kind,
    namespaced: row.namespaced,
    shortNames: row.shortNames ?? [],
    categories: row.categories ?? [],
    verbs: row.verbs ?? ALL_VERBS,
    subresources: row.subresources ?? [],
    hasGeneration: row.generation !== undefined,
    generationOnAnnotations: row.generation === 'spec+annotations',
    storedAs: row.storedAs ?? key,
  };
}

/** RESOURCES lists every resource the simulated server serves, in discovery order. */
export const RESOURCES: readonly ResourceInfo[] = ROWS.map(toInfo);

const BY_KEY: ReadonlyMap<ResourceName, ResourceInfo> = new Map(RESOURCES.map((r) => [r.key, r]));

/** resourceInfo finds a resource by store key (`deployments.apps`, `pods`); undefined if not served. */
export function resourceInfo(key: ResourceName): ResourceInfo | undefined {
  return BY_KEY.get(key);
}

/** resourceByPath finds a resource by URL parts (group '' for core, version, plural). */
export function resourceByPath(group: string, version: string, plural: string): ResourceInfo | undefined {
  const info = BY_KEY.get(group === '' ? plural : `${plural}.${group}`);
  return info?.version === version ? info : undefined;
}

/** resourceForKind finds the resource of a kind in an apiVersion (`apps/v1`, `Deployment`). */
export function resourceForKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => r.kind === kind && apiVersionOf(r) === apiVersion);
}

/** GroupVersion is one served API group version. */
export interface GroupVersion {
  readonly group: string;
  readonly version: string;
}

/** groupVersions lists the served named groups (not core), in discovery order. */
export function groupVersions(): readonly GroupVersion[] {
  const seen = new Map<string, GroupVersion>();
  for (const r of RESOURCES) if (r.group !== '' && !seen.has(r.group)) seen.set(r.group, { group: r.group, version: r.version });
  return [...seen.values()];
}
