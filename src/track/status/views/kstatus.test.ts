import assert from 'node:assert/strict';
import { test } from 'node:test';
import { at, daemonSet, deployment, job, pod, replicaSet, statefulSet, T0 } from '../testing/fixtures.ts';
import { kstatusView } from './kstatus.ts';

const rows = [
  { name: 'deployment rolled out', obj: deployment(), status: 'Current', message: 'Deployment is available. Replicas: 3', reason: undefined },
  { name: 'generation not observed', obj: deployment({ metadata: { generation: 3 } }), status: 'InProgress', message: 'Deployment generation is 3, but latest observed generation is 2', reason: 'LatestGenerationNotObserved' },
  { name: 'terminating', obj: deployment({ metadata: { deletionTimestamp: at(0) } }), status: 'Terminating', message: 'Resource scheduled for deletion', reason: undefined },
  {
    name: 'object with Stalled=True decides',
    obj: deployment({ status: { conditions: [{ type: 'Stalled', status: 'True', reason: 'Boom', message: 'it broke' }] } }),
    status: 'Failed',
    message: 'it broke',
    reason: 'Boom',
  },
  {
    name: 'progress deadline exceeded',
    obj: deployment({ status: { conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'timed out' }] } }),
    status: 'Failed',
    message: 'Progress deadline exceeded',
    reason: 'ProgressDeadlineExceeded',
  },
  { name: 'deployment without Available=True', obj: deployment({ status: { conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }] } }), status: 'InProgress', message: 'Deployment not Available', reason: 'DeploymentNotAvailable' },
  { name: 'deployment without deadline needs no Progressing condition', obj: deployment({ spec: { progressDeadlineSeconds: null }, status: { conditions: [{ type: 'Available', status: 'True' }] } }), status: 'Current', message: 'Deployment is available. Replicas: 3', reason: undefined },
  { name: 'deployment available < updated', obj: deployment({ status: { availableReplicas: 1 } }), status: 'InProgress', message: 'Available: 1/3', reason: 'LessAvailable' },
  { name: 'sts less current', obj: statefulSet({ spec: { updateStrategy: { rollingUpdate: null } }, status: { currentReplicas: 1 } }), status: 'InProgress', message: 'current: 1/3', reason: 'LessCurrent' },
  { name: 'sts extra pods', obj: statefulSet({ status: { replicas: 5 } }), status: 'InProgress', message: 'Pending termination: 2', reason: 'ExtraPods' },
  { name: 'sts partition 0 rollout', obj: statefulSet({ status: { updatedReplicas: 1 } }), status: 'InProgress', message: 'updated: 1/3', reason: 'PartitionRollout' },
  { name: 'sts revision mismatch', obj: statefulSet({ spec: { updateStrategy: { rollingUpdate: null } }, status: { updateRevision: 'db-3' } }), status: 'InProgress', message: 'Waiting for updated revision to match current', reason: 'RevisionMismatch' },
  { name: 'sts OnDelete', obj: statefulSet({ spec: { updateStrategy: { type: 'OnDelete' } }, status: { readyReplicas: 0 } }), status: 'Current', message: 'StatefulSet is using the ondelete update strategy', reason: undefined },
  { name: 'ds less available', obj: daemonSet({ status: { numberAvailable: 2 } }), status: 'InProgress', message: 'Available: 2/4', reason: 'LessAvailable' },
  { name: 'ds no generation', obj: daemonSet({ metadata: { generation: null } }), status: 'InProgress', message: 'DaemonSet metadata.generation not found', reason: 'NoGeneration' },
  { name: 'rs replica failure', obj: replicaSet({ status: { conditions: [{ type: 'ReplicaFailure', status: 'True' }] } }), status: 'InProgress', message: 'Replica Failure condition. Check Pods', reason: 'ReplicaFailure' },
  { name: 'rs extra pods', obj: replicaSet({ status: { replicas: 3 } }), status: 'InProgress', message: 'Pending termination: 1', reason: 'ExtraPods' },
  {
    name: 'pod crash looping',
    obj: pod({ status: { conditions: [], containerStatuses: [{ name: 'a', state: { waiting: { reason: 'CrashLoopBackOff' } } }, { name: 'b', state: { waiting: { reason: 'CrashLoopBackOff' } } }] } }),
    status: 'Failed',
    message: 'Containers in CrashLoop state: a,b',
    reason: 'ContainerCrashLooping',
  },
  { name: 'pod failed is current (completed)', obj: pod({ status: { phase: 'Failed' } }), status: 'Current', message: 'Pod has completed, but not successfully', reason: undefined },
  { name: 'pod running not ready', obj: pod({ status: { conditions: [] } }), status: 'InProgress', message: 'Pod is running but is not Ready', reason: 'PodRunningNotReady' },
  { name: 'pod pending', obj: pod({ status: { phase: 'Pending', conditions: [] } }), status: 'InProgress', message: 'Pod is in the Pending phase', reason: 'PodPending' },
  { name: 'pod unknown phase', obj: pod({ status: { phase: 'Weird' } }), status: 'Unknown', message: 'unknown phase Weird', reason: undefined },
  { name: 'job suspended (spec and condition) is current', obj: job({ spec: { suspend: true }, status: { startTime: null, active: 0, conditions: [{ type: 'Suspended', status: 'True' }] } }), status: 'Current', message: 'Job is suspended', reason: undefined },
  { name: 'job resumed while Suspended=True lingers is not current', obj: job({ spec: { suspend: false }, status: { startTime: null, active: 0, conditions: [{ type: 'Suspended', status: 'True' }] } }), status: 'InProgress', message: 'Job not started', reason: 'JobNotStarted' },
  { name: 'job running is current', obj: job(), status: 'Current', message: 'Job in progress. success:0, active: 1, failed: 0', reason: undefined },
  { name: 'unknown kind is current', obj: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, status: 'Current', message: 'Resource is current', reason: undefined },
  { name: 'service load balancer without IP', obj: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { type: 'LoadBalancer' } }, status: 'InProgress', message: 'ClusterIP not set. Service type: LoadBalancer', reason: 'NoIPAssigned' },
  { name: 'pvc pending', obj: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'p' }, status: { phase: 'Pending' } }, status: 'InProgress', message: 'PVC is not Bound. phase: Pending', reason: 'NotBound' },
] as const;

for (const row of rows) {
  test(`kstatusView: ${row.name} → ${row.status}`, () => {
    const v = kstatusView(row.obj, T0);
    assert.equal(v.status, row.status);
    assert.equal(v.message, row.message);
    assert.equal(v.conditions[0]?.reason, row.reason);
    const type = v.conditions[0]?.type;
    if (type) assert.equal(type, row.status === 'Failed' ? 'Stalled' : 'Reconciling');
  });
}

test('kstatusView: an unschedulable pod is InProgress for 15 s after creation, then Failed', () => {
  const p = pod({ metadata: { creationTimestamp: at(0) }, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] } });
  assert.equal(kstatusView(p, T0 + 14_000).conditions[0]?.reason, 'PodNotScheduled');
  assert.equal(kstatusView(p, T0 + 15_000).conditions[0]?.reason, 'PodUnschedulable');
  assert.equal(kstatusView(p, T0 + 15_000).status, 'Failed');
});

test('kstatusView: no object → NotFound', () => {
  assert.equal(kstatusView(null, T0).status, 'NotFound');
});
