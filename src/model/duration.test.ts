import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAge, formatDuration } from './duration.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

const durations = [
  { name: 'negative', ms: -5, want: '0s' },
  { name: 'zero', ms: 0, want: '0s' },
  { name: 'sub-second', ms: 850, want: '850ms' },
  { name: 'seconds', ms: 42 * S + 300, want: '42s' },
  { name: 'minutes and seconds', ms: 92 * S, want: '1m32s' },
  { name: 'whole minutes', ms: 2 * M, want: '2m' },
  { name: 'hours and minutes (seconds dropped)', ms: H + 2 * M + 5 * S, want: '1h2m' },
  { name: 'days and hours', ms: D + H + 61 * S, want: '1d1h' },
] as const;
for (const row of durations) test(`formatDuration: ${row.name} → ${row.want}`, () => assert.equal(formatDuration(row.ms), row.want));

// Expected values follow k8s.io/apimachinery/pkg/util/duration.HumanDuration and its test table.
const ages = [
  { ms: -2 * S, want: '<invalid>' },
  { ms: -999, want: '0s' },
  { ms: 0, want: '0s' },
  { ms: 119 * S, want: '119s' },
  { ms: 2 * M, want: '2m' },
  { ms: 5 * M + 3 * S, want: '5m3s' },
  { ms: 10 * M, want: '10m' },
  { ms: 179 * M, want: '179m' },
  { ms: 3 * H + 20 * M, want: '3h20m' },
  { ms: 8 * H, want: '8h' },
  { ms: 47 * H + 59 * M, want: '47h' },
  { ms: 48 * H, want: '2d' },
  { ms: 3 * D + 4 * H, want: '3d4h' },
  { ms: 8 * D, want: '8d' },
  { ms: 2 * 365 * D, want: '2y' },
  { ms: (2 * 365 + 10) * D, want: '2y10d' },
  { ms: 9 * 365 * D, want: '9y' },
] as const;
for (const row of ages) test(`formatAge(${row.ms}) → ${row.want}`, () => assert.equal(formatAge(row.ms), row.want));
