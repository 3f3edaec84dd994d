// Fuzzing of the lazy protobuf reader with bytes (the byte-level twin of
// model/projections.fuzz.test.ts): real objects of every tracked kind, encoded as watch frames and
// list bodies, then mutated (bytes flipped, cut, inserted) or replaced by random bytes. Decoding
// never throws anything but ProtoError, a bad frame comes back as a named skip, and whatever
// decodes projects to a record or an error — never a crash.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { loadObject } from '../../test/support/object-fixtures.ts';
import { encodeListBody, encodeWatchFrame } from '../lib/kube-protobuf/encode.ts';
import { ProtoError } from '../lib/kube-protobuf/wire.ts';
import { Projected } from './list-watch.ts';
import { decodeList, decodeWatchFrame, FrameSplitter, MaskedReader, STATUS_READING } from './protobuf-wire.ts';
import { RESOURCES, type TrackedKind } from './resources.ts';

const FIXTURES: Partial<Record<TrackedKind, string>> = {
  Deployment: 'deployment/web.yaml', StatefulSet: 'statefulset/db.yaml', DaemonSet: 'daemonset/agent.yaml',
  ReplicaSet: 'replicaset/web-7d4b9c8f6d.yaml', ControllerRevision: 'controllerrevision/agent-5f7d8c9b4.yaml',
};
const POD = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'shop', uid: 'u1', resourceVersion: '7', labels: { app: 'web' }, managedFields: [{ manager: 'kubelet', operation: 'Update', fieldsV1: { 'f:status': {} } }] },
  spec: { nodeName: 'n1', containers: [{ name: 'web', image: 'web:1', env: [{ name: 'A', value: 'b' }] }] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }], containerStatuses: [{ name: 'web', image: 'web:1', imageID: 'x', ready: true, restartCount: 2, state: { running: { startedAt: '2026-01-01T00:00:00Z' } } }] },
};
const EVENT = {
  apiVersion: 'v1', kind: 'Event', metadata: { name: 'web-1.1', namespace: 'shop', uid: 'u2', resourceVersion: '8' },
  involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-1', uid: 'u1' }, reason: 'BackOff', message: 'Back-off', type: 'Warning', count: 3,
  firstTimestamp: '2026-01-01T00:00:00Z', lastTimestamp: '2026-01-01T00:01:00Z', source: { component: 'kubelet' },
};

const status = new MaskedReader(STATUS_READING);
const samples = (Object.keys(RESOURCES) as TrackedKind[]).map((kind) => {
  const fixture = FIXTURES[kind];
  const obj = (fixture === undefined ? (kind === 'Pod' ? POD : EVENT) : loadObject(fixture)) as Record<string, unknown>;
  const { message } = RESOURCES[kind].protobuf;
  return { kind, obj, reader: new MaskedReader(RESOURCES[kind].protobuf), frame: encodeWatchFrame('MODIFIED', message, obj).subarray(4), list: encodeListBody(message, String(obj['apiVersion']), `${kind}List`, { resourceVersion: '9' }, [obj, obj]) };
});

/** ok unwraps a projection that must have succeeded. */
function ok(r: { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string }): unknown {
  if (!r.ok) assert.fail(`the generic projection refused what the direct one read: ${r.error}`);
  return r.value;
}

const mutation = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('cut' as const), at: fc.nat(), value: fc.constant(0) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
);

function mutate(bytes: Uint8Array, ms: readonly { op: 'flip' | 'cut' | 'insert'; at: number; value: number }[]): Uint8Array {
  let b = Buffer.from(bytes);
  for (const m of ms) {
    if (b.length === 0) break;
    const at = m.at % b.length;
    if (m.op === 'flip') b[at] = m.value;
    else if (m.op === 'cut') b = b.subarray(0, at);
    else b = Buffer.concat([b.subarray(0, at), Buffer.of(m.value), b.subarray(at)]);
  }
  return b;
}

test('the untouched samples decode and project', () => {
  for (const s of samples) {
    const f = decodeWatchFrame(s.frame, s.reader, status);
    assert.ok(f.ok, s.kind);
    assert.ok(RESOURCES[s.kind].project(f.object).ok, `${s.kind} projects`);
    assert.equal(decodeList(s.list, s.reader).items.length, 2);
  }
});

test('mutated or random watch frames never crash the reader or the projection', () => {
  fc.assert(
    fc.property(fc.constantFrom(...samples), fc.oneof(fc.array(mutation, { minLength: 1, maxLength: 4 }).map((ms) => ({ ms, random: undefined })), fc.uint8Array({ maxLength: 300 }).map((random) => ({ ms: [], random }))), (s, m) => {
      const bytes = m.random ?? mutate(s.frame, m.ms);
      const f = decodeWatchFrame(bytes, s.reader, status);
      if (!f.ok) {
        assert.equal(typeof f.error, 'string');
        return;
      }
      const r = RESOURCES[s.kind].project(f.object);
      if (!r.ok) assert.equal(typeof r.error, 'string');
    }),
    { numRuns: 600 },
  );
});

test('mutated watch frames read straight into records (the reflector\'s path) give the generic record or step aside', () => {
  let projected = 0;
  fc.assert(
    fc.property(fc.constantFrom(...samples), fc.array(mutation, { maxLength: 3 }), (s, ms) => {
      const bytes = mutate(s.frame, ms);
      const direct = decodeWatchFrame(bytes, s.reader, status, true);
      const generic = decodeWatchFrame(bytes, s.reader, status);
      if (!direct.ok || !(direct.object instanceof Projected)) {
        // Stepping aside is reading it the generic way: the same outcome.
        assert.deepEqual(direct, generic);
        return;
      }
      projected++;
      assert.ok(generic.ok, 'the generic reader refused a frame the direct one read');
      assert.equal(direct.type, generic.type);
      assert.deepEqual(direct.object.record, ok(RESOURCES[s.kind].project(generic.object)));
    }),
    { numRuns: 600 },
  );
  assert.ok(projected > 0, 'untouched and lightly mutated pods are read directly');
});

test('mutated list bodies fail only with ProtoError, or skip the bad items by name', () => {
  fc.assert(
    fc.property(fc.constantFrom(...samples), fc.array(mutation, { minLength: 1, maxLength: 3 }), (s, ms) => {
      try {
        const list = decodeList(mutate(s.list, ms), s.reader);
        for (const item of list.items) RESOURCES[s.kind].project(item);
        for (const why of list.skipped) assert.match(why, new RegExp(`^${s.kind} `));
      } catch (e) {
        assert.ok(e instanceof ProtoError, String(e));
      }
    }),
    { numRuns: 400 },
  );
});

test('the frame splitter joins frames split at any byte and refuses absurd lengths', () => {
  const s = samples[0];
  assert.ok(s);
  const stream = Buffer.concat([encodeWatchFrame('ADDED', 'apps.Deployment', s.obj), encodeWatchFrame('MODIFIED', 'apps.Deployment', s.obj)]);
  fc.assert(
    fc.property(fc.array(fc.nat({ max: stream.length }), { maxLength: 6 }), (cuts) => {
      const points = [...new Set([0, ...cuts, stream.length])].sort((a, b) => a - b);
      const splitter = new FrameSplitter();
      const frames = points.slice(1).flatMap((end, i) => splitter.push(stream.subarray(points[i], end)));
      assert.equal(frames.length, 2);
    }),
  );
  assert.throws(() => new FrameSplitter().push(Uint8Array.of(0x7f, 0xff, 0xff, 0xff)), ProtoError);
});

test('the frame splitter returns every frame whole, whatever the frame sizes (empty too) and chunk sizes (headers split too)', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 8 }), fc.array(fc.nat({ max: 12 }), { minLength: 1, maxLength: 20 }), (frames, sizes) => {
      const stream = Buffer.concat(frames.flatMap((f) => {
        const header = Buffer.alloc(4);
        header.writeUInt32BE(f.length);
        return [header, Buffer.from(f)];
      }));
      const splitter = new FrameSplitter();
      const got: string[] = [];
      for (let at = 0, k = 0; at < stream.length; k++) {
        const size = sizes[k % sizes.length] as number;
        for (const f of splitter.push(stream.subarray(at, at + size))) got.push(Buffer.from(f).toString('hex'));
        at += size;
        if (size === 0 && sizes.every((n) => n === 0)) at = stream.length; // no progress possible
      }
      if (sizes.some((n) => n > 0)) assert.deepEqual(got, frames.map((f) => Buffer.from(f).toString('hex')));
    }),
    { numRuns: 500 },
  );
});
