import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareResourceVersion, isNewerResourceVersion } from './resource-version.ts';

const long = '9'.repeat(1000);
const rows: readonly { a: string; b: string; want: -1 | 0 | 1 | 'NotComparable' }[] = [
  { a: '1', b: '2', want: -1 },
  { a: '9', b: '10', want: -1 }, // length first: string order alone would say 1
  { a: '10', b: '9', want: 1 },
  { a: '123', b: '123', want: 0 },
  { a: '18446744073709551616', b: '18446744073709551615', want: 1 }, // beyond 2^64, where parseInt would be wrong
  { a: '9007199254740993', b: '9007199254740992', want: 1 }, // 2^53 + 1 vs 2^53: equal as JS numbers
  { a: long, b: `1${'0'.repeat(1000)}`, want: -1 },
  { a: long, b: long, want: 0 },
  { a: '0', b: '1', want: 'NotComparable' }, // "0" means "any version", not a point in history
  { a: '007', b: '8', want: 'NotComparable' },
  { a: '', b: '1', want: 'NotComparable' },
  { a: '-1', b: '1', want: 'NotComparable' },
  { a: '1.5', b: '1', want: 'NotComparable' },
  { a: ' 12', b: '12', want: 'NotComparable' },
  { a: '12a', b: '12', want: 'NotComparable' },
  { a: 'MTIzNDU=', b: 'MTIzNDY=', want: 'NotComparable' }, // opaque (aggregated API)
  { a: '١٢', b: '12', want: 'NotComparable' }, // Arabic-Indic digits are not decimal ASCII
];
for (const row of rows) {
  test(`compareResourceVersion(${JSON.stringify(row.a.slice(0, 24))}, ${JSON.stringify(row.b.slice(0, 24))}) → ${row.want}`, () => {
    assert.equal(compareResourceVersion(row.a, row.b), row.want);
  });
}

const newer: readonly { candidate: string; current: string; want: boolean }[] = [
  { candidate: '11', current: '10', want: true },
  { candidate: '10', current: '11', want: false },
  { candidate: '10', current: '10', want: false },
  { candidate: '5', current: '', want: true }, // nothing seen yet
  { candidate: 'abc', current: 'abd', want: true }, // not comparable: different means newer
  { candidate: 'abc', current: 'abc', want: false },
];
for (const row of newer) {
  test(`isNewerResourceVersion(${row.candidate}, ${JSON.stringify(row.current)}) → ${row.want}`, () => {
    assert.equal(isNewerResourceVersion(row.candidate, row.current), row.want);
  });
}
