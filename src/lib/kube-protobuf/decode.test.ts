import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileMask, decodeMasked } from './decode.ts';
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
