import type { Instant } from '../../lib/clock.ts';
import type { Release } from '../../model/release.ts';
import {
  addTally, countValue, emptyTally, figuresOf, isFailedOutcome, Occurrences, restoredIncidents, tallyRelease,
  type RestoredIncident, type StatsCounts, type StatsGroup, type StatsQuery, type StatsReport, type StatsTally,
} from '../stats.ts';
import type { Sql, SqlDialect, SqlQuerier } from './driver.ts';
import { loadMigrations } from './migrations.ts';
import { releaseWhere } from './release-query.ts';
import type { RowDecoders, SqlValue } from './release-row.ts';
import type { Row } from './rows.ts';

/**
 * Delivery stats kept incrementally, so a report over a window reads one row per cluster, namespace
 * and day instead of every release (migration 0008 creates and backfills the tables):
 * - `release_stats_days`: per UTC day of `started_at`, cluster and namespace, the StatsTally of the
 *   releases started that day (counts and exact duration histograms as JSON `{"ms": count}`) plus
 *   the restore times of the incidents opened that day;
 * - `release_incidents`: every restored incident (stats.ts restoredIncidents) of every workload.
 * updateStatsDays keeps both in step with `releases` inside the upsert's transaction: it subtracts
 * the stored release's contribution and adds the new one (an outcome moving from progressing to
 * succeeded is counted once), and re-derives the incidents of the stretch of the workload's history
 * the change can affect. statsFromDays answers a query from whole days in the tables, the partial
 * days at the window's edges from the releases themselves, and an incident open across the window's
 * start by the rule of stats.ts (it opens at the first failure inside the window).
 */

/** DAY_MS is one UTC day; `day` columns hold floor(started_at / DAY_MS). */
export const DAY_MS = 86_400_000;

const dayOf = (t: Instant): number => Math.floor(t / DAY_MS);

interface DayKey {
  readonly day: number;
  readonly cluster: string;
  readonly namespace: string;
}

const keyText = (k: DayKey): string => `${k.cluster}\u0000${k.namespace}\u0000${String(k.day).padStart(8, '0')}`;

/** Deltas collects signed tallies per day key before they are written, one row each. */
class Deltas {
  readonly byKey = new Map<string, { key: DayKey; tally: StatsTally }>();

  at(key: DayKey): StatsTally {
    const k = keyText(key);
    let e = this.byKey.get(k);
    if (!e) {
      e = { key, tally: emptyTally() };
      this.byKey.set(k, e);
    }
    return e.tally;
  }
}

const isZero = (t: StatsTally): boolean => t.releases === 0 && t.failures === 0 && t.ended === 0 && t.durations.size === 0 && t.restores.size === 0;

/** decisive says whether a release takes part in incidents: a failure, or a success with a finish time. */
function decisive(r: Pick<Release, 'outcome' | 'finishedAt'>): 'failed' | 'succeeded' | null {
  if (isFailedOutcome(r.outcome)) return 'failed';
  return r.outcome === 'succeeded' && r.finishedAt !== null ? 'succeeded' : null;
}

function histogramText(h: ReadonlyMap<number, number>): string {
  const o: Record<string, number> = {};
  for (const [v, n] of [...h].sort((a, b) => a[0] - b[0])) o[String(v)] = n;
  return JSON.stringify(o);
}

/**
 * eachHistogramEntry calls `visit(value, count)` for each entry of a stored histogram: JSON text
 * `{"<ms>": <count>, ...}` with integer keys and counts, as histogramText writes it and the
 * backfills' json_group_object (SQLite) and json_object_agg (PostgreSQL, with spaces) build it.
 * Hand-scanned because JSON.parse turns integer keys into an object's elements, which then cost a
 * for-in and a Number() each: about 10× the scan (31 ms against 3 ms for the 3,600 rows of a
 * 30-day report at a million releases). Anything but integers (a fraction, an exponent) falls
 * back to JSON.parse.
 */
export function eachHistogramEntry(text: unknown, visit: (value: number, count: number) => void): void {
  if (typeof text !== 'string' || text === '') return;
  const numbers: number[] = [];
  const n = text.length;
  for (let i = 0; i < n;) {
    let c = text.charCodeAt(i);
    const negative = c === 45; // '-'
    if (negative) c = text.charCodeAt(++i);
    if (c < 48 || c > 57) {
      if (negative) return parsedEntries(text, visit);
      i++;
      continue;
    }
    let v = 0;
    while (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      c = text.charCodeAt(++i);
    }
    if (c === 46 || c === 101 || c === 69) return parsedEntries(text, visit); // '.', 'e', 'E'
    numbers.push(negative ? -v : v);
  }
  if (numbers.length % 2 !== 0) return parsedEntries(text, visit);
  for (let k = 0; k < numbers.length; k += 2) visit(numbers[k] ?? 0, numbers[k + 1] ?? 0);
}

function parsedEntries(text: string, visit: (value: number, count: number) => void): void {
  const o = JSON.parse(text) as Record<string, number>;
  for (const k in o) visit(Number(k), o[k] ?? 0);
}

function readHistogram(into: Map<number, number>, text: unknown): void {
  eachHistogramEntry(text, (v, n) => into.set(v, (into.get(v) ?? 0) + n)); // stored counts are positive: nothing to drop
}

interface Position {
  readonly startedAt: Instant;
  readonly id: string;
}

/**
 * updateStatsDays brings the stats tables in step after `after` was written over `before` (null:
 * a new release), inside the same transaction (`tx`), which already serialises writers of this
 * workload. Writers of other workloads may share a day row: each row is locked (PostgreSQL advisory
 * lock, in key order) before it is read and rewritten.
 */
export async function updateStatsDays(tx: SqlQuerier, dialect: SqlDialect, d: RowDecoders, before: Release | null, after: Release): Promise<void> {
  const deltas = new Deltas();
  const w = after.workload;
  const sameRelease = before !== null && before.startedAt === after.startedAt && before.finishedAt === after.finishedAt && before.outcome === after.outcome
    && before.workload.cluster === w.cluster && before.workload.namespace === w.namespace;
  if (!sameRelease) {
    if (before) tallyRelease(deltas.at({ day: dayOf(before.startedAt), cluster: before.workload.cluster, namespace: before.workload.namespace }), before, -1);
    tallyRelease(deltas.at({ day: dayOf(after.startedAt), cluster: w.cluster, namespace: w.namespace }), after);
  }
  const was = before === null ? null : decisive(before);
  const now = decisive(after);
  const incidentsUnchanged = (was === null && now === null)
    || (before !== null && was === now && before.startedAt === after.startedAt && (now !== 'succeeded' || before.finishedAt === after.finishedAt) && before.workload.namespace === w.namespace);
  if (!incidentsUnchanged) await reconcileIncidents(tx, dialect, d, deltas, before, after);
  await writeDeltas(tx, dialect, d, deltas);
}

/**
 * reconcileIncidents re-derives the restored incidents between the last decisive success before the
 * change (`lo`) and the first after it (`hi`): a success closes every incident before it, so
 * incidents outside (lo, hi) cannot change. Stored incidents that differ are removed and their
 * restore times subtracted; new ones are inserted and added.
 */
async function reconcileIncidents(tx: SqlQuerier, dialect: SqlDialect, d: RowDecoders, deltas: Deltas, before: Release | null, after: Release): Promise<void> {
  const w = after.workload;
  const ph = (n: number): string => dialect.placeholder(n);
  const first: Position = { startedAt: Math.min(before?.startedAt ?? after.startedAt, after.startedAt), id: after.id };
  const last: Position = { startedAt: Math.max(before?.startedAt ?? after.startedAt, after.startedAt), id: after.id };
  const success = `cluster = ${ph(1)} AND workload_uid = ${ph(2)} AND outcome = 'succeeded' AND finished_at IS NOT NULL`;
  const pos = (r: Row | undefined): Position | null => (r === undefined ? null : { startedAt: d.int(r.started_at), id: String(r.id) });
  const lo = pos((await tx.query(`SELECT id, started_at FROM releases WHERE ${success} AND started_at <= ${ph(3)} AND (started_at < ${ph(4)} OR id < ${ph(5)})
      ORDER BY started_at DESC, id DESC LIMIT 1`, [w.cluster, w.uid, first.startedAt, first.startedAt, first.id])).rows[0]);
  const hi = pos((await tx.query(`SELECT id, started_at FROM releases WHERE ${success} AND started_at >= ${ph(3)} AND (started_at > ${ph(4)} OR id > ${ph(5)})
      ORDER BY started_at, id LIMIT 1`, [w.cluster, w.uid, last.startedAt, last.startedAt, last.id])).rows[0]);
  const within = (t: string, id: string, params: SqlValue[]): string => {
    const p = (v: SqlValue): string => ph(params.push(v));
    const lower = lo === null ? '' : ` AND ${t} >= ${p(lo.startedAt)} AND (${t} > ${p(lo.startedAt)} OR ${id} > ${p(lo.id)})`;
    const upper = hi === null ? '' : ` AND ${t} <= ${p(hi.startedAt)} AND (${t} < ${p(hi.startedAt)} OR ${id} <= ${p(hi.id)})`;
    return lower + upper;
  };
  const rp: SqlValue[] = [w.cluster, w.uid];
  const rows = (await tx.query(`SELECT id, started_at, finished_at, outcome FROM releases WHERE cluster = ${ph(1)} AND workload_uid = ${ph(2)}${within('started_at', 'id', rp)} ORDER BY started_at, id`, rp)).rows;
  const fresh = restoredIncidents(rows.map((r) => ({ id: String(r.id), startedAt: d.int(r.started_at), finishedAt: r.finished_at === null || r.finished_at === undefined ? null : d.int(r.finished_at), outcome: String(r.outcome) as Release['outcome'] })));
  const ip: SqlValue[] = [w.cluster, w.uid];
  const stored = (await tx.query(`SELECT head_id, namespace, opened_at, last_failed_at, restored_at FROM release_incidents WHERE cluster = ${ph(1)} AND workload_uid = ${ph(2)}${within('opened_at', 'head_id', ip)}`, ip)).rows
    .map((r) => ({ namespace: String(r.namespace), headId: String(r.head_id), openedAt: d.int(r.opened_at), lastFailedAt: d.int(r.last_failed_at), restoredAt: d.int(r.restored_at) }));
  const sig = (i: RestoredIncident & { namespace: string }): string => JSON.stringify([i.namespace, i.headId, i.openedAt, i.lastFailedAt, i.restoredAt]);
  const freshFull = fresh.map((i) => ({ ...i, namespace: w.namespace }));
  const keep = new Set(freshFull.map(sig));
  const had = new Set(stored.map(sig));
  for (const i of stored) {
    if (keep.has(sig(i))) continue;
    await tx.query(`DELETE FROM release_incidents WHERE cluster = ${ph(1)} AND workload_uid = ${ph(2)} AND opened_at = ${ph(3)} AND head_id = ${ph(4)}`, [w.cluster, w.uid, i.openedAt, i.headId]);
    countValue(deltas.at({ day: dayOf(i.openedAt), cluster: w.cluster, namespace: i.namespace }).restores, i.restoredAt - i.openedAt, -1);
  }
  for (const i of freshFull) {
    if (had.has(sig(i))) continue;
    await tx.query(`INSERT INTO release_incidents (cluster, workload_uid, namespace, head_id, opened_at, last_failed_at, restored_at)
        VALUES (${ph(1)}, ${ph(2)}, ${ph(3)}, ${ph(4)}, ${ph(5)}, ${ph(6)}, ${ph(7)})`, [w.cluster, w.uid, i.namespace, i.headId, i.openedAt, i.lastFailedAt, i.restoredAt]);
    countValue(deltas.at({ day: dayOf(i.openedAt), cluster: w.cluster, namespace: i.namespace }).restores, i.restoredAt - i.openedAt);
  }
}

async function writeDeltas(tx: SqlQuerier, dialect: SqlDialect, d: RowDecoders, deltas: Deltas): Promise<void> {
  const ph = (n: number): string => dialect.placeholder(n);
  for (const k of [...deltas.byKey.keys()].sort()) {
    const e = deltas.byKey.get(k);
    if (!e || isZero(e.tally)) continue;
    const { key, tally } = e;
    const lock = dialect.lockKey(ph(1));
    if (lock !== null) await tx.query(lock, [`rollscope-stats-day:${JSON.stringify([key.cluster, key.namespace, key.day])}`]);
    const where = `day = ${ph(1)} AND cluster = ${ph(2)} AND namespace = ${ph(3)}`;
    const params = [key.day, key.cluster, key.namespace];
    const row = (await tx.query(`SELECT releases, failures, ended, durations, restore_times FROM release_stats_days WHERE ${where}`, params)).rows[0];
    const t = emptyTally();
    if (row) {
      t.releases = d.int(row.releases);
      t.failures = d.int(row.failures);
      t.ended = d.int(row.ended);
      readHistogram(t.durations, row.durations);
      readHistogram(t.restores, row.restore_times);
    }
    addTally(t, tally);
    if (isZero(t)) {
      await tx.query(`DELETE FROM release_stats_days WHERE ${where}`, params);
      continue;
    }
    await tx.query(`INSERT INTO release_stats_days (day, cluster, namespace, releases, failures, ended, durations, restore_times)
        VALUES (${ph(1)}, ${ph(2)}, ${ph(3)}, ${ph(4)}, ${ph(5)}, ${ph(6)}, ${ph(7)}, ${ph(8)})
        ON CONFLICT (day, cluster, namespace) DO UPDATE SET releases = excluded.releases, failures = excluded.failures, ended = excluded.ended,
          durations = excluded.durations, restore_times = excluded.restore_times`,
    [key.day, key.cluster, key.namespace, t.releases, t.failures, t.ended, histogramText(t.durations), histogramText(t.restores)]);
  }
}

function scopeSql(query: StatsQuery, dialect: SqlDialect, params: SqlValue[], prefix = ''): string {
  const p = (v: SqlValue): string => dialect.placeholder(params.push(v));
  const ns = query.namespaces ?? [];
  return (query.cluster === undefined ? '' : ` AND ${prefix}cluster = ${p(query.cluster)}`) + (ns.length === 0 ? '' : ` AND ${prefix}namespace IN (${ns.map((n) => p(n)).join(', ')})`);
}

/** statsDaysQuery reads the day rows of the whole days inside a query's window (exported for the benchmark's EXPLAIN). */
export function statsDaysQuery(query: StatsQuery, dialect: SqlDialect): Sql {
  const params: SqlValue[] = [Math.ceil(query.since / DAY_MS), Math.floor(query.until / DAY_MS)];
  return {
    sql: `SELECT cluster, namespace, releases, failures, ended, durations, restore_times FROM release_stats_days
      WHERE day >= ${dialect.placeholder(1)} AND day < ${dialect.placeholder(2)}${scopeSql(query, dialect, params)}`,
    params,
  };
}

/**
 * statsBackfillSql is the backfill part of migration 0008 (after its `-- Backfill.` line), one
 * statement per entry: it fills empty stats tables from the releases. The benchmark times it at
 * scale and the tests check it rebuilds what the upserts maintained.
 */
export function statsBackfillSql(dialect: 'sqlite' | 'postgres'): readonly string[] {
  const sql = loadMigrations(dialect).find((m) => m.name === 'stats_days')?.sql ?? '';
  const at = sql.indexOf('-- Backfill.');
  if (at < 0) throw new Error(`migration stats_days (${dialect}) has no "-- Backfill." section`);
  return sql.slice(at).split(/;\s*\n/).map((s) => s.trim()).filter((s) => s.split('\n').some((l) => l.trim() !== '' && !l.trim().startsWith('--')));
}

/** StatsDaysReader runs the read queries of statsFromDays. */
export type StatsDaysReader = (sql: string, params: readonly SqlValue[]) => Promise<readonly Row[]>;

/**
 * statsFromDays answers a per-namespace stats query (groupBy 'namespace') with the same figures
 * computeStats gives over the releases, reading whole days from `release_stats_days`.
 */
export async function statsFromDays(read: StatsDaysReader, dialect: SqlDialect, d: RowDecoders, query: StatsQuery): Promise<StatsReport> {
  const { since, until } = query;
  // Per group: counts, and every duration and restore time as occurrences (no per-value maps: a
  // 30-day report at a million releases merges ~57,000 durations).
  const groups = new Map<string, DayGroup>();
  const at = (cluster: string, namespace: string): DayGroup => {
    const k = `${cluster}\u0000${namespace}`;
    let g = groups.get(k);
    if (!g) {
      g = { cluster, namespace, counts: { releases: 0, failures: 0, ended: 0 }, durations: new Occurrences(), restores: new Occurrences() };
      groups.set(k, g);
    }
    return g;
  };
  const scope = (params: SqlValue[], prefix = ''): string => scopeSql(query, dialect, params, prefix);
  const firstDay = Math.ceil(since / DAY_MS);
  const endDay = Math.floor(until / DAY_MS); // days [firstDay, endDay) lie wholly inside [since, until)
  const edges: [Instant, Instant][] = firstDay < endDay ? [[since, firstDay * DAY_MS], [endDay * DAY_MS, until]] : [[since, until]];
  if (firstDay < endDay) {
    const q = statsDaysQuery(query, dialect);
    for (const r of await read(q.sql, q.params)) {
      const g = at(String(r.cluster), String(r.namespace));
      g.counts.releases += d.int(r.releases);
      g.counts.failures += d.int(r.failures);
      g.counts.ended += d.int(r.ended);
      eachHistogramEntry(r.durations, (v, n) => g.durations.add(v, n));
      eachHistogramEntry(r.restore_times, (v, n) => g.restores.add(v, n));
    }
  }
  for (const [from, to] of edges) {
    if (from >= to) continue;
    const { sql, params } = releaseWhere({ since: from, until: to, namespaces: query.namespaces ?? [], ...(query.cluster === undefined ? {} : { cluster: query.cluster }) }, dialect);
    for (const r of await read(`SELECT cluster, namespace, started_at, finished_at, outcome FROM releases WHERE ${sql}`, params)) {
      const g = at(String(r.cluster), String(r.namespace));
      const t = emptyTally();
      tallyRelease(t, { startedAt: d.int(r.started_at), finishedAt: r.finished_at === null || r.finished_at === undefined ? null : d.int(r.finished_at), outcome: String(r.outcome) as Release['outcome'] });
      g.counts.releases += t.releases;
      g.counts.failures += t.failures;
      g.counts.ended += t.ended;
      for (const [v, n] of t.durations) g.durations.add(v, n);
    }
    const ip: SqlValue[] = [from, to];
    for (const r of await read(`SELECT cluster, namespace, opened_at, restored_at FROM release_incidents WHERE opened_at >= ${dialect.placeholder(1)} AND opened_at < ${dialect.placeholder(2)}${scope(ip)}`, ip))
      at(String(r.cluster), String(r.namespace)).restores.add(d.int(r.restored_at) - d.int(r.opened_at));
  }
  // An incident opened before the window with failures inside it opens, for this window, at its first failure inside.
  const sp: SqlValue[] = [since, since, since];
  const ph = (n: number): string => dialect.placeholder(n);
  const straddling = await read(`SELECT i.cluster, i.namespace, i.restored_at,
      (SELECT MIN(r.started_at) FROM releases r WHERE r.cluster = i.cluster AND r.workload_uid = i.workload_uid AND r.outcome IN ('failed', 'rolled-back') AND r.started_at >= ${ph(1)}) AS opened_at
      FROM release_incidents i WHERE i.last_failed_at >= ${ph(2)} AND i.opened_at < ${ph(3)}${scope(sp, 'i.')}`, sp);
  for (const r of straddling) {
    if (r.opened_at === null || r.opened_at === undefined) continue;
    const opened = d.int(r.opened_at);
    if (opened < until) at(String(r.cluster), String(r.namespace)).restores.add(d.int(r.restored_at) - opened);
  }
  const total = { releases: 0, failures: 0, ended: 0 };
  const durations = new Occurrences();
  const restores = new Occurrences();
  const out: StatsGroup[] = [];
  for (const k of [...groups.keys()].sort()) {
    const g = groups.get(k);
    if (!g) continue;
    total.releases += g.counts.releases;
    total.failures += g.counts.failures;
    total.ended += g.counts.ended;
    durations.addAll(g.durations);
    restores.addAll(g.restores);
    if (g.counts.releases > 0) out.push({ cluster: g.cluster, namespace: g.namespace, ...figuresOf(g.counts, g.restores.size, g.restores.percentiles(), g.durations.percentiles(), query) });
  }
  return { since, until, groupBy: 'namespace', total: figuresOf(total, restores.size, restores.percentiles(), durations.percentiles(), query), groups: out };
}

/** DayGroup is one cluster and namespace of a report read from the day rows. */
interface DayGroup {
  readonly cluster: string;
  readonly namespace: string;
  readonly counts: StatsCounts;
  readonly durations: Occurrences;
  readonly restores: Occurrences;
}
