import type { Condition, KubeObject, OwnerReference } from '../../kube/types.ts';
import { TrackerError } from '../../lib/errors.ts';
import { isPlainObject } from '../core/deep.ts';

/**
 * Typed views of the apps/v1 and core/v1 objects the simulated controllers read and write. Objects
 * come from the simulator's own store (already validated by its API layer), so the views only check
 * the shape the controllers depend on (`asDeployment`, `asReplicaSet`, `asPod`).
 * Zero-valued fields are usually absent (`omitempty`): read them with `?? 0`.
 */

/** IntOrString is `intstr.IntOrString`: a number, or a percentage string such as `25%`. */
export type IntOrString = number | string;

/** LabelSelectorSpec is `metav1.LabelSelector`. */
export interface LabelSelectorSpec {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] }[];
}

/** PodTemplateSpec is `spec.template` of a workload. */
export interface PodTemplateSpec {
  readonly metadata?: {
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly finalizers?: readonly string[];
    readonly [field: string]: unknown;
  };
  readonly spec?: Readonly<Record<string, unknown>>;
}

/** DeploymentStrategy is `spec.strategy` of a Deployment. */
export interface DeploymentStrategy {
  readonly type?: 'RollingUpdate' | 'Recreate';
  readonly rollingUpdate?: { readonly maxSurge?: IntOrString; readonly maxUnavailable?: IntOrString };
}

/** DeploymentSpec is `spec` of an apps/v1 Deployment. */
export interface DeploymentSpec {
  readonly replicas?: number;
  readonly selector?: LabelSelectorSpec;
  readonly template: PodTemplateSpec;
  readonly strategy?: DeploymentStrategy;
  readonly minReadySeconds?: number;
  readonly revisionHistoryLimit?: number;
  readonly progressDeadlineSeconds?: number;
  readonly paused?: boolean;
}

/** DeploymentStatus is `status` of an apps/v1 Deployment. */
export interface DeploymentStatus {
  readonly observedGeneration?: number;
  readonly replicas?: number;
  readonly updatedReplicas?: number;
  readonly readyReplicas?: number;
  readonly availableReplicas?: number;
  readonly unavailableReplicas?: number;
  readonly collisionCount?: number;
  readonly conditions?: readonly Condition[];
}

/** Deployment is an apps/v1 Deployment. */
export interface Deployment extends KubeObject {
  readonly spec: DeploymentSpec;
  readonly status?: DeploymentStatus;
}

/** ReplicaSetSpec is `spec` of an apps/v1 ReplicaSet. */
export interface ReplicaSetSpec {
  readonly replicas?: number;
  readonly minReadySeconds?: number;
  readonly selector?: LabelSelectorSpec;
  readonly template: PodTemplateSpec;
}

/** ReplicaSetStatus is `status` of an apps/v1 ReplicaSet. */
export interface ReplicaSetStatus {
  readonly replicas?: number;
  readonly fullyLabeledReplicas?: number;
  readonly readyReplicas?: number;
  readonly availableReplicas?: number;
  readonly observedGeneration?: number;
  readonly conditions?: readonly Condition[];
}

/** ReplicaSet is an apps/v1 ReplicaSet. */
export interface ReplicaSet extends KubeObject {
  readonly spec: ReplicaSetSpec;
  readonly status?: ReplicaSetStatus;
}

/** ContainerStatus is the part of `status.containerStatuses[]` the controllers read. */
export interface ContainerStatus {
  readonly name?: string;
  readonly restartCount?: number;
}

/** PodStatus is the part of a Pod's `status` the controllers read. */
export interface PodStatus {
  readonly phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  readonly conditions?: readonly Condition[];
  readonly containerStatuses?: readonly ContainerStatus[];
}

/** Pod is a core/v1 Pod. */
export interface Pod extends KubeObject {
  readonly spec?: { readonly nodeName?: string; readonly [field: string]: unknown };
  readonly status?: PodStatus;
}

function shapeError(kind: string, obj: KubeObject, what: string): TrackerError {
  const subject = `${kind.toLowerCase()} ${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? '?'}`;
  return new TrackerError('MALFORMED_OBJECT', `${subject} has no ${what}`, {
    subject,
    hint: `fix the object so that ${what} is set (the simulated API server should have rejected it)`,
  });
}

/** asDeployment views a stored object as a Deployment; throws MALFORMED_OBJECT without `spec.template`. */
export function asDeployment(obj: KubeObject): Deployment {
  if (!isPlainObject(obj.spec) || !isPlainObject(obj.spec.template)) throw shapeError('Deployment', obj, 'spec.template');
  return obj as Deployment;
}

/** asReplicaSet views a stored object as a ReplicaSet; throws MALFORMED_OBJECT without `spec.template`. */
export function asReplicaSet(obj: KubeObject): ReplicaSet {
  if (!isPlainObject(obj.spec) || !isPlainObject(obj.spec.template)) throw shapeError('ReplicaSet', obj, 'spec.template');
  return obj as ReplicaSet;
}

/** asPod views a stored object as a Pod. */
export function asPod(obj: KubeObject): Pod {
  return obj;
}

/** specReplicas reads `spec.replicas`, which the API server defaults to 1. */
export function specReplicas(obj: { readonly spec: { readonly replicas?: number } }): number {
  return obj.spec.replicas ?? 1;
}

/** controllerOf returns the owner reference with `controller: true`, if any. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** controllerRefTo builds the controller owner reference to `owner`, as controllers set it. */
export function controllerRefTo(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** isTerminating tells whether an object has a deletionTimestamp. */
export function isTerminating(obj: KubeObject): boolean {
  return obj.metadata.deletionTimestamp !== undefined;
}

/** objectKey renders `namespace/name`, the key of namespaced objects in controller queues. */
export function objectKey(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
}

/** splitObjectKey is the inverse of objectKey. */
export function splitObjectKey(key: string): { readonly namespace: string; readonly name: string } {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** creationOrder sorts objects oldest first, then by name (client-go's `ByCreationTimestamp`). */
export function creationOrder(a: KubeObject, b: KubeObject): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return Date.parse(ta) - Date.parse(tb);
  const na = a.metadata.name ?? '';
  const nb = b.metadata.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/**
 * omitZero drops members whose value is 0, '' or undefined, as Go's `omitempty` does for the
 * integer status fields of workloads.
 */
export function omitZero<T extends Record<string, unknown>>(obj: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== 0 && v !== '' && v !== undefined) out[k] = v;
  return out as Partial<T>;
}
