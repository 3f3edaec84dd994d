import type { Instant } from '../lib/clock.ts';

/**
 * Projection records: the small, read-only views of API objects that the tracker keeps in memory
 * (only the fields it uses). `kube/` projects wire objects into these at once (`model/project-*.ts`);
 * the pure core (`track/`) reads only these. Times are epoch milliseconds.
 */

/** ObjectIdentity is what every record carries about its object. */
export interface ObjectIdentity {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly resourceVersion: string;
  readonly creationTimestamp: Instant | null;
  readonly deletionTimestamp: Instant | null;
  readonly labels: Readonly<Record<string, string>>;
  /** The controller owner reference, if any: kind + name + uid. */
  readonly owner: { readonly kind: string; readonly name: string; readonly uid: string } | null;
}

/** ConditionRecord is one status condition. */
export interface ConditionRecord {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime: Instant | null;
  readonly lastUpdateTime: Instant | null;
}

/** ContainerRecord is one container of a pod template: name, image, and what it references. */
export interface ContainerRecord {
  readonly name: string;
  readonly image: string;
}

/** ContainerStatusRecord is one entry of a pod's `status.containerStatuses` (or initContainerStatuses). */
export interface ContainerStatusRecord {
  readonly name: string;
  readonly image: string;
  readonly imageID: string;
  readonly ready: boolean;
  readonly started: boolean;
  readonly restartCount: number;
  readonly state:
    | { readonly kind: 'waiting'; readonly reason: string; readonly message: string }
    | { readonly kind: 'running'; readonly startedAt: Instant | null }
    | { readonly kind: 'terminated'; readonly reason: string; readonly message: string; readonly exitCode: number; readonly finishedAt: Instant | null }
    | { readonly kind: 'unknown' };
  readonly lastTerminated: { readonly reason: string; readonly exitCode: number; readonly finishedAt: Instant | null } | null;
  readonly init: boolean;
}

/** PodRecord is a pod as the tracker sees it. */
export interface PodRecord extends ObjectIdentity {
  readonly kind: 'Pod';
  readonly nodeName: string;
  readonly phase: string;
  /** `pod-template-hash` or `controller-revision-hash` label, '' if none. */
  readonly templateHash: string;
  /**
   * The PodScheduled condition — the first of that type (the API server keeps one per type): its
   * status, '' when the pod has none, and its reason, message and lastTransitionTime ('' and null
   * when absent). The two conditions the tracker reads are dedicated fields rather than a list of
   * ConditionRecords: pods are most of what it holds, and the list with its two records cost about
   * 200 bytes per pod (bench/ingest.bench.ts).
   */
  readonly scheduledStatus: ConditionRecord['status'] | '';
  readonly scheduledReason: string;
  readonly scheduledMessage: string;
  readonly scheduledTransitionTime: Instant | null;
  /** The Ready condition (the first of that type): its status, '' when the pod has none, and lastTransitionTime (its reason and message are not read). */
  readonly readyStatus: ConditionRecord['status'] | '';
  readonly readyTransitionTime: Instant | null;
  readonly containers: readonly ContainerRecord[];
  readonly containerStatuses: readonly ContainerStatusRecord[];
  readonly restartPolicy: string;
}

/** EventRecord is a core/v1 or events.k8s.io/v1 Event, normalised. */
export interface EventRecord extends ObjectIdentity {
  readonly kind: 'Event';
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
  /** The involved (regarding) object. */
  readonly involved: { readonly kind: string; readonly namespace: string; readonly name: string; readonly uid: string; readonly fieldPath: string };
  readonly count: number;
  /** series.lastObservedTime ?? lastTimestamp ?? eventTime ?? firstTimestamp ?? creationTimestamp. */
  readonly lastSeen: Instant | null;
  readonly firstSeen: Instant | null;
  readonly source: string;
}

/** PodTemplateRecord is the part of a pod template the tracker compares between releases. */
export interface PodTemplateRecord {
  /** Stable fingerprint of the redacted template (hex); equal templates have equal fingerprints. */
  readonly fingerprint: string;
  readonly containers: readonly ContainerRecord[];
  readonly initContainers: readonly ContainerRecord[];
  readonly annotations: Readonly<Record<string, string>>;
  /**
   * The template with env values and other secret-bearing fields redacted, as JSON text
   * (`JSON.stringify`, keys in the object's own order). Held as one flat string, not an object tree:
   * it is read only when a release is written or two templates are compared, and a tree costs
   * several times the memory (bench/ingest.bench.ts). Read it with `redactedTemplate` (model/template.ts).
   */
  readonly redactedJson: string;
  /** ConfigMap and Secret names the template references (env, envFrom, volumes). */
  readonly configRefs: readonly { readonly kind: 'ConfigMap' | 'Secret'; readonly name: string; readonly optional: boolean }[];
}

/** ManagerRecord is one managedFields entry reduced to who wrote when, and whether it touched the pod template. */
export interface ManagerRecord {
  readonly manager: string;
  readonly operation: string;
  readonly time: Instant | null;
  readonly subresource: string;
  /** True when its fieldsV1 touches `f:spec` → `f:template`. */
  readonly touchesTemplate: boolean;
  /** True when its fieldsV1 touches `f:spec` → `f:replicas`. */
  readonly touchesReplicas: boolean;
}

/** WorkloadRecord is a Deployment, StatefulSet or DaemonSet. */
export interface WorkloadRecord extends ObjectIdentity {
  readonly kind: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  readonly generation: number;
  readonly annotations: Readonly<Record<string, string>>;
  readonly replicas: number | null;
  readonly paused: boolean;
  /** spec.strategy.type (Deployment) or spec.updateStrategy.type: RollingUpdate, Recreate, OnDelete. */
  readonly strategy: string;
  /** StatefulSet spec.updateStrategy.rollingUpdate.partition (ordinals below it keep the old revision); 0 otherwise. */
  readonly partition: number;
  readonly selector: Readonly<Record<string, string>>;
  readonly template: PodTemplateRecord;
  readonly managers: readonly ManagerRecord[];
  /** Everything of `spec` except template and replicas/paused, as a fingerprint (spec-only changes). */
  readonly specFingerprint: string;
  readonly status: {
    readonly observedGeneration: number;
    readonly replicas: number;
    readonly updatedReplicas: number;
    readonly readyReplicas: number;
    readonly availableReplicas: number;
    readonly unavailableReplicas: number;
    /** StatefulSet: currentRevision / updateRevision; DaemonSet counts mapped onto the fields above. */
    readonly currentRevision: string;
    readonly updateRevision: string;
    readonly conditions: readonly ConditionRecord[];
  };
}

/** ReplicaSetRecord is a ReplicaSet: one revision of a Deployment. */
export interface ReplicaSetRecord extends ObjectIdentity {
  readonly kind: 'ReplicaSet';
  readonly annotations: Readonly<Record<string, string>>;
  /** `deployment.kubernetes.io/revision`, '' if none. */
  readonly revision: string;
  readonly templateHash: string;
  readonly template: PodTemplateRecord;
  readonly replicas: number;
  readonly status: { readonly replicas: number; readonly readyReplicas: number; readonly availableReplicas: number; readonly conditions: readonly ConditionRecord[] };
}

/** ControllerRevisionRecord is a ControllerRevision: one revision of a StatefulSet or DaemonSet. */
export interface ControllerRevisionRecord extends ObjectIdentity {
  readonly kind: 'ControllerRevision';
  readonly revision: number;
  /** The template stored in `data` (StatefulSet/DaemonSet patch form: data.spec.template), if present. */
  readonly template: PodTemplateRecord | null;
}

/** TrackedRecord is any record the tracker holds. */
export type TrackedRecord = WorkloadRecord | ReplicaSetRecord | ControllerRevisionRecord | PodRecord | EventRecord;
