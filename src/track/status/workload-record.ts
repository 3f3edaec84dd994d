import type { ConditionRecord, WorkloadRecord } from '../../model/records.ts';
import type { Unstructured } from './fields.ts';
import type { KindResult, KindStatusFn } from './kind-result.ts';
import { daemonSetStatus } from './kinds/daemonset.ts';
import { deploymentStatus } from './kinds/deployment.ts';
import { statefulSetStatus } from './kinds/statefulset.ts';

/**
 * The status rules are written once, over objects (kinds/*.ts). The tracker holds WorkloadRecord
 * projections instead, so this reads a record back as the object those rules read — exactly the
 * fields they use (generation, annotations, replicas, paused, update strategy and partition, the
 * status counts, revisions and conditions) — so `rollscope status`/`wait` and the ledger's
 * completion decision cannot disagree. The shared-fixture table test (workload-record.test.ts)
 * runs every kind's fixtures through both paths.
 */

const KIND_RULES: Readonly<Record<WorkloadRecord['kind'], KindStatusFn>> = {
  Deployment: deploymentStatus,
  StatefulSet: statefulSetStatus,
  DaemonSet: daemonSetStatus,
};

/** workloadStatus is the kind rules' verdict for a workload record (no pod diagnosis: the caller adds it). Pure. */
export function workloadStatus(w: WorkloadRecord): KindResult {
  return KIND_RULES[w.kind](workloadObject(w), 0);
}

const iso = (t: number | null): string | undefined => (t === null ? undefined : new Date(t).toISOString());

function conditionObject(c: ConditionRecord): Unstructured {
  return { type: c.type, status: c.status, reason: c.reason, message: c.message, lastTransitionTime: iso(c.lastTransitionTime), lastUpdateTime: iso(c.lastUpdateTime) };
}

/**
 * workloadObject reads a record back as an apps/v1 object carrying the fields the status rules
 * and the waiter's pod selection read. Example: a StatefulSet record with partition 2 →
 * {spec: {replicas, updateStrategy: {type: 'RollingUpdate', rollingUpdate: {partition: 2}}}, status: {…}}.
 */
export function workloadObject(w: WorkloadRecord): Unstructured {
  const s = w.status;
  const metadata = {
    name: w.name,
    namespace: w.namespace,
    uid: w.uid,
    resourceVersion: w.resourceVersion,
    generation: w.generation,
    labels: w.labels,
    annotations: w.annotations,
    ...(w.deletionTimestamp === null ? {} : { deletionTimestamp: iso(w.deletionTimestamp) }),
  };
  const conditions = s.conditions.map(conditionObject);
  switch (w.kind) {
    case 'Deployment':
      return {
        apiVersion: 'apps/v1',
        kind: w.kind,
        metadata,
        spec: { replicas: w.replicas ?? 1, paused: w.paused, strategy: { type: w.strategy } },
        status: { observedGeneration: s.observedGeneration, replicas: s.replicas, updatedReplicas: s.updatedReplicas, readyReplicas: s.readyReplicas, availableReplicas: s.availableReplicas, unavailableReplicas: s.unavailableReplicas, conditions },
      };
    case 'StatefulSet':
      return {
        apiVersion: 'apps/v1',
        kind: w.kind,
        metadata,
        spec: { replicas: w.replicas ?? 1, updateStrategy: w.strategy === 'RollingUpdate' ? { type: w.strategy, rollingUpdate: { partition: w.partition } } : { type: w.strategy } },
        status: { observedGeneration: s.observedGeneration, replicas: s.replicas, updatedReplicas: s.updatedReplicas, readyReplicas: s.readyReplicas, availableReplicas: s.availableReplicas, currentRevision: s.currentRevision, updateRevision: s.updateRevision, conditions },
      };
    case 'DaemonSet':
      return {
        apiVersion: 'apps/v1',
        kind: w.kind,
        metadata,
        spec: { updateStrategy: { type: w.strategy } },
        status: { observedGeneration: s.observedGeneration, desiredNumberScheduled: s.replicas, updatedNumberScheduled: s.updatedReplicas, numberReady: s.readyReplicas, numberAvailable: s.availableReplicas, numberUnavailable: s.unavailableReplicas, conditions },
      };
  }
}
