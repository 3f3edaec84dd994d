import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deployment, podRecord, statefulSet } from '../track/status/testing/fixtures.ts';
import { currentPods, labelSelector } from './kube-fetch.ts';

const selectors = [
  [{ matchLabels: { app: 'web', tier: 'fe' } }, 'app=web,tier=fe'],
  [{ matchExpressions: [{ key: 'env', operator: 'In', values: ['a', 'b'] }, { key: 'x', operator: 'NotIn', values: ['y'] }, { key: 'k', operator: 'Exists' }, { key: 'g', operator: 'DoesNotExist' }] }, 'env in (a,b),x notin (y),k,!g'],
  [undefined, ''],
] as const;
for (const [sel, want] of selectors) test(`labelSelector → ${JSON.stringify(want)}`, () => assert.equal(labelSelector(sel), want));

const owned = (name: string, hash: string, ownerUid: string) =>
  podRecord({ metadata: { name, uid: `u-${name}`, labels: { 'pod-template-hash': hash, 'controller-revision-hash': hash }, ownerReferences: [{ kind: 'X', name: 'o', uid: ownerUid, controller: true }] } });

test('currentPods: a Deployment keeps the pods of its ReplicaSet at the current revision', () => {
  const rs = (name: string, revision: string, hash: string) => ({
    metadata: { name, annotations: { 'deployment.kubernetes.io/revision': revision }, labels: { 'pod-template-hash': hash }, ownerReferences: [{ uid: 'd-1', controller: true }] },
  });
  const pods = [owned('old', 'aaa', 'rs-old'), owned('new', 'bbb', 'rs-new')];
  const got = currentPods(deployment(), pods, [rs('web-aaa', '1', 'aaa'), rs('web-bbb', '2', 'bbb')]);
  assert.deepEqual(got.map((p) => p.name), ['new']);
});

test('currentPods: a StatefulSet keeps its pods at status.updateRevision', () => {
  const pods = [owned('db-0', 'db-1', 's-1'), owned('db-1', 'db-2', 's-1'), owned('other', 'db-2', 'zzz')];
  assert.deepEqual(currentPods(statefulSet(), pods, []).map((p) => p.name), ['db-1']);
});
