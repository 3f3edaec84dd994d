// projectPodProtobuf (straight from the bytes) against the generic path it stands in for: the
// masked decode of the same bytes, then projectPod. Wherever it returns a record, the record must
// be deep-equal to the generic one; where the generic path would fail or might differ, it must
// step aside (undefined).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { encodeMessage } from '../lib/kube-protobuf/encode.ts';
import { genericRecord } from '../../test/support/generic-projection.ts';
import { projectPodProtobuf } from './project-pod-protobuf.ts';

const T = '2026-01-01T00:00:00Z';

/** generic is what the reflector made of these bytes before (test/support/generic-projection.ts). */
const generic = (buf: Uint8Array): ReturnType<typeof genericRecord<'Pod'>> => genericRecord('Pod', buf);

const cstatus = (name: string, state: object, lastState: object, extra: object = {}): object => ({
  name, image: `${name}:1`, imageID: `${name}@sha256:0`, containerID: `containerd://${name}`, ready: true, started: true, restartCount: 3, state, lastState, ...extra,
});

const POD = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: {
    name: 'web-1', generateName: 'web-', namespace: 'shop', uid: 'u1', resourceVersion: '7', creationTimestamp: T, labels: { app: 'web', 'pod-template-hash': 'h1' },
    annotations: { note: 'x' },
    ownerReferences: [{ apiVersion: 'v1', kind: 'Thing', name: 'other', uid: 'o0' }, { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-h1', uid: 'rs1', controller: true, blockOwnerDeletion: true }],
    managedFields: [{ manager: 'kubelet', operation: 'Update', fieldsV1: { 'f:status': {} } }],
  },
  spec: { nodeName: 'n1', restartPolicy: 'Always', initContainers: [{ name: 'init', image: 'init:1' }], containers: [{ name: 'a', image: 'a:1', env: [{ name: 'A', value: 'b' }] }, { name: 'b', image: 'b:1' }] },
  status: {
    phase: 'Running', hostIP: '10.0.0.1', startTime: T,
    conditions: [
      { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: T },
      { type: 'Initialized', status: 'True', lastTransitionTime: '2026-01-01T00:00:05Z' },
      { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [a]', lastTransitionTime: '2026-01-31T23:59:59Z' },
    ],
    initContainerStatuses: [cstatus('init', { terminated: { exitCode: 0, reason: 'Completed', startedAt: T, finishedAt: T } }, {})],
    containerStatuses: [
      cstatus('a', { waiting: { reason: 'CrashLoopBackOff', message: 'back-off' } }, { terminated: { exitCode: 137, reason: 'OOMKilled', message: 'oom', finishedAt: T } }),
      cstatus('b', { running: { startedAt: T } }, {}, { ready: false, started: false, restartCount: 0 }),
    ],
  },
};

const enc = (o: object): Buffer => encodeMessage('core.Pod', o as Record<string, unknown>);

test('a pod with every container state, init containers and owners projects to the generic record', () => {
  const buf = enc(POD);
  const g = generic(buf);
  assert.ok(g !== 'malformed' && g.ok);
  const d = projectPodProtobuf(buf, 0, buf.length, 'Pod');
  assert.ok(d !== undefined, 'the direct projection takes an ordinary pod');
  assert.deepEqual(d, g.value);
  // Both projections build one literal with the same keys in the same order, so V8 gives every
  // Pod record one hidden class whichever wire it came from.
  assert.deepEqual(Object.keys(d), Object.keys(g.value));
  assert.equal(d.owner?.uid, 'rs1');
  assert.equal(d.containerStatuses.length, 3);
  assert.ok(Object.isFrozen(d) && Object.isFrozen(d.containerStatuses[0]));
});

test('a minimal pod (no spec, no status, no labels) projects to the generic record', () => {
  const buf = enc({ metadata: { name: 'p', uid: 'u', resourceVersion: '1' } });
  const g = generic(buf);
  assert.ok(g !== 'malformed' && g.ok);
  assert.deepEqual(projectPodProtobuf(buf, 0, buf.length, 'Pod'), g.value);
});

test('repeated singular fields: the last non-zero value wins, as in the generic decode', () => {
  // Concatenated messages repeat fields: metadata, spec and status twice; a zero status string later.
  const buf = Buffer.concat([
    enc(POD),
    enc({ metadata: { name: 'web-2', uid: 'u2', resourceVersion: '8', labels: { app: 'web2' } }, status: { phase: '', conditions: [{ type: 'Ready', status: '' }], containerStatuses: [cstatus('c', { running: {} }, {}, { restartCount: 0 })] } }),
  ]);
  const g = generic(buf);
  assert.ok(g !== 'malformed' && g.ok);
  const d = projectPodProtobuf(buf, 0, buf.length, 'Pod');
  assert.ok(d !== undefined);
  assert.deepEqual(d, g.value);
  assert.equal(d.name, 'web-2');
  assert.equal(d.readyStatus, 'Unknown');
  assert.equal(d.scheduledStatus, '', 'no PodScheduled condition');
});

test('objects the generic path refuses or might read differently are left to it', () => {
  const cases: Record<string, object> = {
    'no name': { ...POD, metadata: { ...POD.metadata, name: '' } },
    'no uid': { ...POD, metadata: { ...POD.metadata, uid: '' } },
    'a condition status that is not True/False/Unknown': { ...POD, status: { ...POD.status, conditions: [{ type: 'Initialized', status: 'Maybe' }] } },
    'an index-like label key': { ...POD, metadata: { ...POD.metadata, labels: { '1': 'x', app: 'web' } } },
    'a __proto__ label key': { ...POD, metadata: { ...POD.metadata, labels: { ['__proto__']: 'x' } } },
    'labels over the size limit': { ...POD, metadata: { ...POD.metadata, labels: { big: 'x'.repeat(300 * 1024) } } },
    'a time before 1970': { ...POD, metadata: { ...POD.metadata, creationTimestamp: '1969-12-31T23:59:59Z' } },
  };
  for (const [what, obj] of Object.entries(cases)) {
    const buf = enc(obj);
    assert.equal(projectPodProtobuf(buf, 0, buf.length, 'Pod'), undefined, what);
    const g = generic(buf);
    const refused = ['no name', 'no uid', 'a condition status that is not True/False/Unknown', 'labels over the size limit'];
    if (refused.includes(what)) assert.ok(g === 'malformed' || !g.ok, `${what}: the generic path refuses it`);
  }
  const buf = enc(POD);
  assert.equal(projectPodProtobuf(buf, 0, buf.length, 'Deployment'), undefined, 'another kind in the envelope');
  assert.equal(projectPodProtobuf(buf, 0, buf.length - 3, 'Pod'), undefined, 'cut short');
});

test('mutated bytes: a direct record is always the generic record', () => {
  const base = enc(POD);
  let direct = 0;
  fc.assert(
    fc.property(fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }), cut: fc.boolean() }), { minLength: 1, maxLength: 3 }), (ms) => {
      let b = Buffer.from(base);
      for (const m of ms) {
        const at = m.at % b.length;
        if (m.cut) b = b.subarray(0, at);
        else b[at] = m.value;
        if (b.length === 0) return;
      }
      const d = projectPodProtobuf(b, 0, b.length, 'Pod');
      if (d === undefined) return;
      direct++;
      const g = generic(b);
      assert.ok(g !== 'malformed', 'the generic path read bytes the direct one accepted');
      assert.ok(g.ok, `the generic path refused what the direct one accepted: ${g.ok ? '' : g.error}`);
      assert.deepEqual(d, g.value);
    }),
    { numRuns: 3000 },
  );
  assert.ok(direct > 0, 'some mutations still project');
});
