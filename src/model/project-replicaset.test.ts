import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadObject, withPath } from '../../test/support/object-fixtures.ts';
import { projectReplicaSet } from './project-replicaset.ts';
import { projectWorkload } from './project-workload.ts';

const rs = loadObject('replicaset/web-7d4b9c8f6d.yaml');

test('ReplicaSet: revision, hash, owner, replicas and status', () => {
  const r = projectReplicaSet(rs);
  assert.ok(r.ok, r.ok ? '' : r.error);
  const v = r.value;
  assert.equal(v.kind, 'ReplicaSet');
  assert.equal(v.revision, '2');
  assert.equal(v.templateHash, '7d4b9c8f6d');
  assert.deepEqual(v.owner, { kind: 'Deployment', name: 'web', uid: '6f1c2b8e-4a57-4f0e-9a1d-2f3c4b5a6d7e' });
  assert.equal(v.replicas, 3);
  assert.deepEqual(v.status, { replicas: 3, readyReplicas: 3, availableReplicas: 3, conditions: [] });
  assert.equal(v.annotations['deployment.kubernetes.io/desired-replicas'], '3');
});

test('ReplicaSet template fingerprint equals its Deployment template fingerprint', () => {
  const r = projectReplicaSet(rs);
  const d = projectWorkload(loadObject('deployment/web.yaml'), 'Deployment');
  assert.ok(r.ok && d.ok);
  assert.equal(r.value.template.fingerprint, d.value.template.fingerprint);
});

const rows: readonly { name: string; obj: unknown; want: string | RegExp }[] = [
  { name: 'no revision annotation → ""', obj: withPath(rs, 'metadata.annotations', {}), want: '' },
  { name: 'no pod-template-hash → ""', obj: withPath(rs, 'metadata.labels', { app: 'web' }), want: '' },
  { name: 'status.replicas as string', obj: withPath(rs, 'status.replicas', '3'), want: /^ReplicaSet shop\/web-7d4b9c8f6d: status.replicas is string, expected integer$/ },
  { name: 'ownerReferences not a list', obj: withPath(rs, 'metadata.ownerReferences', {}), want: /metadata.ownerReferences is object, expected array/ },
  { name: 'wrong kind', obj: withPath(rs, 'kind', 'Deployment'), want: /kind is "Deployment", expected ReplicaSet/ },
];
for (const row of rows) {
  test(`ReplicaSet: ${row.name}`, () => {
    const r = projectReplicaSet(row.obj);
    if (typeof row.want === 'string') {
      assert.ok(r.ok);
      assert.equal(row.name.startsWith('no revision') ? r.value.revision : r.value.templateHash, row.want);
    } else {
      assert.equal(r.ok, false);
      assert.match(r.ok ? '' : r.error, row.want);
    }
  });
}
