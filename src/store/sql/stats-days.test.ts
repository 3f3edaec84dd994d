// The per-day stats tables (stats-days.ts) against the releases they summarise: random ledgers —
// several releases per workload, outcomes changing after the fact (progressing → succeeded, failed →
// rolled-back, even succeeded → failed), re-upserts, start times moving earlier, old releases written
// after newer ones, restarts — must give the report computeStats gives over the rows, for aligned and
// unaligned windows, windows opening inside a run of failures, and cluster/namespace scopes; and the
// migration's backfill must rebuild the same tables from the releases alone. On SQLite and a real
// PostgreSQL.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startPostgres } from '../../../test/support/postgres.ts';
import type { Outcome, Release, ReleaseId } from '../../model/release.ts';
import { makeRelease, workloadRef } from '../ledger-fixtures.ts';
import { openPostgresLedger } from '../postgres/store.ts';
import { openSqliteLedger } from '../sqlite/store.ts';
import { computeStats, type StatsQuery } from '../stats.ts';
import type { SqlLedgerStore } from './ledger-store.ts';
import { statsQuery } from './ledger-store.ts';
import { decodeStatsRow } from './rows.ts';
import { DAY_MS, eachHistogramEntry, statsBackfillSql } from './stats-days.ts';

const T = Date.UTC(2026, 2, 1);
const HOUR = 3_600_000;

/** rng is a seeded generator (mulberry32), so a failing seed can be replayed. */
function rng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const FINAL: readonly Outcome[] = ['succeeded', 'succeeded', 'succeeded', 'failed', 'failed', 'rolled-back', 'superseded'];

/** writes builds the upserts of one random ledger, in a shuffled order that keeps each release's own writes in order. */
function writes(seed: number): Release[] {
  const r = rng(seed);
  const perRelease: Release[][] = [];
  for (let w = 0; w < 14; w++) {
    const ref = workloadRef(`ns${w % 3}`, `w${w}`, { cluster: `c${w % 2}`, uid: `u${w}` });
    let t = T + r(48) * HOUR;
    for (let n = 1; n <= 2 + r(9); n++) {
      t += 20 * 60_000 + r(30) * HOUR; // ≥ 20 min apart, so no two releases of a workload start together
      const base = makeRelease(ref, n, { id: `r${w}-${n}` as ReleaseId, startedAt: t });
      const steps: Release[] = [base];
      let outcome = FINAL[r(FINAL.length)] ?? 'succeeded';
      const finish = (o: Outcome): Release => ({ ...base, outcome: o, finishedAt: o === 'superseded' && r(2) === 0 ? null : t + 60_000 + r(3_600) * 1_000 });
      if (r(5) > 0) steps.push(finish(outcome));
      if (r(4) === 0) steps.push({ ...base, startedAt: t - r(10) * 60_000 }); // an earlier sighting; a progressing write never reopens a final one
      if (r(4) === 0) {
        outcome = r(2) === 0 ? 'rolled-back' : outcome === 'succeeded' ? 'failed' : 'succeeded';
        steps.push(finish(outcome));
      }
      if (r(3) === 0) steps.push(steps[steps.length - 1] ?? base); // the same write again
      perRelease.push(steps);
    }
  }
  const out: Release[] = [];
  while (perRelease.some((s) => s.length > 0)) {
    const live = perRelease.filter((s) => s.length > 0);
    const pick = live[r(live.length)];
    const next = pick?.shift();
    if (next) out.push(next);
  }
  return out;
}

function windows(seed: number): StatsQuery[] {
  const r = rng(seed ^ 0x9e3779b9);
  const out: StatsQuery[] = [
    { since: T, until: T + 40 * DAY_MS },
    { since: T + 2 * DAY_MS, until: T + 9 * DAY_MS },
    { since: T + 3 * DAY_MS + 7 * HOUR, until: T + 3 * DAY_MS + 9 * HOUR },
    { since: T + DAY_MS, until: T + 6 * DAY_MS, namespaces: ['ns1', 'ns2'] },
    { since: T + DAY_MS, until: T + 12 * DAY_MS, cluster: 'c1' },
  ];
  for (let i = 0; i < 12; i++) {
    const since = T + r(10 * 24) * HOUR + r(3_600_000);
    out.push({ since, until: since + r(12 * 24) * HOUR + r(3_600_000) + 1 });
  }
  return out;
}

async function rowReport(store: SqlLedgerStore, q: StatsQuery): Promise<ReturnType<typeof computeStats>> {
  const { sql, params } = statsQuery(q, store.driver.dialect);
  return computeStats((await store.driver.query(sql, params)).rows.map((row) => decodeStatsRow(row, store.driver.decoders)), q);
}

/** tables reads both stats tables in a canonical form (JSON histograms parsed, rows sorted). */
async function tables(store: SqlLedgerStore): Promise<unknown> {
  const q = async (sql: string): Promise<unknown[]> => (await store.driver.query(sql)).rows.map((row) => {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) o[k] = k === 'durations' || k === 'restore_times' ? JSON.parse(String(v)) : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
    return o;
  });
  return {
    days: await q('SELECT day, cluster, namespace, releases, failures, ended, durations, restore_times FROM release_stats_days ORDER BY day, cluster, namespace'),
    incidents: await q('SELECT cluster, workload_uid, namespace, head_id, opened_at, last_failed_at, restored_at FROM release_incidents ORDER BY cluster, workload_uid, opened_at'),
  };
}

interface Opened {
  readonly store: SqlLedgerStore;
  reopen(): Promise<SqlLedgerStore>;
}

function checks(name: string, open: () => Promise<Opened>, dialect: 'sqlite' | 'postgres'): void {
  for (const seed of [1, 2, 3, 4]) {
    void it(`${name}: per-day stats equal the report over the rows (seed ${seed})`, async () => {
      const opened = await open();
      let store = opened.store;
      try {
        const all = writes(seed);
        for (const [i, w] of all.entries()) {
          await store.upsertRelease(w);
          if (i === Math.floor(all.length / 2)) {
            await store.close(); // a restart halfway
            store = await opened.reopen();
          }
        }
        for (const q of windows(seed)) {
          const want = await rowReport(store, q);
          assert.deepEqual(await store.stats(q), want, `window ${new Date(q.since).toISOString()} → ${new Date(q.until).toISOString()} ${JSON.stringify({ cluster: q.cluster, namespaces: q.namespaces })}`);
        }
        const anything = await store.stats({ since: T, until: T + 60 * DAY_MS });
        assert.ok(anything.total.restores > 0 && anything.total.failures > 0, 'the random ledger has failures and restores to compare');

        // The migration's backfill rebuilds the same tables from the releases alone.
        const maintained = await tables(store);
        await store.driver.query('DELETE FROM release_incidents');
        await store.driver.query('DELETE FROM release_stats_days');
        const backfill = statsBackfillSql(dialect);
        assert.equal(backfill.length, 2, 'incidents, then days');
        for (const sql of backfill) await store.driver.query(sql);
        assert.deepEqual(await tables(store), maintained);
        // ... and reports read from the backfilled text (PostgreSQL's json_object_agg spaces it) are the same.
        for (const q of windows(seed)) assert.deepEqual(await store.stats(q), await rowReport(store, q), `after the backfill: ${JSON.stringify(q)}`);
      } finally {
        await store.close();
      }
    });
  }
}

describe('eachHistogramEntry', () => {
  const entries = (text: unknown): [number, number][] => {
    const out: [number, number][] = [];
    eachHistogramEntry(text, (v, n) => out.push([v, n]));
    return out;
  };
  void it('reads the stored text as written, with spaces, negatives, empty or missing', () => {
    assert.deepEqual(entries('{"20000":1,"263999":12}'), [[20000, 1], [263999, 12]]);
    assert.deepEqual(entries('{ "5" : 2, "1700000000000" : 1 }'), [[5, 2], [1_700_000_000_000, 1]]);
    assert.deepEqual(entries('{"-1500":3}'), [[-1500, 3]]);
    assert.deepEqual(entries('{}'), []);
    assert.deepEqual(entries(''), []);
    assert.deepEqual(entries(null), []);
  });
  void it('falls back to JSON.parse for anything but integers, and fails on text that is not JSON', () => {
    assert.deepEqual(entries('{"1.5":2,"7":1}'), [[7, 1], [1.5, 2]]); // JSON.parse's key order: integer keys first
    assert.deepEqual(entries('{"1e3":2}'), [[1000, 2]]);
    assert.throws(() => entries('{"5":}'));
  });
});

describe('stats per day (SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollscope-stats-days-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  checks('sqlite', async () => {
    const path = join(dir, `l${++n}.db`);
    return { store: openSqliteLedger({ path, stats: 'inline' }), reopen: async () => openSqliteLedger({ path, stats: 'inline' }) };
  }, 'sqlite');
});

const server = await startPostgres();
describe('stats per day (PostgreSQL)', () => {
  if ('skip' in server) {
    void it.skip(`needs a PostgreSQL server: ${server.skip}`, () => {});
    return;
  }
  after(() => server.stop());
  let n = 0;
  checks('postgres', async () => {
    const schema = `days_${++n}`;
    return { store: await openPostgresLedger({ url: server.url, schema, stats: 'inline' }), reopen: () => openPostgresLedger({ url: server.url, schema, stats: 'inline' }) };
  }, 'postgres');
});
