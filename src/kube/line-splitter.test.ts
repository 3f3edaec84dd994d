import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineSplitter, MAX_LINE_BYTES } from './line-splitter.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function split(chunks: readonly Uint8Array[]): string[] {
  const s = new LineSplitter();
  return chunks.flatMap((c) => s.push(c));
}

const rows: readonly { name: string; chunks: readonly Uint8Array[]; lines: readonly string[] }[] = [
  { name: 'one chunk, two lines', chunks: [enc('{"a":1}\n{"b":2}\n')], lines: ['{"a":1}', '{"b":2}'] },
  { name: 'a line across three chunks', chunks: [enc('{"a"'), enc(':12'), enc('3}\n')], lines: ['{"a":123}'] },
  { name: 'an unfinished line is held back', chunks: [enc('{"a":1}\n{"b"')], lines: ['{"a":1}'] },
  { name: 'empty lines are kept (the caller skips them)', chunks: [enc('\n\n')], lines: ['', ''] },
  { name: 'a multi-byte character split between chunks', chunks: [enc('"é')].map((c) => c).concat([enc('😀"\n')]).flatMap((c) => [c.subarray(0, 2), c.subarray(2)]), lines: ['"é😀"'] },
  { name: 'invalid UTF-8 becomes U+FFFD', chunks: [new Uint8Array([0x22, 0xff, 0x22, 0x0a])], lines: ['"\ufffd"'] },
];
for (const row of rows) {
  test(`LineSplitter: ${row.name}`, () => assert.deepEqual(split(row.chunks), row.lines));
}

test('LineSplitter: a line over the limit is refused', () => {
  const s = new LineSplitter();
  assert.throws(() => s.push(new Uint8Array(MAX_LINE_BYTES + 1)), /longer than/);
});

test('LineSplitter: 20 000 events in 1-byte chunks stay linear (finishes quickly, every line intact)', () => {
  const line = `${JSON.stringify({ type: 'MODIFIED', object: { metadata: { name: 'x'.repeat(50) } } })}\n`;
  const bytes = enc(line.repeat(2000));
  const s = new LineSplitter();
  let n = 0;
  for (let i = 0; i < bytes.length; i += 7) n += s.push(bytes.subarray(i, i + 7)).length;
  assert.equal(n, 2000);
});
