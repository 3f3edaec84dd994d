import type { Result } from '../lib/result.ts';
import { projectControllerRevision } from '../model/project-controller-revision.ts';
import { projectEvent } from '../model/project-event.ts';
import { projectPod } from '../model/project-pod.ts';
import { projectReplicaSet } from '../model/project-replicaset.ts';
import { projectWorkload } from '../model/project-workload.ts';
import type { ControllerRevisionRecord, EventRecord, PodRecord, ReplicaSetRecord, WorkloadRecord } from '../model/records.ts';

/** RecordByKind maps each tracked kind to the record its objects are projected into. */
export interface RecordByKind {
  readonly Deployment: WorkloadRecord;
  readonly StatefulSet: WorkloadRecord;
  readonly DaemonSet: WorkloadRecord;
  readonly ReplicaSet: ReplicaSetRecord;
  readonly ControllerRevision: ControllerRevisionRecord;
  readonly Pod: PodRecord;
  readonly Event: EventRecord;
}

/** TrackedKind is a kind the tracker watches. */
export type TrackedKind = keyof RecordByKind;

/** ResourceSpec says where a kind is served and how its objects are projected. */
export interface ResourceSpec<K extends TrackedKind> {
  /** API group ('' for core). */
  readonly group: string;
  readonly version: string;
  /** Plural resource name in URLs. */
  readonly resource: string;
  readonly project: (obj: unknown) => Result<RecordByKind[K], string>;
}

/** RESOURCES is the table of tracked kinds (all namespaced). Core Events are read from core/v1. */
export const RESOURCES: { readonly [K in TrackedKind]: ResourceSpec<K> } = {
  Deployment: { group: 'apps', version: 'v1', resource: 'deployments', project: (o) => projectWorkload(o, 'Deployment') },
  StatefulSet: { group: 'apps', version: 'v1', resource: 'statefulsets', project: (o) => projectWorkload(o, 'StatefulSet') },
  DaemonSet: { group: 'apps', version: 'v1', resource: 'daemonsets', project: (o) => projectWorkload(o, 'DaemonSet') },
  ReplicaSet: { group: 'apps', version: 'v1', resource: 'replicasets', project: projectReplicaSet },
  ControllerRevision: { group: 'apps', version: 'v1', resource: 'controllerrevisions', project: projectControllerRevision },
  Pod: { group: '', version: 'v1', resource: 'pods', project: (o) => projectPod(o) },
  Event: { group: '', version: 'v1', resource: 'events', project: projectEvent },
};

/** TRACKED_KINDS lists every tracked kind, workloads first. */
export const TRACKED_KINDS: readonly TrackedKind[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ControllerRevision', 'Pod', 'Event'];

/**
 * collectionPath builds the URL path of a kind's collection in one namespace, or cluster-wide for ''.
 * Examples: (Deployment, 'shop') → /apis/apps/v1/namespaces/shop/deployments; (Pod, '') → /api/v1/pods.
 */
export function collectionPath(kind: TrackedKind, namespace: string): string {
  const r = RESOURCES[kind];
  const base = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  return namespace === '' ? `${base}/${r.resource}` : `${base}/namespaces/${encodeURIComponent(namespace)}/${r.resource}`;
}

/** resourceName is the resource with its group as kubectl and RBAC write it: `deployments.apps`, `pods`. */
export function resourceName(kind: TrackedKind): string {
  const r = RESOURCES[kind];
  return r.group === '' ? r.resource : `${r.resource}.${r.group}`;
}
