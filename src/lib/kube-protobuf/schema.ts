/**
 * The shape of the Kubernetes protobuf schema table (schema.generated.ts) and the rules that map
 * a message to its JSON form, shared by the simulator's encoder and the client's lazy reader.
 */

/** ProtoField is one field: [field number, JSON name, type, 'r' if repeated]. Types are scalars (`string`, `int32`, `int64`, `bool`, `bytes`, `double`, …), `map:<value type>` (string keys) or a message name (`meta.ObjectMeta`). */
export type ProtoField = readonly [number, string, string, 'r'?];

/** ProtoSchema maps message names (package alias + name, e.g. `apps.Deployment`) to their fields. */
export type ProtoSchema = Readonly<Record<string, readonly ProtoField[]>>;

/**
 * INLINE_FIELDS are message fields that Go embeds with `json:",inline"`: their fields appear
 * directly in the parent's JSON object (core/v1 Volume.volumeSource, Probe.handler,
 * EphemeralContainer.ephemeralContainerCommon, and the LocalObjectReference of
 * ConfigMapEnvSource, SecretKeySelector, …).
 */
export const INLINE_FIELDS: ReadonlySet<string> = new Set(['volumeSource', 'handler', 'ephemeralContainerCommon', 'localObjectReference']);

/**
 * Messages whose JSON form is not an object (apimachinery's custom marshalers):
 * - `meta.Time` {seconds, nanos} ↔ RFC 3339 seconds (`2026-12-05T10:00:00Z`),
 * - `meta.MicroTime` ↔ RFC 3339 with microseconds (`…T10:00:00.123456Z`),
 * - `intstr.IntOrString` {type, intVal, strVal} ↔ a number or a string,
 * - `resource.Quantity` {string} ↔ the string,
 * - `runtime.RawExtension` {raw} and `meta.FieldsV1` {Raw} ↔ the JSON value held in the bytes.
 */
export const SPECIAL_MESSAGES: ReadonlySet<string> = new Set(['meta.Time', 'meta.MicroTime', 'intstr.IntOrString', 'resource.Quantity', 'runtime.RawExtension', 'meta.FieldsV1']);

/**
 * POINTER_SCALARS are scalar fields that Go declares as pointers (`*int32`, `*bool`, `*int64`) in
 * the types rollscope reads: kube-apiserver writes them only when set, so an explicit 0 or false
 * on the wire is a value (spec.replicas: 0), while other zero scalars are Go's zero values that
 * JSON's `omitempty` leaves out. Sources: k8s.io/api apps/v1 and core/v1 `types.go`,
 * apimachinery meta/v1 `types.go`.
 */
export const POINTER_SCALARS: ReadonlySet<string> = new Set([
  'apps.DeploymentSpec.replicas', 'apps.DeploymentSpec.revisionHistoryLimit', 'apps.DeploymentSpec.progressDeadlineSeconds',
  'apps.ReplicaSetSpec.replicas', 'apps.StatefulSetSpec.replicas', 'apps.StatefulSetSpec.revisionHistoryLimit',
  'apps.DaemonSetSpec.revisionHistoryLimit', 'apps.RollingUpdateStatefulSetStrategy.partition', 'apps.StatefulSetStatus.availableReplicas',
  'apps.DeploymentStatus.collisionCount', 'apps.StatefulSetStatus.collisionCount', 'apps.DaemonSetStatus.collisionCount',
  'apps.ReplicaSetStatus.terminatingReplicas', 'apps.DeploymentStatus.terminatingReplicas',
  'core.PodSpec.terminationGracePeriodSeconds', 'core.PodSpec.activeDeadlineSeconds', 'core.PodSpec.automountServiceAccountToken',
  'core.PodSpec.enableServiceLinks', 'core.PodSpec.priority', 'core.PodSpec.shareProcessNamespace', 'core.PodSpec.setHostnameAsFQDN',
  'core.PodSpec.hostUsers', 'core.PodSpec.preemptionPolicy',
  'core.SecurityContext.privileged', 'core.SecurityContext.runAsUser', 'core.SecurityContext.runAsGroup', 'core.SecurityContext.runAsNonRoot',
  'core.SecurityContext.readOnlyRootFilesystem', 'core.SecurityContext.allowPrivilegeEscalation',
  'core.PodSecurityContext.runAsUser', 'core.PodSecurityContext.runAsGroup', 'core.PodSecurityContext.runAsNonRoot', 'core.PodSecurityContext.fsGroup',
  'core.ContainerStatus.started', 'core.Probe.terminationGracePeriodSeconds', 'core.Container.restartPolicy',
  'core.ConfigMapVolumeSource.defaultMode', 'core.SecretVolumeSource.defaultMode', 'core.ProjectedVolumeSource.defaultMode',
  'core.ConfigMapVolumeSource.optional', 'core.SecretVolumeSource.optional', 'core.ConfigMapKeySelector.optional', 'core.SecretKeySelector.optional',
  'core.ConfigMapEnvSource.optional', 'core.SecretEnvSource.optional', 'core.ConfigMapProjection.optional', 'core.SecretProjection.optional',
  'core.KeyToPath.mode',
  'meta.ObjectMeta.deletionGracePeriodSeconds', 'meta.OwnerReference.controller', 'meta.OwnerReference.blockOwnerDeletion',
  'meta.ListMeta.remainingItemCount',
]);

/** PROTOBUF_MAGIC prefixes every Kubernetes protobuf body (`k8s\0`), before a runtime.Unknown envelope. */
export const PROTOBUF_MAGIC: Uint8Array = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

/** PROTOBUF_MEDIA_TYPE is the media type of Kubernetes protobuf bodies; watch streams add `;stream=watch`. */
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

/** KIND_MESSAGES maps `apiVersion/kind` of the built-in kinds served as protobuf to their message. */
export const KIND_MESSAGES: Readonly<Record<string, string>> = {
  'apps/v1/Deployment': 'apps.Deployment',
  'apps/v1/ReplicaSet': 'apps.ReplicaSet',
  'apps/v1/StatefulSet': 'apps.StatefulSet',
  'apps/v1/DaemonSet': 'apps.DaemonSet',
  'apps/v1/ControllerRevision': 'apps.ControllerRevision',
  'v1/Pod': 'core.Pod',
  'v1/Event': 'core.Event',
  'v1/Namespace': 'core.Namespace',
  'v1/Node': 'core.Node',
  'events.k8s.io/v1/Event': 'events.Event',
  'v1/Status': 'meta.Status',
};
