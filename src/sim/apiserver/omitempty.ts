import { isPlainObject } from '../core/deep.ts';

// Workload status fields tagged `omitempty` in k8s.io/api apps/v1 (a zero value is not serialised).
// Fields without omitempty (ReplicaSet/StatefulSet `replicas`, DaemonSet `currentNumberScheduled`,
// `numberMisscheduled`, `desiredNumberScheduled`, `numberReady`, StatefulSet `availableReplicas`)
// are always present, zero included.
const OMITEMPTY_STATUS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'terminatingReplicas', 'collisionCount'],
  ReplicaSet: ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'terminatingReplicas', 'observedGeneration'],
  StatefulSet: ['observedGeneration', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'currentRevision', 'updateRevision', 'collisionCount'],
  DaemonSet: ['observedGeneration', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable', 'collisionCount'],
  // batch/v1 JobStatus: `ready` and `terminating` are pointers (present when set, zero included).
  Job: ['active', 'succeeded', 'failed', 'completedIndexes'],
};

const ALWAYS_STATUS: Readonly<Record<string, readonly string[]>> = {
  ReplicaSet: ['replicas'],
  StatefulSet: ['replicas', 'availableReplicas'],
  DaemonSet: ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady'],
};

/**
 * normaliseStatus makes a workload's `status` look as the real server serialises it: zero or empty
 * `omitempty` fields removed, non-omitempty counters present (0 when unset). Mutates `obj` (a fresh
 * clone). A status struct is always serialised (Go's omitempty never omits a struct), so a new
 * ReplicaSet carries `status: { replicas: 0 }` as the real server sends it.
 */
export function normaliseStatus(kind: string, obj: Record<string, unknown>): void {
  const always = ALWAYS_STATUS[kind];
  if (always !== undefined && !isPlainObject(obj['status'])) obj['status'] = {};
  const status = obj['status'];
  if (!isPlainObject(status)) return;
  for (const f of OMITEMPTY_STATUS[kind] ?? []) if (status[f] === 0 || status[f] === '' || status[f] === null) delete status[f];
  for (const f of ALWAYS_STATUS[kind] ?? []) if (status[f] === undefined) status[f] = 0;
  if (Array.isArray(status['conditions']) && status['conditions'].length === 0) delete status['conditions'];
}
