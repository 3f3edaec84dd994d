import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { all, checkKind, parseTime, readInt, readStringMap, readTime } from './fields.ts';
import { err, ok } from '../lib/result.ts';

const times: readonly { s: string; want: number }[] = [
  { s: '2024-05-01T10:00:00Z', want: Date.parse('2024-05-01T10:00:00Z') },
  { s: '2024-05-01T10:00:00Z', want: Date.parse('2024-05-01T10:00:00Z') }, // from the memo
  { s: '1970-01-01T00:00:00Z', want: 0 },
  { s: 'nope', want: NaN },
  { s: '2024-05-01T10:00:00.123456Z', want: Date.parse('2024-05-01T10:00:00.123Z') },
];
for (const row of times) {
  test(`parseTime(${row.s}) → ${row.want}`, () => assert.equal(parseTime(row.s), row.want));
}

test('parseTime equals Date.parse on every 20-character time, well-formed or not', () => {
  const two = (n: number): string => String(n).padStart(2, '0');
  // Field values beyond their ranges (month 13, day 31 of February, 24:60:60) and non-digits included.
  const wellFormed = fc
    .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }), fc.integer({ min: 0, max: 61 }))
    .map(([y, mo, d, h, mi, s]) => `${String(y).padStart(4, '0')}-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}:${two(s)}Z`);
  const mangled = fc.tuple(wellFormed, fc.nat(19), fc.constantFrom('x', ' ', '-', ':', 'T', 'Z', '9', '+', '.')).map(([t, i, c]) => `${t.slice(0, i)}${c}${t.slice(i + 1)}`);
  fc.assert(
    fc.property(fc.oneof(wellFormed, mangled), (t) => {
      assert.equal(t.length, 20);
      assert.ok(Object.is(parseTime(t), Date.parse(t)), t);
    }),
    { numRuns: 20_000 },
  );
});

test('readTime reads RFC 3339 with fractions and offsets', () => {
  assert.deepEqual(readTime({ t: '2024-05-01T10:00:00.123456Z' }, 't', 'x'), ok(Date.parse('2024-05-01T10:00:00.123Z')));
  assert.deepEqual(readTime({ t: '2024-05-01T12:00:00+02:00' }, 't', 'x'), ok(Date.parse('2024-05-01T10:00:00Z')));
  assert.deepEqual(readTime({ t: null }, 't', 'x'), ok(null));
  assert.deepEqual(readTime({ t: 5 }, 't', 'status'), err('status.t is number, expected RFC 3339 timestamp'));
});

test('readInt refuses unsafe integers and non-finite numbers', () => {
  assert.equal(readInt({ n: 2 ** 53 }, 'n', 'spec').ok, false);
  assert.equal(readInt({ n: Infinity }, 'n', 'spec').ok, false);
  assert.deepEqual(readInt({}, 'n', 'spec', 1), ok(1));
});

test('readStringMap keeps a "__proto__" key as data', () => {
  const r = readStringMap(JSON.parse('{"m":{"__proto__":"x"}}') as Record<string, unknown>, 'm', 'metadata');
  assert.ok(r.ok);
  assert.equal(Object.getPrototypeOf(r.value), Object.prototype);
  assert.equal(Object.getOwnPropertyDescriptor(r.value, '__proto__')?.value, 'x');
});

test('all returns the first error or every value', () => {
  assert.deepEqual(all({ a: ok(1), b: ok('x') }), ok({ a: 1, b: 'x' }));
  assert.deepEqual(all({ a: ok(1), b: err('b bad'), c: err('c bad') }), err('b bad'));
});

test('checkKind accepts a missing kind (list items) and names a wrong one', () => {
  assert.deepEqual(checkKind({}, 'Pod'), ok(true));
  assert.deepEqual(checkKind({ kind: 'Node' }, 'Pod'), err('kind is "Node", expected Pod'));
  assert.deepEqual(checkKind({ kind: { x: 1 } }, 'Pod'), err('kind is object, expected Pod'));
  const deep = JSON.parse(`${'['.repeat(20_000)}${']'.repeat(20_000)}`) as unknown;
  assert.deepEqual(checkKind({ kind: deep }, 'Pod'), err('kind is array, expected Pod')); // no JSON.stringify of a 20 000-deep value
});
