// Builders of real-shaped wire objects for the status engine's tests. Each returns plain JSON as
// an API server would send it; `over` deep-merges overrides (arrays are replaced).
import assert from 'node:assert/strict';
import { projectEvent } from '../../../model/project-event.ts';
import { projectPod } from '../../../model/project-pod.ts';
import type { EventRecord, PodRecord } from '../../../model/records.ts';
import { isUnstructured, type Unstructured } from '../fields.ts';

/** merge deep-merges `over` into `base` (objects merge, everything else replaces). */
export function merge(base: Unstructured, over: Unstructured): Unstructured {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isUnstructured(b) && isUnstructured(v) ? merge(b, v) : v;
  }
  return out;
}

/** T0 is the fixtures' reference instant: 2026-01-01T00:00:00Z. */
export const T0 = Date.parse('2026-01-01T00:00:00Z');
/** at writes T0 + seconds as RFC 3339. */
export const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString().replace('.000Z', 'Z');

/** deployment is a Deployment with 3 replicas, fully rolled out at generation 2, unless overridden. */
export function deployment(over: Unstructured = {}): Unstructured {
  return merge(
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop', uid: 'd-1', generation: 2, annotations: { 'deployment.kubernetes.io/revision': '2' } },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, progressDeadlineSeconds: 600 },
      status: {
        observedGeneration: 2,
        replicas: 3,
        updatedReplicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
        conditions: [
          { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
          { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
        ],
      },
    },
    over,
  );
}

/** statefulSet is a 3-replica RollingUpdate StatefulSet, fully rolled out at revision db-2, unless overridden. */
export function statefulSet(over: Unstructured = {}): Unstructured {
  return merge(
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'shop', uid: 's-1', generation: 2 },
      spec: { replicas: 3, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } } },
      status: { observedGeneration: 2, replicas: 3, readyReplicas: 3, availableReplicas: 3, currentReplicas: 3, updatedReplicas: 3, currentRevision: 'db-2', updateRevision: 'db-2' },
    },
    over,
  );
}

/** daemonSet is a RollingUpdate DaemonSet on 4 nodes, fully rolled out, unless overridden. */
export function daemonSet(over: Unstructured = {}): Unstructured {
  return merge(
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: 'ops', uid: 'ds-1', generation: 3 },
      spec: { updateStrategy: { type: 'RollingUpdate' } },
      status: { observedGeneration: 3, desiredNumberScheduled: 4, currentNumberScheduled: 4, updatedNumberScheduled: 4, numberReady: 4, numberAvailable: 4 },
    },
    over,
  );
}

/** replicaSet is a 2-replica ReplicaSet, all available, unless overridden. */
export function replicaSet(over: Unstructured = {}): Unstructured {
  return merge(
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web-7d9f', namespace: 'shop', uid: 'rs-1', generation: 1 },
      spec: { replicas: 2 },
      status: { observedGeneration: 1, replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2 },
    },
    over,
  );
}

/** job is a Job with 2 completions, running, unless overridden. */
export function job(over: Unstructured = {}): Unstructured {
  return merge(
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate', namespace: 'shop', uid: 'j-1', generation: 1 },
      spec: { completions: 2, parallelism: 1 },
      status: { startTime: at(0), active: 1, succeeded: 0 },
    },
    over,
  );
}

/** pod is a Running, Ready pod of Deployment web (created at T0), unless overridden. */
export function pod(over: Unstructured = {}): Unstructured {
  return merge(
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-7d9f-a', namespace: 'shop', uid: 'p-1', resourceVersion: '10', creationTimestamp: at(0), labels: { app: 'web', 'pod-template-hash': '7d9f' } },
      spec: { nodeName: 'node-1', restartPolicy: 'Always', containers: [{ name: 'app', image: 'web:2' }] },
      status: {
        phase: 'Running',
        conditions: [
          { type: 'PodScheduled', status: 'True', lastTransitionTime: at(0) },
          { type: 'Ready', status: 'True', lastTransitionTime: at(5) },
        ],
        containerStatuses: [{ name: 'app', image: 'web:2', imageID: '', ready: true, started: true, restartCount: 0, state: { running: { startedAt: at(3) } } }],
      },
    },
    over,
  );
}

/** podRecord projects pod(over), failing the test if it does not project. */
export function podRecord(over: Unstructured = {}): PodRecord {
  const r = projectPod(pod(over));
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
}

/** event is a core/v1 Warning event about pod web-7d9f-a, first and last seen at T0 + seconds. */
export function event(reason: string, message: string, seconds = 0, over: Unstructured = {}): Unstructured {
  return merge(
    {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `web-7d9f-a.${reason}`, namespace: 'shop', uid: `e-${reason}-${seconds}`, resourceVersion: '20', creationTimestamp: at(seconds) },
      involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-7d9f-a', uid: 'p-1', fieldPath: 'spec.containers{app}' },
      reason,
      message,
      type: 'Warning',
      count: 1,
      firstTimestamp: at(seconds),
      lastTimestamp: at(seconds),
      source: { component: 'kubelet', host: 'node-1' },
    },
    over,
  );
}

/** eventRecord projects event(...), failing the test if it does not project. */
export function eventRecord(reason: string, message: string, seconds = 0, over: Unstructured = {}): EventRecord {
  const r = projectEvent(event(reason, message, seconds, over));
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
}
