import assert from 'node:assert/strict';
import { test } from 'node:test';
import { at, daemonSet, deployment, job, pod, replicaSet, statefulSet } from '../testing/fixtures.ts';
import { argocdView } from './argocd.ts';

const crashLoop = { status: { conditions: [], containerStatuses: [{ name: 'app', state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s' } } }] } };
const rows = [
  { name: 'deployment healthy', obj: deployment(), health: 'Healthy', message: '' },
  { name: 'deployment paused', obj: deployment({ spec: { paused: true } }), health: 'Suspended', message: 'Deployment is paused' },
  { name: 'deployment not observed', obj: deployment({ metadata: { generation: 3 } }), health: 'Progressing', message: 'Waiting for rollout to finish: observed deployment generation less than desired generation' },
  { name: 'deployment updating', obj: deployment({ status: { updatedReplicas: 1 } }), health: 'Progressing', message: 'Waiting for rollout to finish: 1 out of 3 new replicas have been updated...' },
  { name: 'deployment deadline', obj: deployment({ status: { conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] } }), health: 'Degraded', message: 'Deployment "web" exceeded its progress deadline' },
  { name: 'deleting', obj: deployment({ metadata: { deletionTimestamp: at(0) } }), health: 'Progressing', message: 'Pending deletion' },
  { name: 'deleting hook keeps its health', obj: pod({ metadata: { deletionTimestamp: at(0), finalizers: ['argocd.argoproj.io/hook-finalizer'] } }), health: 'Healthy', message: '' },
  { name: 'sts waiting for ready', obj: statefulSet({ status: { readyReplicas: 1 } }), health: 'Progressing', message: 'Waiting for 2 pods to be ready...' },
  { name: 'sts partition rollout', obj: statefulSet({ spec: { updateStrategy: { rollingUpdate: { partition: 1 } } }, status: { updatedReplicas: 1 } }), health: 'Progressing', message: 'Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated...' },
  { name: 'sts rolling without rollingUpdate, revision pending', obj: statefulSet({ spec: { updateStrategy: { rollingUpdate: null } }, status: { updatedReplicas: 1, updateRevision: 'db-3' } }), health: 'Progressing', message: 'waiting for statefulset rolling update to complete 1 pods at revision db-3...' },
  { name: 'ds updating', obj: daemonSet({ status: { updatedNumberScheduled: 1 } }), health: 'Progressing', message: 'Waiting for daemon set "agent" rollout to finish: 1 out of 4 new pods have been updated...' },
  { name: 'rs replica failure', obj: replicaSet({ status: { conditions: [{ type: 'ReplicaFailure', status: 'True', message: 'quota' }] } }), health: 'Degraded', message: 'quota' },
  { name: 'job failed', obj: job({ status: { conditions: [{ type: 'Failed', status: 'True', message: 'BackoffLimitExceeded' }] } }), health: 'Degraded', message: 'BackoffLimitExceeded' },
  { name: 'job complete', obj: job({ status: { conditions: [{ type: 'Complete', status: 'True', message: 'done' }] } }), health: 'Healthy', message: 'done' },
  { name: 'pod crash loop (Always)', obj: pod(crashLoop), health: 'Degraded', message: 'back-off 10s' },
  { name: 'pod crash loop (Never) is judged by phase', obj: pod({ ...crashLoop, spec: { restartPolicy: 'Never' } }), health: 'Progressing', message: '' },
  {
    name: 'ignore-restart-policy pod in back-off is Degraded',
    obj: pod({ ...crashLoop, metadata: { annotations: { 'argocd.argoproj.io/ignore-restart-policy': 'true' } }, spec: { restartPolicy: 'Never' } }),
    health: 'Degraded',
    message: 'back-off 10s',
  },
  { name: 'pod running not ready after a restart', obj: pod({ status: { conditions: [], containerStatuses: [{ name: 'app', lastState: { terminated: { exitCode: 1 } } }] } }), health: 'Degraded', message: '' },
  { name: 'pod OOMKilled', obj: pod({ status: { phase: 'Failed', containerStatuses: [{ name: 'app', state: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }] } }), health: 'Degraded', message: 'OOMKilled' },
  { name: 'pod running without restartPolicy', obj: pod({ spec: { restartPolicy: null } }), health: 'Unknown', message: '' },
  { name: 'old API version', obj: { ...deployment(), apiVersion: 'apps/v1beta2' }, health: 'Unknown', message: 'unsupported Deployment GVK: apps/v1beta2, Kind=Deployment' },
] as const;

for (const row of rows) {
  test(`argocdView: ${row.name} → ${row.health}`, () => {
    assert.deepEqual(argocdView(row.obj), { health: row.health, message: row.message });
  });
}

test('argocdView: kinds without a built-in check → null', () => {
  assert.equal(argocdView({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }), null);
});
