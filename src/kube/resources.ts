import type { FieldMask } from '../lib/kube-protobuf/decode.ts';
import type { Result } from '../lib/result.ts';
import { projectControllerRevision } from '../model/project-controller-revision.ts';
import { projectDeploymentProtobuf } from '../model/project-deployment-protobuf.ts';
import { projectEvent } from '../model/project-event.ts';
import { projectPod } from '../model/project-pod.ts';
import { projectPodProtobuf } from '../model/project-pod-protobuf.ts';
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
  /**
   * The protobuf message of the kind and the fields `project` reads (the rest is skipped
   * undecoded); `direct`, where present, projects straight from the bytes into the same record.
   */
  readonly protobuf: { readonly message: string; readonly mask: FieldMask; readonly direct?: (buf: Uint8Array, start: number, end: number, kind: string) => RecordByKind[K] | undefined };
}

// What the projections (model/project-*.ts) read. readIdentity: name, namespace, uid,
// resourceVersion, timestamps, labels, ownerReferences (and annotations, which it only checks).
// src/kube/protobuf-projection.sim.test.ts checks that projecting the
// masked protobuf decode equals projecting the full JSON for every kind.
const IDENTITY = { name: true, namespace: true, uid: true, resourceVersion: true, creationTimestamp: true, deletionTimestamp: true, labels: true, ownerReferences: true } as const;
const MANAGED = { manager: true, operation: true, time: true, subresource: true, fieldsV1: true } as const;
const WORKLOAD_MASK: FieldMask = { metadata: { ...IDENTITY, generation: true, annotations: true, managedFields: MANAGED }, spec: true, status: true };
const REPLICASET_MASK: FieldMask = { metadata: { ...IDENTITY, annotations: true }, spec: { replicas: true, template: true }, status: { replicas: true, readyReplicas: true, availableReplicas: true, conditions: true } };
const REVISION_MASK: FieldMask = { metadata: IDENTITY, revision: true, data: true };
// What projectPod reads of a container's state (readState, readLastTerminated) and status: a
// status's containerID, resources and volume mounts are skipped (the containerID alone is a
// 77-character string per container per event).
const CONTAINER_STATE = { waiting: { reason: true, message: true }, running: { startedAt: true }, terminated: { reason: true, message: true, exitCode: true, finishedAt: true } } as const;
const CONTAINER_STATUS = { name: true, image: true, imageID: true, ready: true, started: true, restartCount: true, state: CONTAINER_STATE, lastState: CONTAINER_STATE } as const;
const POD_MASK: FieldMask = {
  metadata: IDENTITY,
  spec: { nodeName: true, restartPolicy: true, containers: { name: true, image: true } },
  status: { phase: true, conditions: { type: true, status: true, reason: true, message: true, lastTransitionTime: true, lastUpdateTime: true }, containerStatuses: CONTAINER_STATUS, initContainerStatuses: CONTAINER_STATUS },
};
const EVENT_MASK: FieldMask = {
  metadata: IDENTITY,
  involvedObject: true, regarding: true, series: true, source: true, deprecatedSource: true, type: true, reason: true, message: true, note: true,
  count: true, deprecatedCount: true, lastTimestamp: true, deprecatedLastTimestamp: true, firstTimestamp: true, deprecatedFirstTimestamp: true,
  eventTime: true, reportingComponent: true, reportingController: true,
};

/** RESOURCES is the table of tracked kinds (all namespaced). Core Events are read from core/v1. */
export const RESOURCES: { readonly [K in TrackedKind]: ResourceSpec<K> } = {
  Deployment: { group: 'apps', version: 'v1', resource: 'deployments', project: (o) => projectWorkload(o, 'Deployment'), protobuf: { message: 'apps.Deployment', mask: WORKLOAD_MASK, direct: projectDeploymentProtobuf } },
  StatefulSet: { group: 'apps', version: 'v1', resource: 'statefulsets', project: (o) => projectWorkload(o, 'StatefulSet'), protobuf: { message: 'apps.StatefulSet', mask: WORKLOAD_MASK } },
  DaemonSet: { group: 'apps', version: 'v1', resource: 'daemonsets', project: (o) => projectWorkload(o, 'DaemonSet'), protobuf: { message: 'apps.DaemonSet', mask: WORKLOAD_MASK } },
  ReplicaSet: { group: 'apps', version: 'v1', resource: 'replicasets', project: projectReplicaSet, protobuf: { message: 'apps.ReplicaSet', mask: REPLICASET_MASK } },
  ControllerRevision: { group: 'apps', version: 'v1', resource: 'controllerrevisions', project: projectControllerRevision, protobuf: { message: 'apps.ControllerRevision', mask: REVISION_MASK } },
  Pod: { group: '', version: 'v1', resource: 'pods', project: (o) => projectPod(o), protobuf: { message: 'core.Pod', mask: POD_MASK, direct: projectPodProtobuf } },
  Event: { group: '', version: 'v1', resource: 'events', project: projectEvent, protobuf: { message: 'core.Event', mask: EVENT_MASK } },
};

/**
 * readsManagedFields tells whether a kind's projection reads `metadata.managedFields` (the
 * workloads do, for who changed the template: track/release/actor.ts). Read off the protobuf mask,
 * which names every field the projection reads (protobuf-projection.sim.test.ts holds it to that);
 * for the other kinds the tracker asks the server to leave them out (DROP_MANAGED_FIELDS).
 */
export function readsManagedFields(kind: TrackedKind): boolean {
  const { mask } = RESOURCES[kind].protobuf;
  return mask === true || (typeof mask.metadata === 'object' ? mask.metadata.managedFields !== undefined : mask.metadata === true);
}

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
