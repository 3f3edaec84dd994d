import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goParseInt, goQuote } from './go-format.ts';

const quotes = [
  ['foo', '"foo"'], ['a"b', '"a\\"b"'], ['back\\slash', '"back\\\\slash"'], ['tab\there', '"tab\\there"'], ['nl\n', '"nl\\n"'],
  ['\x01', '"\\x01"'], ['\x7f', '"\\x7f"'], ['héllo 世界', '"héllo 世界"'], ['', '""'],
] as const;
for (const [input, want] of quotes) test(`goQuote(${JSON.stringify(input)}) → ${want}`, () => assert.equal(goQuote(input), want));

const ints = [
  ['3', { value: 3 }], ['+3', { value: 3 }], ['-7', { value: -7 }],
  ['', { error: 'strconv.ParseInt: parsing "": invalid syntax' }], ['1.5', { error: 'strconv.ParseInt: parsing "1.5": invalid syntax' }],
  ['99999999999999999999', { error: 'strconv.ParseInt: parsing "99999999999999999999": value out of range' }],
] as const;
for (const [input, want] of ints) test(`goParseInt(${JSON.stringify(input)})`, () => assert.deepEqual(goParseInt(input), want));
