import assert from 'node:assert/strict';
import { test } from 'node:test';
import { daemonSet, deployment, pod, statefulSet } from '../testing/fixtures.ts';
import { kubectlView, revisionError } from './kubectl.ts';

const rows = [
  { name: 'deployment done', obj: deployment(), revision: 0, want: { done: true, message: 'deployment "web" successfully rolled out\n' } },
  { name: 'deployment not observed', obj: deployment({ metadata: { generation: 3 } }), revision: 0, want: { done: false, message: 'Waiting for deployment spec update to be observed...\n' } },
  { name: 'deployment available < updated', obj: deployment({ status: { availableReplicas: 2 } }), revision: 0, want: { done: false, message: 'Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...\n' } },
  { name: 'deployment deadline', obj: deployment({ status: { conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] } }), revision: 0, want: { error: 'deployment "web" exceeded its progress deadline' } },
  { name: 'matching revision', obj: deployment(), revision: 2, want: { done: true, message: 'deployment "web" successfully rolled out\n' } },
  { name: 'other revision', obj: deployment(), revision: 5, want: { error: 'desired revision (5) is different from the running revision (2)' } },
  { name: 'unreadable revision', obj: deployment({ metadata: { annotations: { 'deployment.kubernetes.io/revision': 'x' } } }), revision: 1, want: { error: 'cannot get the revision of deployment "web": strconv.ParseInt: parsing "x": invalid syntax' } },
  { name: 'name with a quote', obj: deployment({ metadata: { name: 'a"b' } }), revision: 0, want: { done: true, message: 'deployment "a\\"b" successfully rolled out\n' } },
  { name: 'daemon set done', obj: daemonSet(), revision: 7, want: { done: true, message: 'daemon set "agent" successfully rolled out\n' } },
  { name: 'daemon set OnDelete', obj: daemonSet({ spec: { updateStrategy: { type: 'OnDelete' } } }), revision: 0, want: { error: 'rollout status is only available for RollingUpdate strategy type' } },
  { name: 'sts pods not ready', obj: statefulSet({ status: { readyReplicas: 1 } }), revision: 0, want: { done: false, message: 'Waiting for 2 pods to be ready...\n' } },
  { name: 'sts partitioned waiting', obj: statefulSet({ spec: { updateStrategy: { rollingUpdate: { partition: 1 } } }, status: { updatedReplicas: 0 } }), revision: 0, want: { done: false, message: 'Waiting for partitioned roll out to finish: 0 out of 2 new pods have been updated...\n' } },
  { name: 'sts rolling update pending', obj: statefulSet({ spec: { updateStrategy: { rollingUpdate: null } }, status: { updatedReplicas: 2, updateRevision: 'db-3' } }), revision: 0, want: { done: false, message: 'waiting for statefulset rolling update to complete 2 pods at revision db-3...\n' } },
  { name: 'pod has no viewer', obj: pod(), revision: 0, want: { error: 'no status viewer has been implemented for Pod' } },
  { name: 'replica set has no viewer', obj: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r' } }, revision: 0, want: { error: 'no status viewer has been implemented for ReplicaSet.apps' } },
  { name: 'extensions deployment is viewed', obj: { ...deployment(), apiVersion: 'extensions/v1beta1' }, revision: 0, want: { done: true, message: 'deployment "web" successfully rolled out\n' } },
] as const;

for (const row of rows) test(`kubectlView: ${row.name}`, () => assert.deepEqual(kubectlView(row.obj, { revision: row.revision }), row.want));

test('revisionError matches kubectl', () => assert.equal(revisionError(-1), 'revision must be a positive integer: -1'));
test('kubectlView: deleted object', () => assert.deepEqual(kubectlView(null), { error: 'object has been deleted' }));
