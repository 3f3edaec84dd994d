import assert from 'node:assert/strict';
import { test } from 'node:test';
import { projectPod } from './project-pod.ts';

const wire = {
  kind: 'Pod',
  metadata: {
    name: 'web-7d9f-a', namespace: 'shop', uid: 'p-1', resourceVersion: '42', creationTimestamp: '2026-01-01T00:00:00Z',
    labels: { app: 'web', 'pod-template-hash': '7d9f' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9f', uid: 'rs-1', controller: true }],
  },
  spec: { nodeName: 'node-1', restartPolicy: 'Always', containers: [{ name: 'app', image: 'web:2' }], initContainers: [{ name: 'init', image: 'busybox' }] },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady', lastTransitionTime: '2026-01-01T00:00:05Z' }],
    initContainerStatuses: [{ name: 'init', image: 'busybox', imageID: 'sha', ready: true, restartCount: 0, state: { terminated: { reason: 'Completed', exitCode: 0 } } }],
    containerStatuses: [
      {
        name: 'app', image: 'web:2', imageID: '', ready: false, started: false, restartCount: 4,
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } },
        lastState: { terminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: '2026-01-01T00:01:00Z' } },
      },
    ],
  },
};

test('projectPod reads identity, owner, template hash, conditions and container states', () => {
  const r = projectPod(wire);
  assert.ok(r.ok, r.ok ? '' : r.error);
  const p = r.value;
  assert.equal(p.kind, 'Pod');
  assert.equal(p.templateHash, '7d9f');
  assert.deepEqual(p.owner, { kind: 'ReplicaSet', name: 'web-7d9f', uid: 'rs-1' });
  assert.equal(p.phase, 'Running');
  assert.equal(p.readyStatus, 'False');
  assert.equal(p.readyTransitionTime, Date.parse('2026-01-01T00:00:05Z'));
  assert.equal(p.scheduledStatus, '');
  assert.equal(p.scheduledTransitionTime, null);
  assert.deepEqual(p.containers, [{ name: 'app', image: 'web:2' }]);
  assert.equal(p.containerStatuses.length, 2);
  assert.deepEqual(p.containerStatuses[0]?.state, { kind: 'terminated', reason: 'Completed', message: '', exitCode: 0, finishedAt: null });
  assert.equal(p.containerStatuses[0]?.init, true);
  const app = p.containerStatuses[1];
  assert.deepEqual(app?.state, { kind: 'waiting', reason: 'CrashLoopBackOff', message: 'back-off 40s' });
  assert.deepEqual(app?.lastTerminated, { reason: 'OOMKilled', exitCode: 137, finishedAt: Date.parse('2026-01-01T00:01:00Z') });
  assert.equal(app?.restartCount, 4);
  assert.ok(Object.isFrozen(p));
});

test('projectPod uses controller-revision-hash when there is no pod-template-hash', () => {
  const r = projectPod({ ...wire, metadata: { ...wire.metadata, labels: { 'controller-revision-hash': 'db-3' } } });
  assert.ok(r.ok);
  assert.equal(r.value.templateHash, 'db-3');
});

const bad = [
  { name: 'not an object', obj: 'pod', error: /object is string/ },
  { name: 'wrong kind', obj: { ...wire, kind: 'Service' }, error: /^Pod shop\/web-7d9f-a: kind is "Service", expected Pod/ },
  { name: 'no uid', obj: { ...wire, metadata: { ...wire.metadata, uid: undefined } }, error: /metadata.uid is missing/ },
  { name: 'restartCount not a number', obj: { ...wire, status: { containerStatuses: [{ name: 'app', restartCount: 'x' }] } }, error: /status.containerStatuses\[0\].restartCount is string, expected integer/ },
  { name: 'bad timestamp', obj: { ...wire, status: { containerStatuses: [{ name: 'app', state: { running: { startedAt: 'soon' } } }] } }, error: /startedAt is not an RFC 3339 timestamp/ },
  { name: 'containers not a list', obj: { ...wire, spec: { containers: {} } }, error: /spec.containers is object, expected array/ },
] as const;
for (const row of bad)
  test(`projectPod rejects ${row.name} with an error naming the pod and field`, () => {
    const r = projectPod(row.obj);
    assert.ok(!r.ok);
    assert.match(r.error, row.error);
  });

test('projectPod with requireIdentity:false accepts file objects without uid/resourceVersion', () => {
  const obj = { kind: 'Pod', metadata: { name: 'p' }, status: { phase: 'Pending' } };
  assert.ok(!projectPod(obj).ok);
  const r = projectPod(obj, { requireIdentity: false });
  assert.ok(r.ok);
  assert.equal(r.value.uid, '-');
});

test('projectPod keeps only the PodScheduled and Ready conditions (the first of each), and still validates the others', () => {
  const conditions = [
    { type: 'PodReadyToStartContainers', status: 'False', reason: 'NotYet', lastTransitionTime: '2026-01-01T00:00:01Z' },
    { type: 'Initialized', status: 'True' },
    { type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:09Z' },
    { type: 'ContainersReady', status: 'True' },
    { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available', lastTransitionTime: '2026-01-01T00:00:02Z' },
    { type: 'Ready', status: 'False', lastTransitionTime: '2026-01-01T00:00:03Z' },
  ];
  const r = projectPod({ ...wire, status: { ...wire.status, conditions } });
  assert.ok(r.ok, r.ok ? '' : r.error);
  const p = r.value;
  assert.deepEqual(
    [p.scheduledStatus, p.scheduledReason, p.scheduledMessage, p.scheduledTransitionTime, p.readyStatus, p.readyTransitionTime],
    ['False', 'Unschedulable', '0/3 nodes are available', Date.parse('2026-01-01T00:00:02Z'), 'True', Date.parse('2026-01-01T00:00:09Z')],
  );
  assert.ok(!Object.values(p).includes('NotYet'), 'conditions of other types are not kept');
  const bad = projectPod({ ...wire, status: { ...wire.status, conditions: [{ type: 'Initialized', status: 'Maybe' }] } });
  assert.equal(bad.ok, false, 'a mistyped condition is an error even when it would not be kept');
});
