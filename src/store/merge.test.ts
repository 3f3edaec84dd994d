import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReleaseEvent } from '../model/release.ts';
import { makeRelease, workloadRef } from './ledger-fixtures.ts';
import { isFinalOutcome, mergeEvents, mergePhases, mergeRelease } from './merge.ts';

const ev = (reason: string, count: number, time: number): ReleaseEvent => ({ time, type: 'Normal', reason, message: 'm', object: 'Pod ns/p', count });

const eventRows = [
  { name: 'disjoint lists are unioned in time order', a: [ev('B', 1, 2)], b: [ev('A', 1, 1)], want: ['A1@1', 'B1@2'] },
  { name: 'an identical event is kept once', a: [ev('A', 1, 1)], b: [ev('A', 1, 1)], want: ['A1@1'] },
  { name: 'a repeat with a higher count replaces the first', a: [ev('A', 1, 1)], b: [ev('A', 4, 9)], want: ['A4@9'] },
  { name: 'a stale lower count does not win', a: [ev('A', 4, 9)], b: [ev('A', 2, 5)], want: ['A4@9'] },
  { name: 'same count, later time wins', a: [ev('A', 2, 5)], b: [ev('A', 2, 7)], want: ['A2@7'] },
] as const;
for (const row of eventRows)
  test(`mergeEvents: ${row.name}`, () => assert.deepEqual(mergeEvents(row.a, row.b).map((e) => `${e.reason}${e.count}@${e.time}`), row.want));

test('mergePhases keeps the earliest instant of each phase and every phase either side reached', () => {
  assert.deepEqual(mergePhases({ templateObserved: 5, firstPodReady: 9 }, { templateObserved: 3, allAvailable: 12 }), { templateObserved: 3, firstPodReady: 9, allAvailable: 12 });
});

const outcomeRows = [
  { outcome: 'progressing', final: false },
  { outcome: 'paused', final: false },
  { outcome: 'succeeded', final: true },
  { outcome: 'failed', final: true },
  { outcome: 'superseded', final: true },
  { outcome: 'rolled-back', final: true },
] as const;
for (const row of outcomeRows) test(`isFinalOutcome(${row.outcome}) → ${row.final}`, () => assert.equal(isFinalOutcome(row.outcome), row.final));

test('mergeRelease keeps identity and digests, takes the newer state', () => {
  const w = workloadRef('ns', 'w');
  const stored = makeRelease(w, 2, { images: [{ container: 'app', image: 'w:v2', digest: 'sha256:1' }] });
  const incoming = makeRelease(w, 9, { id: 'other' as never, startedAt: stored.startedAt + 5, outcome: 'succeeded', finishedAt: 100, images: [{ container: 'app', image: 'w:v2' }] });
  const merged = mergeRelease(stored, incoming);
  assert.equal(merged.id, stored.id);
  assert.equal(merged.releaseNumber, 2);
  assert.equal(merged.startedAt, stored.startedAt);
  assert.equal(merged.outcome, 'succeeded');
  assert.equal(merged.images[0]?.digest, 'sha256:1');
});
