// The fact sink's CrashLoop log tails (crash-log-tails.ts): written without blocking the fact that
// revealed the crash, read once per crash however many facts re-state it, retried by a later
// observation when a read failed, carried by every later write and through a restart. A real SQLite
// ledger; the log read is the injected boundary to the cluster (test/ops/crash-log-ledger.test.ts
// covers the real read over HTTP, its size limits and redaction).
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { realClock } from '../../lib/clock.ts';
import { silentLogger } from '../../lib/log.ts';
import type { Diagnosis } from '../../model/diagnosis.ts';
import type { Release } from '../../model/release.ts';
import { makeRelease, workloadRef } from '../../store/ledger-fixtures.ts';
import type { LedgerStore } from '../../store/ledger.ts';
import type { Fact } from '../../track/tracker.ts';
import { openLedger } from '../../store/open.ts';
import { CrashLogTails } from './crash-log-tails.ts';
import { FactSink } from './fact-sink.ts';

const TAIL = ['ts=1 level=info msg="connecting to database" url=postgres://app:<redacted>@db:5432/app', 'ts=2 level=fatal msg="cannot start without a database, exiting" code=1'];
const api = workloadRef('shop', 'api');

/** crashed is release 1 of shop/api failed with a CrashLoop of pod api-1 after `restarts` restarts, with `ready` ready replicas. */
const crashed = (restarts: number, ready = 0): Release =>
  makeRelease(api, 1, {
    outcome: 'failed',
    finishedAt: makeRelease(api, 1).startedAt + 60_000,
    replicas: { desired: 1, updated: 1, ready, available: ready },
    failure: { code: 'CrashLoop', reason: 'Error', message: `container api is crash-looping: restarted ${restarts} time${restarts === 1 ? '' : 's'}, last exit code 1 (Error)`, object: 'Pod shop/api-1', container: 'api', exitCode: 1 },
  });

/** updated is the tracker's fact that a release changed. */
const updated = (release: Release): Fact => ({ kind: 'releaseUpdated', release, changes: [] });

/** Reads is a log reader whose answers the test releases one at a time, counting the reads asked for. */
class Reads {
  readonly asked: Diagnosis[] = [];
  readonly #pending: ((tail: readonly string[] | null) => void)[] = [];
  readonly read = (d: Diagnosis): Promise<Diagnosis> => {
    this.asked.push(d);
    return new Promise((resolve) => this.#pending.push((tail) => resolve(tail === null ? d : { ...d, container: d.container ?? '', logTail: tail })));
  };
  /** answer resolves the oldest pending read with `tail` (null: the log could not be read). */
  answer(tail: readonly string[] | null): void {
    const next = this.#pending.shift();
    assert.ok(next, 'a read is pending');
    next(tail);
  }
}

async function setup(t: TestContext, o: { readonly now?: () => number; readonly maxInFlight?: number; readonly ledger?: LedgerStore } = {}): Promise<{ sink: FactSink; ledger: LedgerStore; reads: Reads; signal: AbortSignal }> {
  const ledger = o.ledger ?? (await openLedger('sqlite::memory:'));
  if (o.ledger === undefined) t.after(() => ledger.close());
  const reads = new Reads();
  const ac = new AbortController();
  t.after(() => ac.abort());
  const crashLogs = new CrashLogTails({ read: reads.read, ...(o.now ? { now: o.now } : {}), ...(o.maxInFlight ? { maxInFlight: o.maxInFlight } : {}) });
  return { sink: new FactSink({ ledger, clock: realClock, logger: silentLogger, crashLogs }), ledger, reads, signal: ac.signal };
}

/** storedTail polls the ledger until the release holds a log tail (the fill is written in the background). */
async function storedTail(ledger: LedgerStore, r: Release): Promise<readonly string[]> {
  for (let i = 0; i < 200; i++) {
    const tail = (await ledger.getRelease(r.id))?.failure?.logTail;
    if (tail !== undefined) return tail;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return assert.fail('the log tail never reached the ledger');
}

test('a CrashLoop failure is written at once; its log tail follows in a second write of the same release', async (t) => {
  const { sink, ledger, reads, signal } = await setup(t);
  await sink.apply(updated(crashed(1)), signal); // resolves while the read is still pending
  assert.equal(reads.asked.length, 1);
  const first = await ledger.getRelease(crashed(1).id);
  assert.equal(first?.failure?.code, 'CrashLoop');
  assert.equal(first?.failure?.logTail, undefined, 'written without waiting for the log');
  reads.answer(TAIL);
  assert.deepEqual(await storedTail(ledger, crashed(1)), TAIL);
  const stored = await ledger.getRelease(crashed(1).id);
  assert.equal(stored?.failure?.container, 'api');
  assert.equal(stored?.failure?.message, crashed(1).failure?.message, 'the rest of the diagnosis is unchanged');
});

test('one read per crash, however many facts re-state it; every later write carries the tail; a new restart is read again', async (t) => {
  const { sink, ledger, reads, signal } = await setup(t);
  for (let ready = 0; ready < 5; ready++) await sink.apply(updated(crashed(1, ready % 2)), signal);
  assert.equal(reads.asked.length, 1, 'five facts of one crash, one read');
  reads.answer(TAIL);
  await storedTail(ledger, crashed(1));
  await sink.apply(updated(crashed(1, 1)), signal); // the tracker re-states the failure without the tail
  assert.deepEqual((await ledger.getRelease(crashed(1).id))?.failure?.logTail, TAIL, 'the re-stated failure keeps its tail');
  assert.equal(reads.asked.length, 1);
  await sink.apply(updated(crashed(2)), signal);
  assert.equal(reads.asked.length, 2, 'the next restart is a new crash: read once more');
  assert.match(reads.asked[1]?.message ?? '', /restarted 2 times/);
});

test('a read that failed is retried by a later observation of the same crash, spaced and bounded', async (t) => {
  let now = 0;
  const { sink, ledger, reads, signal } = await setup(t, { now: () => now });
  await sink.apply(updated(crashed(1)), signal);
  reads.answer(null); // e.g. the read timed out
  await new Promise((resolve) => setTimeout(resolve, 10));
  now = 1_000;
  await sink.apply(updated(crashed(1, 1)), signal);
  assert.equal(reads.asked.length, 1, 'not again within the retry spacing');
  now = 11_000;
  await sink.apply(updated(crashed(1, 0)), signal);
  assert.equal(reads.asked.length, 2, 'a later observation retries');
  reads.answer(TAIL);
  assert.deepEqual(await storedTail(ledger, crashed(1)), TAIL);

  // A crash whose log can never be read costs at most three reads.
  await sink.apply(updated(crashed(3)), signal);
  for (let i = 0, answered = 2; i < 6; i++) {
    for (; answered < reads.asked.length; answered++) reads.answer(null);
    await new Promise((resolve) => setTimeout(resolve, 5));
    now += 20_000;
    await sink.apply(updated(crashed(3, i % 2)), signal);
  }
  assert.equal(reads.asked.length, 2 + 3, 'three attempts in all for the unreadable crash');
});

test('reads run at most maxInFlight at once; the others wait their turn', async (t) => {
  const { sink, ledger, reads, signal } = await setup(t, { maxInFlight: 1 });
  const web = (n: number): Release => ({ ...crashed(1), id: `r-shop-w${n}-001` as Release['id'], workload: workloadRef('shop', `w${n}`), failure: { ...crashed(1).failure!, object: `Pod shop/w${n}-1` } });
  for (const n of [1, 2, 3]) await sink.apply(updated(web(n)), signal);
  assert.equal(reads.asked.length, 1, 'one read at a time');
  reads.answer(TAIL);
  await storedTail(ledger, web(1));
  assert.equal(reads.asked.length, 2, 'the next crash is read once a slot frees');
  reads.answer(TAIL);
  await storedTail(ledger, web(2));
  reads.answer(TAIL);
  await storedTail(ledger, web(3));
  assert.equal(reads.asked.length, 3);
});

test('after a restart (a new sink over the same ledger) the stored tail is kept and not read again', async (t) => {
  const first = await setup(t);
  await first.sink.apply(updated(crashed(1)), first.signal);
  first.reads.answer(TAIL);
  await storedTail(first.ledger, crashed(1));
  const second = await setup(t, { ledger: first.ledger });
  await second.sink.apply(updated(crashed(1, 1)), second.signal);
  assert.deepEqual((await first.ledger.getRelease(crashed(1).id))?.failure?.logTail, TAIL);
  assert.equal(second.reads.asked.length, 0, 'the stored tail answers the re-stated crash');
});

test('a tail that arrives after the release moved on to another failure is not written to it', async (t) => {
  const { sink, ledger, reads, signal } = await setup(t);
  await sink.apply(updated(crashed(1)), signal);
  const deleted = { ...crashed(1), failure: { code: 'Deleted' as const, reason: 'Deleted', message: 'Deployment shop/api was deleted before its rollout finished', object: 'Deployment shop/api' } };
  await sink.apply(updated(deleted), signal);
  reads.answer(TAIL);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const stored = await ledger.getRelease(crashed(1).id);
  assert.equal(stored?.failure?.code, 'Deleted');
  assert.equal(stored?.failure?.logTail, undefined);
});
