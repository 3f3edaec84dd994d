// projectDeploymentProtobuf (metadata and status straight from the bytes) against the generic path
// it stands in for: the masked decode of the same bytes, then projectWorkload. Wherever it returns a
// record, the record must be deep-equal to the generic one, with the same key order and the same
// shared parts; where the generic path would fail or might differ, it must step aside (undefined),
// so a malformed object is still skipped with the generic path's warning naming it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { loadObject } from '../../test/support/object-fixtures.ts';
import { Projected } from '../kube/list-watch.ts';
import { decodeWatchFrame, MaskedReader, STATUS_READING } from '../kube/protobuf-wire.ts';
import { RESOURCES } from '../kube/resources.ts';
import { genericRecord } from '../../test/support/generic-projection.ts';
import type { KubeObject } from '../kube/types.ts';
import { encodeMessage, encodeWatchFrame } from '../lib/kube-protobuf/encode.ts';
import { seededRandom } from '../lib/seeded-random.ts';
import { ManualClock } from '../sim/core/clock.ts';
import { startSim } from '../sim/index.ts';
import { runScenario } from '../sim/scenarios/index.ts';
import { projectDeploymentProtobuf } from './project-deployment-protobuf.ts';
import type { WorkloadRecord } from './records.ts';


/** generic is what the reflector made of these bytes before (test/support/generic-projection.ts). */
const generic = (buf: Uint8Array): ReturnType<typeof genericRecord<'Deployment'>> => genericRecord('Deployment', buf);

const enc = (o: object): Buffer => encodeMessage('apps.Deployment', o as Record<string, unknown>);

/** sameRecord asserts the direct record is the generic one: deep-equal, same key order, same shared parts. */
function sameRecord(d: WorkloadRecord | undefined, g: ReturnType<typeof generic>, what: string): asserts d is WorkloadRecord {
  assert.ok(g !== 'malformed' && g.ok, `${what}: the generic path reads it`);
  assert.ok(d !== undefined, `${what}: the direct projection takes it`);
  assert.deepEqual(d, g.value, what);
  // One literal with the same keys in the same order, so V8 gives every record one hidden class whichever wire it came from.
  assert.deepEqual(Object.keys(d), Object.keys(g.value), `${what}: key order`);
  assert.deepEqual(Object.keys(d.status), Object.keys(g.value.status), `${what}: status key order`);
  assert.deepEqual(Object.keys(d.annotations), Object.keys(g.value.annotations), `${what}: annotation order`);
  // What the generic path shares (interned maps and records) is the very same object.
  assert.equal(d.template, g.value.template, `${what}: one template record`);
  assert.equal(d.labels, g.value.labels, `${what}: one labels map`);
  assert.equal(d.owner, g.value.owner, `${what}: one owner record`);
  d.status.conditions.forEach((c, i) => assert.equal(c, g.value.status.conditions[i], `${what}: one condition record`));
  assert.ok(Object.isFrozen(d) && Object.isFrozen(d.status) && Object.isFrozen(d.managers) && Object.isFrozen(d.annotations));
}

const WEB = loadObject('deployment/web.yaml');
const T = '2026-01-01T00:00:00Z';
const RICH = {
  ...WEB,
  metadata: {
    ...(WEB['metadata'] as object),
    labels: { app: 'web', team: 'shop' },
    ownerReferences: [{ apiVersion: 'v1', kind: 'Thing', name: 'other', uid: 'o0' }, { apiVersion: 'x/v1', kind: 'App', name: 'web-app', uid: 'app1', controller: true }],
    deletionTimestamp: T,
  },
  status: {
    observedGeneration: 3, replicas: 4, updatedReplicas: 2, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 1, collisionCount: 0,
    conditions: [
      { type: 'Available', status: 'True', lastUpdateTime: T, lastTransitionTime: T, reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
      { type: 'Progressing', status: 'Unknown', lastUpdateTime: '2026-01-01T00:00:05Z', reason: 'ReplicaSetUpdated', message: 'ReplicaSet "web-2" is progressing.' },
      { type: 'ReplicaFailure', status: 'False' },
    ],
  },
};

test('the fixture Deployment and a richer one (owners, conditions, deletion) project to the generic record', () => {
  for (const [what, obj] of [['fixture', WEB], ['rich', RICH]] as const) {
    const buf = enc(obj);
    const d = projectDeploymentProtobuf(buf, 0, buf.length, 'Deployment');
    sameRecord(d, generic(buf), what);
  }
  const buf = enc(RICH);
  const d = projectDeploymentProtobuf(buf, 0, buf.length, 'Deployment');
  assert.ok(d);
  assert.equal(d.owner?.uid, 'app1');
  assert.equal(d.status.conditions.length, 3);
  assert.equal(d.managers.length, 3);
  assert.ok(d.managers.some((m) => m.touchesTemplate) && d.managers.some((m) => m.touchesReplicas));
  assert.ok(!('kubectl.kubernetes.io/last-applied-configuration' in d.annotations), 'the applied manifest is dropped');
});

test('a minimal Deployment (no status, no annotations, no managedFields) projects to the generic record', () => {
  const buf = enc({ metadata: { name: 'd', uid: 'u', resourceVersion: '1' }, spec: { template: {} } });
  sameRecord(projectDeploymentProtobuf(buf, 0, buf.length, 'Deployment'), generic(buf), 'minimal');
  const only = enc({ metadata: { name: 'd', uid: 'u', resourceVersion: '1', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } }, spec: { replicas: 0, paused: true, template: {} } });
  const d = projectDeploymentProtobuf(only, 0, only.length, 'Deployment');
  sameRecord(d, generic(only), 'only a dropped annotation, zero replicas, paused');
  assert.equal(d.replicas, 0);
  assert.equal(d.paused, true);
});

test('repeated singular fields: every occurrence is read, the last whole one wins, as in the generic decode', () => {
  const buf = Buffer.concat([
    enc(RICH),
    enc({ metadata: { name: 'web-2', uid: 'u2', resourceVersion: '8', generation: 0, labels: { app: 'web2' } }, status: { replicas: 0, conditions: [{ type: 'Available', status: '' }] } }),
  ]);
  const d = projectDeploymentProtobuf(buf, 0, buf.length, 'Deployment');
  sameRecord(d, generic(buf), 'concatenated');
  assert.equal(d.name, 'web-2');
  assert.equal(d.managers.length, 0, 'the later metadata replaced the earlier one whole');
  assert.equal(d.status.conditions[0]?.status, 'Unknown');
});

test('objects the generic path refuses or might read differently are left to it', () => {
  const meta = RICH.metadata;
  const deep = (n: number): object => (n === 0 ? {} : { 'f:x': deep(n - 1) });
  const cases: Record<string, { obj: object; refused: boolean }> = {
    'no name': { obj: { ...RICH, metadata: { ...meta, name: '' } }, refused: true },
    'no resourceVersion': { obj: { ...RICH, metadata: { ...meta, resourceVersion: '' } }, refused: true },
    'no spec': { obj: { metadata: meta }, refused: true },
    'a condition status that is not True/False/Unknown': { obj: { ...RICH, status: { conditions: [{ type: 'Available', status: 'Maybe' }] } }, refused: true },
    'an index-like annotation key': { obj: { ...RICH, metadata: { ...meta, annotations: { '1': 'x', a: 'b' } } }, refused: false },
    'a __proto__ annotation key': { obj: { ...RICH, metadata: { ...meta, annotations: { ['__proto__']: 'x' } } }, refused: false },
    'annotations over the size limit': { obj: { ...RICH, metadata: { ...meta, annotations: { big: 'x'.repeat(300 * 1024) } } }, refused: true },
    'a managedFields set nested too deep': { obj: { ...RICH, metadata: { ...meta, managedFields: [{ manager: 'm', fieldsV1: deep(70) }] } }, refused: true },
    'a time before 1970': { obj: { ...RICH, metadata: { ...meta, creationTimestamp: '1969-12-31T23:59:59Z' } }, refused: false },
  };
  for (const [what, { obj, refused }] of Object.entries(cases)) {
    const buf = enc(obj);
    const d = projectDeploymentProtobuf(buf, 0, buf.length, 'Deployment');
    const g = generic(buf);
    if (refused) {
      assert.equal(d, undefined, what);
      assert.ok(g === 'malformed' || !g.ok, `${what}: the generic path refuses it`);
    } else if (d !== undefined) sameRecord(d, g, what);
  }
  for (const what of ['an index-like annotation key', 'a __proto__ annotation key', 'a time before 1970']) {
    const buf = enc(cases[what]!.obj);
    assert.equal(projectDeploymentProtobuf(buf, 0, buf.length, 'Deployment'), undefined, `${what} is left to the generic path`);
  }
  const buf = enc(RICH);
  assert.equal(projectDeploymentProtobuf(buf, 0, buf.length, 'StatefulSet'), undefined, 'another kind in the envelope');
  assert.equal(projectDeploymentProtobuf(buf, 0, buf.length - 3, 'Deployment'), undefined, 'cut short');
});

test('the depth limit on managedFields sets is the generic one, to the level', () => {
  const deep = (n: number): object => (n === 0 ? {} : { 'f:x': deep(n - 1) });
  let deepestTaken = 0;
  for (let n = 50; n <= 66; n++) {
    const buf = enc({ ...WEB, metadata: { ...(WEB['metadata'] as object), managedFields: [{ manager: 'm', fieldsV1: deep(n) }] } });
    const d = projectDeploymentProtobuf(buf, 0, buf.length, 'Deployment');
    const g = generic(buf);
    if (g !== 'malformed' && g.ok) {
      sameRecord(d, g, `a set nested ${n} levels`);
      deepestTaken = n;
    } else assert.equal(d, undefined, `a set nested ${n} levels is refused by the generic path, so left to it`);
  }
  assert.ok(deepestTaken >= 55 && deepestTaken < 66, `the limit falls inside the range tried (${deepestTaken})`);
});

test('a malformed Deployment frame is still skipped with the generic warning naming the object', () => {
  const reader = new MaskedReader(RESOURCES.Deployment.protobuf);
  const status = new MaskedReader(STATUS_READING);
  // fieldsV1 that is not JSON: only the full decode can tell, and it names the object.
  const bad = { ...WEB, metadata: { ...(WEB['metadata'] as object), managedFields: [{ manager: 'm', fieldsV1: {} }] } };
  const frame = Buffer.from(encodeWatchFrame('MODIFIED', 'apps.Deployment', bad).subarray(4));
  const at = frame.indexOf(Buffer.from('{}'));
  assert.ok(at > 0);
  frame[at] = 0x5b; // '[}': not JSON
  const direct = decodeWatchFrame(frame, reader, status, true);
  assert.deepEqual(direct, decodeWatchFrame(frame, reader, status));
  assert.ok(!direct.ok);
  assert.match(direct.error, /^Deployment shop\/web: an embedded JSON value/);
  const good = decodeWatchFrame(encodeWatchFrame('MODIFIED', 'apps.Deployment', WEB).subarray(4), reader, status, true);
  assert.ok(good.ok && good.object instanceof Projected, 'a well-formed Deployment frame is read directly');
});

test('mutated bytes: a direct record is always the generic record', (t) => {
  const bases = [enc(WEB), enc(RICH)];
  let direct = 0;
  fc.assert(
    fc.property(fc.constantFrom(...bases), fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }), op: fc.constantFrom('flip', 'cut', 'insert') }), { minLength: 1, maxLength: 3 }), (base, ms) => {
      let b = Buffer.from(base);
      for (const m of ms) {
        const at = m.at % b.length;
        if (m.op === 'cut') b = b.subarray(0, at);
        else if (m.op === 'flip') b[at] = m.value;
        else b = Buffer.concat([b.subarray(0, at), Buffer.of(m.value), b.subarray(at)]);
        if (b.length === 0) return;
      }
      const d = projectDeploymentProtobuf(b, 0, b.length, 'Deployment');
      if (d === undefined) return;
      direct++;
      const g = generic(b);
      assert.ok(g !== 'malformed', 'the generic path read bytes the direct one accepted');
      assert.ok(g.ok, `the generic path refused what the direct one accepted: ${g.ok ? '' : g.error}`);
      assert.deepEqual(d, g.value);
      assert.deepEqual(Object.keys(d), Object.keys(g.value));
    }),
    { numRuns: 3000 },
  );
  assert.ok(direct > 100, `many mutations still project (${direct})`);
  t.diagnostic(`${direct} of 3000 mutated objects read directly`);
});

test('every Deployment version of the simulated demo day projects to the generic record', async (t) => {
  const clock = new ManualClock();
  const sim = await startSim({ clock, random: seededRandom(3) });
  t.after(() => sim.stop());
  const versions: KubeObject[] = [];
  t.after(sim.store.subscribe('deployments.apps', (change) => versions.push(change.object)));
  const stop = runScenario('demo', { store: sim.store, clock, random: seededRandom(5) });
  t.after(stop);
  for (let s = 0; s < 20 * 60; s++) clock.advance(1000);
  const names = new Set<string>();
  for (const obj of versions) {
    const buf = enc(obj);
    sameRecord(projectDeploymentProtobuf(buf, 0, buf.length, 'Deployment'), generic(buf), `${obj.metadata.namespace}/${obj.metadata.name} at ${obj.metadata.resourceVersion}`);
    names.add(`${obj.metadata.namespace}/${obj.metadata.name}`);
  }
  t.diagnostic(`${versions.length} Deployment versions of ${names.size} Deployments`);
  assert.ok(versions.length > 50 && names.size >= 4, `the day wrote many Deployment versions (${versions.length} of ${names.size})`);
});
