// Test builders: small, real-shaped projection records for the tracker's tests. Templates go
// through the real projectTemplate, so fingerprints match production exactly.
import type {
  ConditionRecord,
  ContainerStatusRecord,
  ControllerRevisionRecord,
  EventRecord,
  ManagerRecord,
  PodRecord,
  PodTemplateRecord,
  ReplicaSetRecord,
  WorkloadRecord,
} from '../../../model/records.ts';
import { projectTemplate } from '../../../model/template.ts';

/** T0 is the scenarios' epoch: 2026-01-01T00:00:00Z. */
export const T0 = Date.UTC(2026, 0, 1);

let rv = 1000;
/** nextRv hands out increasing resourceVersions. */
export const nextRv = (): string => String(++rv);

/** TemplateSpec describes a pod template by its containers and extras. */
export interface TemplateSpec {
  readonly images: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string>>;
  readonly hashLabel?: Readonly<Record<string, string>>;
}

/** template projects a pod template with the real projection. */
export function template(spec: TemplateSpec): PodTemplateRecord {
  const wire = {
    metadata: { labels: { app: 'web', ...spec.hashLabel }, ...(spec.annotations ? { annotations: spec.annotations } : {}) },
    spec: {
      containers: Object.entries(spec.images).map(([name, image]) => ({
        name,
        image,
        ...(spec.env ? { env: Object.entries(spec.env).map(([n, v]) => ({ name: n, value: v })) } : {}),
      })),
    },
  };
  const r = projectTemplate(wire, 'spec.template');
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** manager builds a managedFields entry. */
export function manager(name: string, time: number, opts: { template?: boolean; replicas?: boolean; subresource?: string; operation?: string } = {}): ManagerRecord {
  return {
    manager: name,
    operation: opts.operation ?? 'Update',
    time,
    subresource: opts.subresource ?? '',
    touchesTemplate: opts.template ?? false,
    touchesReplicas: opts.replicas ?? false,
  };
}

/** WorkloadSpec is what a workload builder varies. */
export interface WorkloadSpec {
  readonly kind?: WorkloadRecord['kind'];
  readonly uid?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly generation?: number;
  readonly replicas?: number | null;
  readonly paused?: boolean;
  readonly strategy?: string;
  readonly partition?: number;
  readonly template?: PodTemplateRecord;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly managers?: readonly ManagerRecord[];
  readonly specFingerprint?: string;
  readonly status?: Partial<WorkloadRecord['status']>;
  readonly created?: number;
  readonly deletionTimestamp?: number | null;
}

/** workload builds a WorkloadRecord (defaults: Deployment shop/web, 3 replicas, nginx:1.0). */
export function workload(s: WorkloadSpec = {}): WorkloadRecord {
  return {
    kind: s.kind ?? 'Deployment',
    namespace: s.namespace ?? 'shop',
    name: s.name ?? 'web',
    uid: s.uid ?? 'uid-web',
    resourceVersion: nextRv(),
    creationTimestamp: s.created ?? T0,
    deletionTimestamp: s.deletionTimestamp ?? null,
    labels: s.labels ?? { app: 'web' },
    owner: null,
    generation: s.generation ?? 1,
    annotations: s.annotations ?? {},
    replicas: s.replicas === undefined ? 3 : s.replicas,
    paused: s.paused ?? false,
    strategy: s.strategy ?? 'RollingUpdate',
    partition: s.partition ?? 0,
    selector: { app: 'web' },
    template: s.template ?? template({ images: { app: 'nginx:1.0' } }),
    managers: s.managers ?? [],
    specFingerprint: s.specFingerprint ?? 'spec-1',
    status: {
      observedGeneration: 0,
      replicas: 0,
      updatedReplicas: 0,
      readyReplicas: 0,
      availableReplicas: 0,
      unavailableReplicas: 0,
      currentRevision: '',
      updateRevision: '',
      conditions: [],
      ...s.status,
    },
  };
}

/** condition builds a status condition. */
export function condition(type: string, status: ConditionRecord['status'], reason = '', message = ''): ConditionRecord {
  return { type, status, reason, message, lastTransitionTime: null, lastUpdateTime: null };
}

/** replicaSet builds a ReplicaSet of a Deployment at a revision. */
export function replicaSet(owner: WorkloadRecord, revision: number, t: PodTemplateRecord, opts: { hash?: string; uid?: string; created?: number; annotations?: Readonly<Record<string, string>>; replicas?: number } = {}): ReplicaSetRecord {
  const hash = opts.hash ?? t.fingerprint.slice(0, 10);
  return {
    kind: 'ReplicaSet',
    namespace: owner.namespace,
    name: `${owner.name}-${hash}`,
    uid: opts.uid ?? `rs-${owner.uid}-${hash}`,
    resourceVersion: nextRv(),
    creationTimestamp: opts.created ?? T0,
    deletionTimestamp: null,
    labels: { app: 'web', 'pod-template-hash': hash },
    owner: { kind: owner.kind, name: owner.name, uid: owner.uid },
    annotations: { 'deployment.kubernetes.io/revision': String(revision), ...opts.annotations },
    revision: String(revision),
    templateHash: hash,
    template: t,
    replicas: opts.replicas ?? 0,
    status: { replicas: 0, readyReplicas: 0, availableReplicas: 0, conditions: [] },
  };
}

/** controllerRevision builds a ControllerRevision of a StatefulSet/DaemonSet. */
export function controllerRevision(owner: WorkloadRecord, revision: number, t: PodTemplateRecord, opts: { hash?: string; created?: number } = {}): ControllerRevisionRecord {
  const hash = opts.hash ?? t.fingerprint.slice(0, 10);
  return {
    kind: 'ControllerRevision',
    namespace: owner.namespace,
    name: `${owner.name}-${hash}`,
    uid: `cr-${owner.uid}-${hash}`,
    resourceVersion: nextRv(),
    creationTimestamp: opts.created ?? T0,
    deletionTimestamp: null,
    labels: { 'controller-revision-hash': hash },
    owner: { kind: owner.kind, name: owner.name, uid: owner.uid },
    revision,
    template: t,
  };
}

/** PodSpec says what state a pod is in. */
export interface PodSpec {
  readonly name: string;
  readonly scheduled?: boolean;
  readonly ready?: boolean;
  readonly waiting?: { readonly reason: string; readonly message?: string };
  readonly unschedulable?: string;
  readonly imageID?: string;
  readonly lastExit?: number;
  readonly restarts?: number;
}

/** pod builds a pod owned by a ReplicaSet (or by a StatefulSet/DaemonSet with a revision hash). */
export function pod(owner: { kind: string; name: string; uid: string }, hash: string, s: PodSpec): PodRecord {
  const state: ContainerStatusRecord['state'] = s.waiting
    ? { kind: 'waiting', reason: s.waiting.reason, message: s.waiting.message ?? '' }
    : s.ready || s.imageID
      ? { kind: 'running', startedAt: T0 }
      : { kind: 'waiting', reason: 'ContainerCreating', message: '' };
  const scheduled = s.unschedulable !== undefined ? ('False' as const) : (s.scheduled ?? true) ? ('True' as const) : ('' as const);
  return {
    kind: 'Pod',
    namespace: 'shop',
    name: s.name,
    uid: `pod-${s.name}`,
    resourceVersion: nextRv(),
    creationTimestamp: T0,
    deletionTimestamp: null,
    labels: owner.kind === 'ReplicaSet' ? { 'pod-template-hash': hash } : { 'controller-revision-hash': hash },
    owner,
    nodeName: s.unschedulable !== undefined || s.scheduled === false ? '' : 'node-1',
    phase: s.ready || s.imageID ? 'Running' : 'Pending',
    templateHash: hash,
    scheduledStatus: scheduled,
    scheduledReason: s.unschedulable !== undefined ? 'Unschedulable' : '',
    scheduledMessage: s.unschedulable ?? '',
    scheduledTransitionTime: s.unschedulable !== undefined ? T0 : null,
    readyStatus: s.ready ? 'True' : 'False',
    readyTransitionTime: null,
    containers: [{ name: 'app', image: 'x' }],
    containerStatuses: [
      {
        name: 'app',
        image: 'x',
        imageID: s.imageID ?? '',
        ready: s.ready ?? false,
        started: s.ready ?? false,
        restartCount: s.restarts ?? 0,
        state,
        lastTerminated: s.lastExit === undefined ? null : { reason: 'Error', exitCode: s.lastExit, finishedAt: T0 },
        init: false,
      },
    ],
    restartPolicy: 'Always',
  };
}

/** event builds a Kubernetes event about an object. */
export function event(uid: string, involved: { kind: string; name: string; uid: string }, reason: string, message: string, opts: { type?: 'Normal' | 'Warning'; count?: number; at?: number } = {}): EventRecord {
  return {
    kind: 'Event',
    namespace: 'shop',
    name: `${involved.name}.${uid}`,
    uid,
    resourceVersion: nextRv(),
    creationTimestamp: opts.at ?? T0,
    deletionTimestamp: null,
    labels: {},
    owner: null,
    type: opts.type ?? 'Normal',
    reason,
    message,
    involved: { ...involved, namespace: 'shop', fieldPath: '' },
    count: opts.count ?? 1,
    lastSeen: opts.at ?? T0,
    firstSeen: opts.at ?? T0,
    source: 'test',
  };
}
