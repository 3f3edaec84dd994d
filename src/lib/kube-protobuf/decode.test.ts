import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileMask, decodeMasked, readString, readUncached } from './decode.ts';
import { encodeMessage } from './encode.ts';

const TIMES = compileMask('meta.ObjectMeta', { creationTimestamp: true, deletionTimestamp: true });

/** The JSON form of a meta.Time at `seconds`, as kube-apiserver (and Date) writes it. */
const isoSeconds = (seconds: number): string => `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`;

test('times decode to the RFC 3339 text Date writes, for every second from year 1 to 9999', () => {
  fc.assert(
    // 0 is left out: seconds and nanos both 0 are the zero Time, which decodes to null (tested with the encoder).
    fc.property(fc.integer({ min: -62135596800, max: 253402300799 }).filter((s) => s !== 0), fc.integer({ min: -62135596800, max: 253402300799 }).filter((s) => s !== 0), (a, b) => {
      const text = { creationTimestamp: isoSeconds(a), deletionTimestamp: isoSeconds(b) };
      const body = encodeMessage('meta.ObjectMeta', text);
      assert.deepEqual(decodeMasked(body, 0, body.length, TIMES), text);
    }),
    { numRuns: 20_000 },
  );
});

test('a time seen again decodes to the same text (the cache keys by the whole seconds value)', () => {
  // 1024 apart: the same cache slot, different seconds.
  for (const s of [1_767_225_600, 1_767_225_600 + 1024, 1_767_225_600, 86_400, 1024, -1024, 1024]) {
    const body = encodeMessage('meta.ObjectMeta', { creationTimestamp: isoSeconds(s) });
    assert.equal(decodeMasked(body, 0, body.length, TIMES)['creationTimestamp'], isoSeconds(s));
  }
});

const MANAGED = compileMask('meta.ObjectMeta', { managedFields: { manager: true, fieldsV1: true } });

test('FieldsV1 sets decode to their JSON whether seen before or not; equal bytes share one frozen value; malformed JSON is a ProtoError', () => {
  const sets = [
    { 'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {} } } } } } },
    { 'f:status': { 'f:replicas': {} } },
    { 'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"apq"}': { '.': {}, 'f:image': {} } } } } } }, // same length as the first, one byte apart
  ];
  const decoded = [];
  for (let round = 0; round < 3; round++)
    for (const set of sets) {
      const meta = { managedFields: [{ manager: 'kubectl', fieldsV1: set }, { manager: 'kubelet', fieldsV1: set }] };
      const body = encodeMessage('meta.ObjectMeta', meta);
      const got = decodeMasked(body, 0, body.length, MANAGED) as { managedFields: { fieldsV1: unknown }[] };
      assert.deepEqual(got, meta);
      assert.equal(got.managedFields[0]?.fieldsV1, got.managedFields[1]?.fieldsV1, 'the same bytes give the same value');
      assert.ok(Object.isFrozen(got.managedFields[0]?.fieldsV1));
      decoded.push(got.managedFields[0]?.fieldsV1);
    }
  assert.notEqual(decoded[0], decoded[2], 'different bytes of one length are not mistaken for each other');
  // A FieldsV1 whose raw bytes are not JSON: encode a valid set, then break one byte of its JSON text.
  const body = encodeMessage('meta.ObjectMeta', { managedFields: [{ manager: 'kubectl', fieldsV1: sets[1] }] });
  const at = body.indexOf(Buffer.from('{"f:status"'));
  assert.ok(at > 0);
  const broken = Buffer.from(body);
  broken[at] = 0x5b; // '[': unbalanced
  assert.throws(() => decodeMasked(broken, 0, broken.length, MANAGED), (e) => e instanceof Error && /not JSON/.test(e.message));
  // The good bytes still decode afterwards (a failure is never cached).
  assert.deepEqual(decodeMasked(body, 0, body.length, MANAGED), { managedFields: [{ manager: 'kubectl', fieldsV1: sets[1] }] });
});

test('readUncached and readString give the text TextDecoder gives, for any bytes (ASCII natively, the rest decoded)', () => {
  const td = new TextDecoder();
  const ascii = fc.uint8Array({ maxLength: 300 }).map((b) => b.map((x) => x & 0x7f));
  const any = fc.uint8Array({ maxLength: 300 });
  const bom = any.map((b) => Uint8Array.from([0xef, 0xbb, 0xbf, ...b]));
  fc.assert(
    fc.property(fc.oneof(ascii, any, bom), fc.nat({ max: 8 }), (bytes, pad) => {
      // At an offset inside a larger buffer, as fields sit inside a frame.
      const buf = new Uint8Array(pad + bytes.length + 3);
      buf.set(bytes, pad);
      const want = td.decode(bytes);
      assert.equal(readUncached(buf, pad, pad + bytes.length), want);
      assert.equal(readString(buf, pad, pad + bytes.length), want);
      assert.equal(readString(buf, pad, pad + bytes.length), want, 'again, from the cache');
    }),
    { numRuns: 5_000 },
  );
});
