import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { canonicalJson, fingerprint, fingerprintWithout, hash64 } from './fingerprint.ts';

const canonicalRows: readonly { name: string; value: unknown; json: string }[] = [
  { name: 'keys sorted', value: { b: 1, a: [true, null] }, json: '{"a":[true,null],"b":1}' },
  { name: 'nested keys sorted', value: { z: { y: 1, x: 2 } }, json: '{"z":{"x":2,"y":1}}' },
  { name: 'undefined fields dropped', value: { a: undefined, b: 'x' }, json: '{"b":"x"}' },
  { name: 'non-finite numbers become null', value: [NaN, Infinity], json: '[null,null]' },
  { name: 'strings escaped as JSON', value: 'a"b\n', json: '"a\\"b\\n"' },
  { name: 'a __proto__ key is data', value: JSON.parse('{"__proto__":{"x":1}}'), json: '{"__proto__":{"x":1}}' },
];
for (const row of canonicalRows) {
  test(`canonicalJson: ${row.name}`, () => assert.equal(canonicalJson(row.value), row.json));
}

test('hash64: 16 hex digits, deterministic, seed-sensitive', () => {
  assert.match(hash64('hello'), /^[0-9a-f]{16}$/);
  assert.equal(hash64('hello'), hash64('hello'));
  assert.notEqual(hash64('hello'), hash64('hello', 1));
});

test('hash64: no collisions over 50 000 similar strings', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 50_000; i++) seen.add(hash64(`{"image":"registry/web:${i}"}`));
  assert.equal(seen.size, 50_000);
});

test('hash64: one changed character flips about half of the bits', () => {
  const a = BigInt(`0x${hash64('registry.example.com/shop/web:1.4.2')}`);
  const b = BigInt(`0x${hash64('registry.example.com/shop/web:1.4.3')}`);
  const bits = (a ^ b).toString(2).replace(/0/g, '').length;
  assert.ok(bits > 16 && bits < 48, `${bits} bits differ`);
});

test('hash64: lone surrogates and astral characters hash without throwing', () => {
  assert.notEqual(hash64('\ud800'), hash64('\udc00'));
  assert.match(hash64('😀'), /^[0-9a-f]{16}$/);
});

test('fingerprint ignores key order', () => {
  assert.equal(fingerprint({ a: 1, b: { c: 2, d: 3 } }), fingerprint({ b: { d: 3, c: 2 }, a: 1 }));
  assert.notEqual(fingerprint({ a: 1 }), fingerprint({ a: 2 }));
});

test('fingerprint hashes the canonical text it never builds: it equals hash64(canonicalJson(v)) for any value', () => {
  const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('', '"', '\\', '\u0000', '\u2028', '\ud800', 'a\udc00b', '😀'));
  const value = fc.letrec((tie) => ({
    any: fc.oneof({ depthSize: 'small' }, text, fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.array(tie('any')), fc.dictionary(text, tie('any'))),
  })).any;
  fc.assert(
    fc.property(value, (v) => {
      assert.equal(fingerprint(v), hash64(canonicalJson(v)));
    }),
    { numRuns: 2000 },
  );
});

test('fingerprintWithout equals the fingerprint of the object with those keys left out, for any object', () => {
  const text = fc.oneof(fc.string(), fc.constantFrom('template', 'replicas', 'paused', '__proto__', ''));
  const value = fc.letrec((tie) => ({
    any: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.array(tie('any')), fc.dictionary(text, tie('any'))),
  })).any;
  fc.assert(
    fc.property(fc.dictionary(text, value), fc.array(text, { maxLength: 4 }), (obj, left) => {
      const skip = new Set(left);
      assert.equal(fingerprintWithout(obj, skip), fingerprint(Object.fromEntries(Object.entries(obj).filter(([k]) => !skip.has(k)))));
    }),
    { numRuns: 2000 },
  );
  assert.equal(fingerprintWithout({ a: 1, b: 2 }, new Set(['b'])), fingerprint({ a: 1 }));
});
