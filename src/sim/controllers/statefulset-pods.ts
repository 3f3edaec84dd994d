import type { KubeObject } from '../../kube/types.ts';
import type { Instant } from '../../lib/clock.ts';
import { int, record, text } from '../core/fields.ts';
import type { Pod, PodTemplateSpec } from './apps.ts';
import { controllerRefTo, omitZero } from './apps.ts';
import { CONTROLLER_REVISION_HASH } from './history.ts';
import { isPodAvailable, isPodReady } from './pods.ts';

/**
 * The pure parts of the StatefulSet controller (Kubernetes `stateful_set_utils.go`): pod identity
 * by ordinal, the pod built from a revision's template, health, and status computation.
 */

/** STATEFULSET_POD_NAME and POD_INDEX are the identity labels StatefulSet pods carry. */
export const STATEFULSET_POD_NAME = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX = 'apps.kubernetes.io/pod-index';

/** StatefulSetView is a StatefulSet's spec as the controller reads it, with the apps/v1 defaults. */
export interface StatefulSetView {
  readonly name: string;
  readonly namespace: string;
  readonly replicas: number;
  readonly podManagementPolicy: 'OrderedReady' | 'Parallel';
  readonly strategy: 'RollingUpdate' | 'OnDelete';
  readonly partition: number;
  /** `updateStrategy.rollingUpdate` is set (the API server defaults it for RollingUpdate). */
  readonly hasRollingUpdate: boolean;
  readonly minReadySeconds: number;
  readonly revisionHistoryLimit: number;
  readonly serviceName: string;
  readonly template: PodTemplateSpec;
}

/** viewStatefulSet reads a StatefulSet's spec with the apps/v1 defaults. */
export function viewStatefulSet(set: KubeObject): StatefulSetView {
  const spec = record(set.spec);
  const strategy = record(spec.updateStrategy);
  return {
    name: set.metadata.name ?? '',
    namespace: set.metadata.namespace ?? 'default',
    replicas: int(spec.replicas) ?? 1,
    podManagementPolicy: spec.podManagementPolicy === 'Parallel' ? 'Parallel' : 'OrderedReady',
    strategy: strategy.type === 'OnDelete' ? 'OnDelete' : 'RollingUpdate',
    partition: int(record(strategy.rollingUpdate).partition) ?? 0,
    hasRollingUpdate: strategy.rollingUpdate !== undefined,
    minReadySeconds: int(spec.minReadySeconds) ?? 0,
    revisionHistoryLimit: int(spec.revisionHistoryLimit) ?? 10,
    serviceName: text(spec.serviceName) ?? '',
    template: record(spec.template),
  };
}

/** ordinalOf parses the ordinal from a pod name `<set>-<n>`, or -1 if it is not one of the set's. */
export function ordinalOf(setName: string, pod: KubeObject): number {
  const name = pod.metadata.name ?? '';
  if (!name.startsWith(`${setName}-`)) return -1;
  const tail = name.slice(setName.length + 1);
  return /^(0|[1-9]\d*)$/.test(tail) ? Number(tail) : -1;
}

/** revisionOf reads a pod's `controller-revision-hash` label. */
export function revisionOf(pod: KubeObject): string {
  return pod.metadata.labels?.[CONTROLLER_REVISION_HASH] ?? '';
}

/**
 * statefulSetPod builds the pod for `ordinal` from a revision's template: name `<set>-<n>`, the
 * identity labels, `controller-revision-hash: <revision name>`, hostname/subdomain, and a
 * controller owner reference.
 */
export function statefulSetPod(owner: KubeObject, set: StatefulSetView, template: PodTemplateSpec, revisionName: string, ordinal: number): KubeObject {
  const name = `${set.name}-${ordinal}`;
  const meta = template.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: set.namespace,
      labels: { ...(meta.labels ?? {}), [CONTROLLER_REVISION_HASH]: revisionName, [STATEFULSET_POD_NAME]: name, [POD_INDEX]: String(ordinal) },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ownerReferences: [controllerRefTo(owner, 'apps/v1', 'StatefulSet')],
    },
    spec: { ...structuredClone(template.spec ?? {}), hostname: name, ...(set.serviceName ? { subdomain: set.serviceName } : {}) },
  };
}

/** isRunningAndReady is the StatefulSet controller's health test: phase Running and Ready. */
export function isRunningAndReady(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod);
}

/** isHealthy means running, ready and not terminating (`isHealthy` in stateful_set_utils.go). */
export function isHealthy(pod: Pod): boolean {
  return isRunningAndReady(pod) && pod.metadata.deletionTimestamp === undefined;
}

/** StatefulSetCounts are the replica counts of a StatefulSet's status. */
export interface StatefulSetCounts {
  readonly replicas: number;
  readonly readyReplicas: number;
  readonly availableReplicas: number;
  readonly currentReplicas: number;
  readonly updatedReplicas: number;
}

/** countPods computes the status counts from the set's pods (`computeReplicaStatus`). */
export function countPods(pods: readonly Pod[], currentRevision: string, updateRevision: string, minReadySeconds: number, now: Instant): StatefulSetCounts {
  let replicas = 0;
  let readyReplicas = 0;
  let availableReplicas = 0;
  let currentReplicas = 0;
  let updatedReplicas = 0;
  for (const pod of pods) {
    if (!pod.status?.phase) continue;
    replicas++;
    if (isRunningAndReady(pod)) {
      readyReplicas++;
      if (isPodAvailable(pod, minReadySeconds, now)) availableReplicas++;
    }
    if (pod.metadata.deletionTimestamp !== undefined) continue;
    if (revisionOf(pod) === currentRevision) currentReplicas++;
    if (revisionOf(pod) === updateRevision) updatedReplicas++;
  }
  return { replicas, readyReplicas, availableReplicas, currentReplicas, updatedReplicas };
}

/**
 * statefulSetStatus renders the status: counts (zeros omitted), observedGeneration, revisions and
 * collisionCount. A finished RollingUpdate (`updatedReplicas == readyReplicas == replicas ==
 * spec.replicas`) makes the update revision current (`completeRollingUpdate`).
 */
export function statefulSetStatus(
  set: StatefulSetView,
  generation: number,
  counts: StatefulSetCounts,
  currentRevision: string,
  updateRevision: string,
  collisionCount: number,
): Record<string, unknown> {
  let current = currentRevision;
  let currentReplicas = counts.currentReplicas;
  if (
    set.strategy === 'RollingUpdate' &&
    counts.updatedReplicas === counts.readyReplicas &&
    counts.readyReplicas === counts.replicas &&
    counts.replicas === set.replicas
  ) {
    current = updateRevision;
    currentReplicas = counts.updatedReplicas;
  }
  return {
    observedGeneration: generation,
    replicas: counts.replicas,
    ...omitZero({ readyReplicas: counts.readyReplicas, currentReplicas, updatedReplicas: counts.updatedReplicas }),
    availableReplicas: counts.availableReplicas,
    currentRevision: current,
    updateRevision,
    collisionCount,
  };
}
