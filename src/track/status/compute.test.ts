import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeVerdict, type ComputeInput } from './compute.ts';
import { at, daemonSet, deployment, event, eventRecord, pod, podRecord, statefulSet, T0 } from './testing/fixtures.ts';
import { projectEvent } from '../../model/project-event.ts';

const crashing = podRecord({
  metadata: { name: 'db-0', uid: 'p-db0', labels: { 'controller-revision-hash': 'db-3' } },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'False' }],
    containerStatuses: [{ name: 'db', restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } }, lastState: { terminated: { reason: 'Error', exitCode: 2, finishedAt: at(20) } } }],
  },
});
const unschedulable = podRecord({
  spec: { nodeName: '' },
  status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.', lastTransitionTime: at(0) }], containerStatuses: [] },
});
const rolling = deployment({ metadata: { generation: 3, annotations: { 'deployment.kubernetes.io/revision': '3' } }, status: { observedGeneration: 3, updatedReplicas: 1, availableReplicas: 2 } });

const run = (input: Partial<ComputeInput> & Pick<ComputeInput, 'object'>) => {
  const r = computeVerdict({ now: T0 + 60_000, ...input });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
};

test('no object → NotFound naming the subject', () => {
  const v = run({ object: null, subject: 'deployment shop/web' });
  assert.equal(v.state, 'NotFound');
  assert.equal(v.message, 'deployment shop/web not found');
});

test('deletionTimestamp → Terminating', () => {
  assert.equal(run({ object: deployment({ metadata: { deletionTimestamp: at(1) } }) }).state, 'Terminating');
});

test('a StatefulSet fails from a crash-looping pod (peers never fail it)', () => {
  const v = run({ object: statefulSet({ metadata: { generation: 3 }, status: { observedGeneration: 3, readyReplicas: 2, updatedReplicas: 1, updateRevision: 'db-3' } }), pods: [crashing] });
  assert.equal(v.state, 'Failed');
  assert.equal(v.reason, 'CrashLoop');
  assert.equal(v.diagnosis?.exitCode, 2);
});

test('a DaemonSet with an unschedulable pod stays InProgress within the 30 s grace, then fails', () => {
  const ds = daemonSet({ status: { numberAvailable: 3, numberReady: 3 } });
  const early = run({ object: ds, pods: [unschedulable], now: T0 + 10_000 });
  assert.equal(early.state, 'InProgress');
  assert.equal(early.diagnosis?.code, 'Unschedulable');
  const late = run({ object: ds, pods: [unschedulable], now: T0 + 31_000 });
  assert.equal(late.state, 'Failed');
  assert.equal(late.reason, 'Unschedulable');
  assert.equal(late.diagnosis?.message, '0/3 nodes are available: 3 Insufficient cpu.');
});

test('firstSeenAt from the caller overrides the finding onset', () => {
  const v = run({ object: daemonSet({ status: { numberAvailable: 3 } }), pods: [unschedulable], now: T0 + 40_000, firstSeenAt: T0 + 30_000 });
  assert.equal(v.state, 'InProgress');
});

test('custom rules: CrashLoop without a rule is reported but does not fail', () => {
  const v = run({ object: rolling, pods: [crashing], rules: { ImagePullFailed: 0 } });
  assert.equal(v.state, 'InProgress');
  assert.equal(v.reason, 'LessUpdated');
  assert.equal(v.diagnosis?.code, 'CrashLoop');
});

test('a Current workload gets no diagnosis even with broken pods around', () => {
  const v = run({ object: deployment(), pods: [crashing] });
  assert.equal(v.state, 'Current');
  assert.equal(v.diagnosis, null);
});

test('a Deployment with a ReplicaFailure condition fails after the grace', () => {
  const v = run({
    object: deployment({ status: { updatedReplicas: 1, conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'exceeded quota: compute', lastTransitionTime: at(0) }] } }),
  });
  assert.equal(v.state, 'Failed');
  assert.equal(v.reason, 'ReplicaFailure');
});

test('a Pod diagnoses itself from its container statuses and its events', () => {
  const e = projectEvent(event('Failed', 'Failed to pull image "web:bad": manifest unknown', 2));
  assert.ok(e.ok);
  const v = run({
    object: pod({ status: { phase: 'Pending', conditions: [], containerStatuses: [{ name: 'app', state: { waiting: { reason: 'ErrImagePull', message: 'pull failed' } } }] } }),
    events: [e.value, eventRecord('Scheduled', 'Successfully assigned shop/web-7d9f-a to node-1', 1)],
  });
  assert.equal(v.state, 'Failed');
  assert.equal(v.reason, 'ImagePullFailed');
  assert.equal(v.diagnosis?.message, 'Failed to pull image "web:bad": manifest unknown');
});

test('unsupported kind → UNSUPPORTED_KIND error with a hint', () => {
  const r = computeVerdict({ object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' } }, now: T0 });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'UNSUPPORTED_KIND');
  assert.match(r.error.message, /Service shop\/web/);
  assert.match(r.error.details.hint ?? '', /--as kstatus/);
});

test('a Deployment in the wrong API group is unsupported', () => {
  const r = computeVerdict({ object: { ...deployment(), apiVersion: 'example.com/v1' }, now: T0 });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'UNSUPPORTED_KIND');
});

test('a malformed Pod → MALFORMED_OBJECT naming the field', () => {
  const r = computeVerdict({ object: pod({ status: { containerStatuses: [{ name: 'app', restartCount: 'many' }] } }), now: T0 });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'MALFORMED_OBJECT');
  assert.match(r.error.message, /restartCount/);
});

test('a progress deadline keeps its reason but reports the pods\' root cause as diagnosis', () => {
  const v = run({
    object: deployment({ status: { updatedReplicas: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'timed out' }] } }),
    pods: [crashing],
  });
  assert.equal(v.state, 'Failed');
  assert.equal(v.reason, 'ProgressDeadlineExceeded');
  assert.equal(v.diagnosis?.code, 'CrashLoop');
});

test('a diagnosis dated after now (cluster clock ahead) still fails at once with a 0 s grace', () => {
  const v = run({ object: rolling, pods: [crashing], now: T0 });
  assert.equal(v.state, 'Failed');
  assert.equal(v.reason, 'CrashLoop');
});
