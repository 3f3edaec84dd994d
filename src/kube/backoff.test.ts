import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_BACKOFF, INITIAL_BACKOFF, nextBackoff, parseRetryAfter, type BackoffState } from './backoff.ts';

const t0 = Date.parse('2026-01-01T00:00:00Z');
const after = (failures: number, lastFailureAt: number | null = t0): BackoffState => ({ failures, lastFailureAt });

const rows: readonly { name: string; state: BackoffState; now: number; random: number; retryAfterMs?: number; delayMs: number; failures: number }[] = [
  { name: 'first failure, no jitter', state: INITIAL_BACKOFF, now: t0, random: 0, delayMs: 800, failures: 1 },
  { name: 'first failure, full jitter', state: INITIAL_BACKOFF, now: t0, random: 0.999, delayMs: 1599, failures: 1 },
  { name: 'second failure doubles', state: after(1), now: t0 + 1000, random: 0, delayMs: 1600, failures: 2 },
  { name: 'sixth failure', state: after(5), now: t0 + 1000, random: 0, delayMs: 25_600, failures: 6 },
  { name: 'seventh failure is capped at 30 s', state: after(6), now: t0 + 1000, random: 0, delayMs: 30_000, failures: 7 },
  { name: 'cap then jitter: up to 60 s', state: after(20), now: t0 + 1000, random: 0.5, delayMs: 45_000, failures: 21 },
  { name: 'Retry-After longer than the backoff wins', state: INITIAL_BACKOFF, now: t0, random: 0, retryAfterMs: 5000, delayMs: 5000, failures: 1 },
  { name: 'Retry-After shorter than the backoff is exceeded', state: after(6), now: t0 + 1000, random: 0, retryAfterMs: 1000, delayMs: 30_000, failures: 7 },
  { name: 'quiet for more than 2 minutes starts over', state: after(6), now: t0 + 120_001, random: 0, delayMs: 800, failures: 1 },
  { name: 'quiet for exactly 2 minutes does not', state: after(2), now: t0 + 120_000, random: 0, delayMs: 3200, failures: 3 },
  { name: 'a random outside [0,1) is clamped', state: INITIAL_BACKOFF, now: t0, random: 7, delayMs: 1600, failures: 1 },
];
for (const row of rows) {
  test(`nextBackoff: ${row.name}`, () => {
    const r = nextBackoff(row.state, { now: row.now, random: row.random, ...(row.retryAfterMs === undefined ? {} : { retryAfterMs: row.retryAfterMs }) }, DEFAULT_BACKOFF);
    assert.equal(r.delayMs, row.delayMs);
    assert.equal(r.state.failures, row.failures);
    assert.equal(r.state.lastFailureAt, row.now);
  });
}

const retryRows: readonly { header: string | null; want: number | undefined }[] = [
  { header: '1', want: 1000 },
  { header: ' 30 ', want: 30_000 },
  { header: null, want: undefined },
  { header: '', want: undefined },
  { header: 'soon', want: undefined },
  { header: 'Thu, 01 Jan 2026 00:00:10 GMT', want: 10_000 },
  { header: 'Wed, 31 Dec 2025 23:00:00 GMT', want: 0 }, // a date in the past: retry now
];
for (const row of retryRows) {
  test(`parseRetryAfter(${JSON.stringify(row.header)}) → ${row.want}`, () => assert.equal(parseRetryAfter(row.header, t0), row.want));
}
