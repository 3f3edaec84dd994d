import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadObject, withPath } from '../../test/support/object-fixtures.ts';
import { projectWorkload, type WorkloadRecordKind } from './project-workload.ts';

const deployment = loadObject('deployment/web.yaml');
const statefulSet = loadObject('statefulset/db.yaml');
const daemonSet = loadObject('daemonset/agent.yaml');

test('Deployment: identity, spec and status as the tracker reads them', () => {
  const r = projectWorkload(deployment, 'Deployment');
  assert.ok(r.ok, r.ok ? '' : r.error);
  const w = r.value;
  assert.equal(w.kind, 'Deployment');
  assert.equal(w.namespace, 'shop');
  assert.equal(w.name, 'web');
  assert.equal(w.uid, '6f1c2b8e-4a57-4f0e-9a1d-2f3c4b5a6d7e');
  assert.equal(w.resourceVersion, '48213');
  assert.equal(w.generation, 3);
  assert.equal(w.creationTimestamp, Date.parse('2024-05-01T10:00:00Z'));
  assert.equal(w.deletionTimestamp, null);
  assert.equal(w.owner, null);
  assert.equal(w.replicas, 3);
  assert.equal(w.paused, false);
  assert.equal(w.strategy, 'RollingUpdate');
  assert.deepEqual(w.selector, { app: 'web' });
  assert.deepEqual(w.template.containers, [{ name: 'web', image: 'registry.example.com/shop/web:1.4.2' }]);
  assert.deepEqual(w.status, {
    observedGeneration: 3,
    replicas: 3,
    updatedReplicas: 3,
    readyReplicas: 3,
    availableReplicas: 3,
    unavailableReplicas: 0,
    currentRevision: '',
    updateRevision: '',
    conditions: [
      { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastTransitionTime: Date.parse('2024-05-01T10:00:20Z'), lastUpdateTime: Date.parse('2024-05-01T10:00:20Z') },
      { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "web-7d4b9c8f6d" has successfully progressed.', lastTransitionTime: Date.parse('2024-05-01T10:00:00Z'), lastUpdateTime: Date.parse('2024-05-02T09:31:10Z') },
    ],
  });
});

test('Deployment: last-applied-configuration (which holds env values) is dropped, other annotations kept', () => {
  const r = projectWorkload(deployment, 'Deployment');
  assert.ok(r.ok);
  assert.deepEqual(Object.keys(r.value.annotations).sort(), ['deployment.kubernetes.io/revision', 'kubernetes.io/change-cause']);
  assert.ok(!JSON.stringify(r.value).includes('hunter2'), 'no env value may survive anywhere in the record');
  assert.ok(!JSON.stringify(r.value).includes('admin:secret'));
});

test('Deployment: managers say who touched the template and who touched replicas', () => {
  const r = projectWorkload(deployment, 'Deployment');
  assert.ok(r.ok);
  assert.deepEqual(
    r.value.managers.map((m) => [m.manager, m.operation, m.subresource, m.touchesTemplate, m.touchesReplicas, m.time]),
    [
      ['kubectl-client-side-apply', 'Update', '', true, true, Date.parse('2024-05-01T10:00:00Z')],
      ['kubectl-set', 'Update', '', true, false, Date.parse('2024-05-02T09:30:00Z')],
      ['kube-controller-manager', 'Update', 'status', false, false, Date.parse('2024-05-02T09:31:10Z')],
    ],
  );
});

test('records are frozen', () => {
  const r = projectWorkload(deployment, 'Deployment');
  assert.ok(r.ok);
  assert.ok(Object.isFrozen(r.value) && Object.isFrozen(r.value.status) && Object.isFrozen(r.value.template) && typeof r.value.template.redactedJson === 'string');
});

const specRows: readonly { name: string; mutate: (o: unknown) => unknown; same: boolean }[] = [
  { name: 'scaling does not change specFingerprint', mutate: (o) => withPath(o, 'spec.replicas', 10), same: true },
  { name: 'pausing does not change specFingerprint', mutate: (o) => withPath(o, 'spec.paused', true), same: true },
  { name: 'an image change does not change specFingerprint', mutate: (o) => withPath(o, 'spec.template.spec.containers', [{ name: 'web', image: 'x:2' }]), same: true },
  { name: 'a strategy change changes specFingerprint', mutate: (o) => withPath(o, 'spec.strategy.type', 'Recreate'), same: false },
  { name: 'a deadline change changes specFingerprint', mutate: (o) => withPath(o, 'spec.progressDeadlineSeconds', 60), same: false },
];
for (const row of specRows) {
  test(row.name, () => {
    const a = projectWorkload(deployment, 'Deployment');
    const b = projectWorkload(row.mutate(deployment), 'Deployment');
    assert.ok(a.ok && b.ok);
    assert.equal(a.value.specFingerprint === b.value.specFingerprint, row.same);
  });
}

test('StatefulSet: revisions and computed unavailableReplicas', () => {
  const r = projectWorkload(statefulSet, 'StatefulSet');
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.equal(r.value.strategy, 'RollingUpdate');
  assert.equal(r.value.replicas, 3);
  assert.deepEqual(
    { ...r.value.status, conditions: undefined },
    { observedGeneration: 2, replicas: 3, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2, unavailableReplicas: 1, currentRevision: 'db-6c9f7b5d8', updateRevision: 'db-85c4b9f7c6', conditions: undefined },
  );
  assert.deepEqual(r.value.template.configRefs, [{ kind: 'Secret', name: 'db-secret', optional: false }]);
});

test('DaemonSet: node counts mapped onto the generic status fields, no spec replicas', () => {
  const r = projectWorkload(daemonSet, 'DaemonSet');
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.equal(r.value.replicas, null);
  assert.equal(r.value.paused, false);
  const { conditions: _c, ...status } = r.value.status;
  assert.deepEqual(status, { observedGeneration: 4, replicas: 3, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2, unavailableReplicas: 1, currentRevision: '', updateRevision: '' });
  assert.equal(r.value.template.annotations['kubectl.kubernetes.io/restartedAt'], '2024-05-03T12:00:00Z');
});

test('omitted zero fields read as zero (a brand-new Deployment has no status)', () => {
  const fresh = withPath(deployment, 'status', undefined);
  const r = projectWorkload(fresh, 'Deployment');
  assert.ok(r.ok);
  assert.equal(r.value.status.observedGeneration, 0);
  assert.equal(r.value.status.availableReplicas, 0);
  assert.deepEqual(r.value.status.conditions, []);
});

const errorRows: readonly { name: string; obj: unknown; kind: WorkloadRecordKind; error: RegExp }[] = [
  { name: 'not an object', obj: 42, kind: 'Deployment', error: /^Deployment <no name>: object is number, expected object$/ },
  { name: 'no metadata', obj: { spec: {} }, kind: 'Deployment', error: /^Deployment <no name>: metadata is undefined, expected object$/ },
  { name: 'no name', obj: withPath(deployment, 'metadata.name', undefined), kind: 'Deployment', error: /^Deployment shop\/<no name>: metadata.name is missing$/ },
  { name: 'no uid', obj: withPath(deployment, 'metadata.uid', undefined), kind: 'Deployment', error: /^Deployment shop\/web: metadata.uid is missing$/ },
  { name: 'replicas as string', obj: withPath(deployment, 'spec.replicas', '3'), kind: 'Deployment', error: /^Deployment shop\/web: spec.replicas is string, expected integer$/ },
  { name: 'replicas fractional', obj: withPath(deployment, 'spec.replicas', 1.5), kind: 'Deployment', error: /spec.replicas is number, expected integer/ },
  { name: 'label value a number', obj: withPath(deployment, 'metadata.labels', { app: 1 }), kind: 'Deployment', error: /metadata.labels\["app"\] is number, expected string/ },
  { name: 'template missing', obj: withPath(deployment, 'spec.template', undefined), kind: 'Deployment', error: /spec.template is undefined, expected object/ },
  { name: 'containers not a list', obj: withPath(deployment, 'spec.template.spec.containers', { web: {} }), kind: 'Deployment', error: /spec.template.spec.containers is object, expected array/ },
  { name: 'image a number', obj: withPath(deployment, 'spec.template.spec.containers', [{ name: 'web', image: 7 }]), kind: 'Deployment', error: /spec.template.spec.containers\[0\].image is number, expected string/ },
  { name: 'bad timestamp', obj: withPath(deployment, 'metadata.creationTimestamp', 'yesterday'), kind: 'Deployment', error: /metadata.creationTimestamp is not an RFC 3339 timestamp: yesterday/ },
  { name: 'condition status odd', obj: withPath(deployment, 'status.conditions', [{ type: 'Available', status: 'Maybe' }]), kind: 'Deployment', error: /status.conditions\[0\].status is "Maybe", expected True, False or Unknown/ },
  { name: 'wrong kind', obj: statefulSet, kind: 'Deployment', error: /^Deployment shop\/db: kind is "StatefulSet", expected Deployment$/ },
  { name: 'annotations over 256 KiB', obj: withPath(deployment, 'metadata.annotations', { big: 'x'.repeat(1024 * 1024) }), kind: 'Deployment', error: /metadata.annotations holds 1048579 characters, over the API server's limit of 262144/ },
  { name: 'managedFields entry not an object', obj: withPath(deployment, 'metadata.managedFields', ['x']), kind: 'Deployment', error: /metadata.managedFields\[0\] is string, expected object/ },
  { name: 'DaemonSet count as string', obj: withPath(daemonSet, 'status.numberReady', 'two'), kind: 'DaemonSet', error: /^DaemonSet monitoring\/agent: status.numberReady is string, expected integer$/ },
];
for (const row of errorRows) {
  test(`malformed: ${row.name} → error naming the object`, () => {
    const r = projectWorkload(row.obj, row.kind);
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.error, row.error);
  });
}
