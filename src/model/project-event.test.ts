import assert from 'node:assert/strict';
import { test } from 'node:test';
import { projectEvent } from './project-event.ts';

const ms = (s: string): number => Date.parse(s);

test('projectEvent reads a legacy core/v1 event (kubelet)', () => {
  const r = projectEvent({
    kind: 'Event',
    metadata: { name: 'web-1.17a', namespace: 'shop', uid: 'e-1', resourceVersion: '5', creationTimestamp: '2026-01-01T00:00:00Z' },
    involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-1', uid: 'p-1', fieldPath: 'spec.containers{app}' },
    reason: 'BackOff', message: 'Back-off pulling image "web:bad"', type: 'Normal', count: 7,
    firstTimestamp: '2026-01-01T00:00:01Z', lastTimestamp: '2026-01-01T00:02:00Z', eventTime: null,
    source: { component: 'kubelet', host: 'node-1' },
  });
  assert.ok(r.ok, r.ok ? '' : r.error);
  const e = r.value;
  assert.deepEqual(e.involved, { kind: 'Pod', namespace: 'shop', name: 'web-1', uid: 'p-1', fieldPath: 'spec.containers{app}' });
  assert.equal(e.type, 'Normal');
  assert.equal(e.count, 7);
  assert.equal(e.firstSeen, ms('2026-01-01T00:00:01Z'));
  assert.equal(e.lastSeen, ms('2026-01-01T00:02:00Z'));
  assert.equal(e.source, 'kubelet');
});

test('projectEvent reads a scheduler event with null timestamps and a series', () => {
  const r = projectEvent({
    metadata: { name: 'web-2.18b', namespace: 'shop', uid: 'e-2', resourceVersion: '6', creationTimestamp: '2026-01-01T00:00:00Z' },
    involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-2', uid: 'p-2' },
    reason: 'FailedScheduling', message: '0/3 nodes are available: 3 Insufficient cpu.', type: 'Warning',
    firstTimestamp: null, lastTimestamp: null, eventTime: '2026-01-01T00:00:02.123456Z',
    series: { count: 4, lastObservedTime: '2026-01-01T00:05:00.000000Z' },
    reportingComponent: 'default-scheduler', source: {},
  });
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.equal(r.value.type, 'Warning');
  assert.equal(r.value.count, 4);
  assert.equal(r.value.firstSeen, ms('2026-01-01T00:00:02.123Z'));
  assert.equal(r.value.lastSeen, ms('2026-01-01T00:05:00Z'));
  assert.equal(r.value.source, 'default-scheduler');
});

test('projectEvent reads an events.k8s.io/v1 event (regarding, note, deprecated fields)', () => {
  const r = projectEvent({
    apiVersion: 'events.k8s.io/v1', kind: 'Event',
    metadata: { name: 'x', namespace: 'shop', uid: 'e-3', resourceVersion: '7' },
    regarding: { kind: 'ReplicaSet', namespace: 'shop', name: 'web-7d9f', uid: 'rs-1' },
    note: 'Error creating: pods "web-7d9f-x" is forbidden: exceeded quota', reason: 'FailedCreate', type: 'Warning',
    eventTime: null, deprecatedCount: 3, deprecatedFirstTimestamp: '2026-01-01T00:00:00Z', deprecatedLastTimestamp: '2026-01-01T00:01:00Z',
    reportingController: 'replicaset-controller',
  });
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.equal(r.value.involved.kind, 'ReplicaSet');
  assert.equal(r.value.message, 'Error creating: pods "web-7d9f-x" is forbidden: exceeded quota');
  assert.equal(r.value.count, 3);
  assert.equal(r.value.lastSeen, ms('2026-01-01T00:01:00Z'));
  assert.equal(r.value.source, 'replicaset-controller');
});

for (const [name, obj, error] of [
  ['wrong kind', { kind: 'Pod', metadata: { name: 'e', uid: 'u', resourceVersion: '1' } }, /^Event e: kind is "Pod", expected Event/],
  ['count as text', { metadata: { name: 'e', namespace: 'shop', uid: 'u', resourceVersion: '1' }, count: 'three' }, /^Event shop\/e: count is string, expected integer/],
  ['involvedObject as text', { metadata: { name: 'e', uid: 'u', resourceVersion: '1' }, involvedObject: 'pod' }, /involvedObject is string, expected object/],
] as const)
  test(`projectEvent rejects ${name}`, () => {
    const r = projectEvent(obj);
    assert.ok(!r.ok);
    assert.match(r.error, error);
  });
