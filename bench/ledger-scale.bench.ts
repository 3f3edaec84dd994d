// `npm run bench -- ledger-scale` (or `node bench/ledger-scale.bench.ts`): the ledger at the size a
// busy platform reaches in a year. Fills SQLite and PostgreSQL with BENCH_LEDGER_RELEASES releases
// (default 1,000,000) across releases/50 workloads (20,000), 3 clusters and 40 namespaces over 365
// days — fast, with batched multi-row INSERTs (ledger-synth.ts) — then measures p50/p99 of:
//   - one workload's history (`rollscope history deployment/NAME -n NS`: its newest page),
//   - the API's filtered list (`/api/v1/releases?namespace=NS&outcome=failed`): first page and a
//     deep page (as deep as the data allows, up to the 100th, reached by following nextCursor),
//   - stats over 30 days (all namespaces, computed inline — the cost the stats worker takes off the
//     event loop) from the per-day tables (migration 0008, backfilled after the fill and timed), for a
//     day-aligned window and one ending at an arbitrary second; anchored by the same report computed
//     from every release of the window (the path before), and checked equal to it,
//   - inserts through the store's real upsert path (lock, look-up, merge, numbering, write),
// each next to its anchor measured in the same run: a full scan of the releases table (the `image`
// substring filter with no match), and prints each query's plan (SQLite EXPLAIN QUERY PLAN,
// PostgreSQL EXPLAIN) to show which index serves it.
// BENCH_LEDGER_DB=sqlite|postgres|sqlite,postgres (default both) picks the dialects; a quick run:
// BENCH_LEDGER_RELEASES=50000 npm run bench -- ledger-scale.
// BENCH_LEDGER_CACHE=DIR keeps each filled ledger in DIR and starts later runs from a copy
// (ledger-cache.ts); the output says FILLED or REUSED, and times the migrations a cached ledger from
// older code gets on open. Run 1M benches one at a time (`flock /work/bench.lock …` on shared machines).
// Targets (issue 16): history p99 < 10 ms on both, filtered first page p99 < 50 ms, stats < 500 ms.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReleaseFilter } from '../src/store/ledger.ts';
import pg from 'pg';
import { POSTGRES_DIALECT } from '../src/store/postgres/driver.ts';
import { openPostgresLedger, postgresHistoryQuery, type PostgresLedgerStore } from '../src/store/postgres/store.ts';
import { loadMigrations } from '../src/store/sql/migrations.ts';
import { statsQuery, type SqlLedgerStore } from '../src/store/sql/ledger-store.ts';
import { historyQuery as sqliteHistoryQuery, openSqliteLedger, type SqliteLedgerStore } from '../src/store/sqlite/store.ts';
import { computeStats, type StatsQuery, type StatsReport } from '../src/store/stats.ts';
import { decodeStatsRow } from '../src/store/sql/rows.ts';
import { statsBackfillSql, statsDaysQuery } from '../src/store/sql/stats-days.ts';
import { startPostgres } from '../test/support/postgres.ts';
import { percentile } from './bench-support.ts';
import { cachedPostgres, cachedSqlite, copyPostgres, pgName, saveSqlite, type Admin, type CachedLedger } from './ledger-cache.ts';
import { fillLedger, syntheticRelease, workloadOf, type LedgerShape } from './ledger-synth.ts';

const RELEASES = Number(process.env.BENCH_LEDGER_RELEASES ?? 1_000_000);
const DIALECTS = (process.env.BENCH_LEDGER_DB ?? 'sqlite,postgres').split(',').map((s) => s.trim());
const DAY = 86_400_000;
const END = Date.UTC(2026, 11, 1);
const shape: LedgerShape = { releases: RELEASES, workloads: Math.max(3, Math.floor(RELEASES / 50)), namespaces: 40, clusters: 3, end: END, spanMs: 365 * DAY };
const UPSERTS = Number(process.env.BENCH_LEDGER_UPSERTS ?? 2_000);
/**
 * STATS_RUNS is how often each stats report is timed: 300 like the other queries, so its p99 is the
 * 3rd-worst run, not the worst of 30 (one scheduling stall decided that). Affordable since a 30-day
 * report takes tens of milliseconds, not a second.
 */
const STATS_RUNS = 300;
/** CACHE is the fill cache's directory (ledger-cache.ts), or null to fill every run. */
const CACHE = process.env.BENCH_LEDGER_CACHE === undefined || process.env.BENCH_LEDGER_CACHE === '' ? null : process.env.BENCH_LEDGER_CACHE;
/** load is `uptime`'s load averages (1, 5, 15 minutes): the machine is shared, so every figure carries it. */
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

let seed = 7;
const random = (n: number): number => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return Math.floor((seed / 2 ** 31) * n);
};
const f = (v: number): string => (v >= 100 ? v.toFixed(0) : v.toFixed(2));
const out = (line: string): void => void process.stdout.write(`ledger-scale: ${line}\n`);

/**
 * preempted holds, per timed series, which runs the kernel preempted (involuntary context switches
 * during the run, from getrusage): on a shared 2-core machine those runs measure the scheduler.
 */
const preempted = new WeakMap<readonly number[], readonly boolean[]>();
/**
 * cpuMs holds, per timed series, this process's CPU time per run (user + system, `process.cpuUsage`):
 * the work a call costs, which the scheduler does not inflate. For SQLite that is the whole query;
 * for PostgreSQL only the client's side (the server's backend is another process).
 */
const cpuMs = new WeakMap<readonly number[], number>();

/**
 * floors holds, per timed series, the milliseconds of a trivial statement (`SELECT` of one
 * parameter, through the same driver) timed right after each run: the floor any query meets on this
 * machine at this moment — for PostgreSQL a round trip to another process, which on a loaded
 * machine waits for the scheduler on both sides.
 */
const floors = new WeakMap<readonly number[], readonly number[]>();

/**
 * timed runs `fn` `n` times (after 3 warm-ups) and returns each run's milliseconds; with `floor`,
 * each run is followed by one timed run of `floor` (kept in `floors`, not in the CPU figure).
 */
async function timed(n: number, fn: (i: number) => Promise<unknown>, floor?: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 3; i++) await fn(i);
  const ms: number[] = [];
  const floorMs: number[] = [];
  const switched: boolean[] = [];
  let cpuUs = 0;
  for (let i = 0; i < n; i++) {
    const before = process.resourceUsage().involuntaryContextSwitches;
    const cpu = process.cpuUsage();
    const t = performance.now();
    await fn(i);
    ms.push(performance.now() - t);
    const used = process.cpuUsage(cpu);
    cpuUs += used.user + used.system;
    switched.push(process.resourceUsage().involuntaryContextSwitches > before);
    if (floor !== undefined) {
      const tf = performance.now();
      await floor(i);
      floorMs.push(performance.now() - tf);
    }
  }
  preempted.set(ms, switched);
  cpuMs.set(ms, cpuUs / 1000 / n);
  if (floor !== undefined) floors.set(ms, floorMs);
  return ms;
}

/** preemption says how many runs of a series were preempted and the p99 of the others (a diagnosis, not the figure). */
function preemption(ms: readonly number[]): string {
  const switched = preempted.get(ms) ?? [];
  const calm = ms.filter((_, i) => switched[i] !== true);
  const cpu = cpuMs.get(ms);
  return `preempted in ${switched.filter(Boolean).length} of ${ms.length} runs${calm.length > 0 ? `, p99 of the others ${f(percentile(calm, 99))} ms` : ''}${cpu === undefined ? '' : `; CPU ${f(cpu)} ms per run in this process`}`;
}

interface Dialect {
  readonly name: string;
  readonly store: SqlLedgerStore;
  explain(sql: string, params: readonly (string | number | null)[]): Promise<string>;
  historySql(f: ReleaseFilter): { sql: string; params: readonly (string | number | null)[] };
  close(): Promise<void>;
}

/** fill writes the shape's releases into a freshly opened store, backfills the stats tables and prints what it took. */
async function fill(name: string, store: SqlLedgerStore, analyze: () => Promise<void>): Promise<void> {
  let t = performance.now();
  await fillLedger(store.driver, shape);
  const fillS = (performance.now() - t) / 1000;
  await analyze();
  t = performance.now();
  for (const sql of statsBackfillSql(store.driver.dialect === POSTGRES_DIALECT ? 'postgres' : 'sqlite')) await store.driver.query(sql);
  const backfillS = (performance.now() - t) / 1000;
  await analyze();
  out(`${name}: FILLED ${RELEASES.toLocaleString('en')} releases (${shape.workloads.toLocaleString('en')} workloads, ${shape.clusters} clusters, ${shape.namespaces} namespaces, 365 days) in ${fillS.toFixed(0)} s = ${Math.round(RELEASES / fillS).toLocaleString('en')} rows/s batched (load ${load()}); stats tables backfilled (migration 0008's backfill) in ${backfillS.toFixed(1)} s`);
}

/** upgraded prints how a cached ledger reached the code's migration level on open (a user's upgrade at this size). */
function upgraded(name: string, from: CachedLedger, level: number, copyS: number, openS: number): void {
  const applied = level > from.level ? `migrations ${from.level + 1}–${level} applied on open in ${openS.toFixed(1)} s (load ${load()}; the upgrade a user's ledger of this size gets)` : `already at migration ${level} (opened in ${openS.toFixed(2)} s)`;
  out(`${name}: REUSED the cached ledger ${from.ref} (filled at migration ${from.level}), copied in ${copyS.toFixed(1)} s; ${applied}`);
}

async function sqlite(dir: string): Promise<Dialect> {
  const path = join(dir, 'ledger.db');
  const level = loadMigrations('sqlite').length;
  const open = (): SqliteLedgerStore => openSqliteLedger({ path, stats: 'inline' });
  const analyze = async (s: SqliteLedgerStore): Promise<void> => void s.database.exec('ANALYZE');
  const cached = CACHE === null ? null : cachedSqlite(CACHE, shape, level);
  let store: SqliteLedgerStore;
  if (cached === null) {
    store = open();
    await fill('SQLite', store, () => analyze(store));
    if (CACHE !== null) {
      await store.close();
      out(`SQLite: saved to the fill cache as ${saveSqlite(CACHE, shape, level, path)}`);
      store = open();
    }
  } else {
    let t = performance.now();
    copyFileSync(cached.ref, path);
    const copyS = (performance.now() - t) / 1000;
    t = performance.now();
    store = open();
    const openS = (performance.now() - t) / 1000;
    upgraded('SQLite', cached, level, copyS, openS);
    if (cached.level < level && CACHE !== null) {
      await analyze(store);
      await store.close();
      out(`SQLite: saved the upgraded ledger to the fill cache as ${saveSqlite(CACHE, shape, level, path)}`);
      store = open();
    }
  }
  const s = store;
  return {
    name: 'SQLite',
    store: s,
    explain: async (sql, params) => (s.database.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join('; '),
    historySql: sqliteHistoryQuery,
    close: () => s.close(),
  };
}

async function postgres(): Promise<Dialect> {
  const server = await startPostgres(CACHE === null ? {} : { keepDir: join(CACHE, 'postgres-15') });
  if ('skip' in server) throw new Error(`ledger-scale needs PostgreSQL: ${server.skip} (or run with BENCH_LEDGER_DB=sqlite)`);
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  const sql: Admin = async (text, params = []) => (await admin.query(text, [...params])).rows as Record<string, unknown>[];
  const level = loadMigrations('postgres').length;
  const work = 'bench_ledger';
  const url = server.url.replace(/\/postgres$/, `/${work}`);
  const open = (): Promise<PostgresLedgerStore> => openPostgresLedger({ url, stats: 'inline' });
  const analyze = async (s: PostgresLedgerStore): Promise<void> => void (await s.driver.query('VACUUM ANALYZE'));
  const cached = CACHE === null ? null : await cachedPostgres(sql, shape, level);
  let store: PostgresLedgerStore;
  if (cached === null) {
    await sql(`DROP DATABASE IF EXISTS ${work}`);
    await sql(`CREATE DATABASE ${work}`);
    store = await open();
    await fill('PostgreSQL', store, () => analyze(store));
    if (CACHE !== null) {
      await store.close();
      await copyPostgres(sql, work, pgName(shape, level));
      out(`PostgreSQL: saved to the fill cache as database ${pgName(shape, level)} in ${join(CACHE, 'postgres-15')}`);
      store = await open();
    }
  } else {
    let t = performance.now();
    await copyPostgres(sql, cached.ref, work);
    const copyS = (performance.now() - t) / 1000;
    t = performance.now();
    store = await open();
    const openS = (performance.now() - t) / 1000;
    upgraded('PostgreSQL', cached, level, copyS, openS);
    if (cached.level < level) {
      await analyze(store);
      await store.close();
      await copyPostgres(sql, work, pgName(shape, level));
      out(`PostgreSQL: saved the upgraded ledger to the fill cache as database ${pgName(shape, level)}`);
      store = await open();
    }
  }
  const s = store;
  const q = async (text: string, params: readonly (string | number | null)[] = []): Promise<Record<string, unknown>[]> => [...(await s.driver.query(text, params)).rows];
  return {
    name: 'PostgreSQL',
    store: s,
    explain: async (text, params) => (await q(`EXPLAIN ${text}`, params)).map((r) => String(r['QUERY PLAN']).trim()).join('; '),
    historySql: postgresHistoryQuery,
    close: async () => {
      await s.close();
      await sql(`DROP DATABASE IF EXISTS ${work}`);
      await admin.end();
      await server.stop();
    },
  };
}

async function measure(d: Dialect): Promise<void> {
  const store = d.store;
  out(`${d.name}: measuring at load ${load()}`);
  // The anchor: a full scan (the `image` substring filter, matching nothing, must read every row).
  const scanFilter: ReleaseFilter = { image: 'no-such-image' };
  const scan = await timed(3, () => store.queryReleases(scanFilter));
  const anchor = percentile(scan, 50);
  const workload = (i: number): ReturnType<typeof workloadOf> => workloadOf(shape, (i * 7_919 + random(shape.workloads)) % shape.workloads);
  const historyFilter = (i: number): ReleaseFilter => { const w = workload(i); return { namespaces: [w.namespace], kind: w.kind, name: w.name }; };
  const listFilter = (i: number): ReleaseFilter => ({ namespaces: [`team-${i % shape.namespaces}`], outcomes: ['failed'] });
  // A deep page: as deep as the data goes (up to the 100th page) while still full, reached by following nextCursor.
  const deepFilters: ReleaseFilter[] = [];
  let depth = 0;
  for (let n = 0; n < 5; n++) {
    let cursor: string | null = null;
    let deepest: { cursor: string; page: number } | null = null;
    for (let page = 1; page <= 100; page++) {
      const res = await store.queryReleases({ ...listFilter(n), ...(cursor === null ? {} : { cursor }) });
      if (res.items.length === 50 && cursor !== null) deepest = { cursor, page };
      cursor = res.nextCursor;
      if (cursor === null) break;
    }
    if (deepest === null) throw new Error(`${listFilter(n).namespaces?.[0]} has fewer than two pages of failed releases; fill more releases`);
    deepFilters.push({ ...listFilter(n), cursor: deepest.cursor });
    depth = n === 0 ? deepest.page : Math.min(depth, deepest.page);
  }
  const full = async (filter: ReleaseFilter): Promise<void> => {
    const page = await store.queryReleases(filter);
    if (page.items.length !== 50) throw new Error(`expected a full page of 50 releases for ${JSON.stringify(filter)}, got ${page.items.length}`);
  };
  const stats: StatsQuery = { since: END - 30 * DAY, until: END };
  // As the API asks for `since=30d`: a window ending at an arbitrary second, so its two partial days come from the releases.
  const ragged: StatsQuery = { since: END - 30 * DAY - 26_497_000, until: END - 26_497_000 };
  // The anchor for stats: the report computed from every release of the window (the path before migration 0008).
  const fromRows = async (q: StatsQuery): Promise<StatsReport> => {
    const sq = statsQuery(q, store.driver.dialect);
    return computeStats((await store.driver.query(sq.sql, sq.params)).rows.map((r) => decodeStatsRow(r, store.driver.decoders)), q);
  };
  for (const q of [stats, ragged]) {
    const [a, b] = [await store.stats(q), await fromRows(q)];
    if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`stats from the per-day tables differ from the report over the rows for ${JSON.stringify(q)}`);
  }
  const rowStats = await timed(5, () => fromRows(stats));
  const floorSql = `SELECT ${store.driver.dialect.placeholder(1)} AS n`;
  const floorQuery = (i: number): Promise<unknown> => store.driver.query(floorSql, [i]);
  const rows: [string, number[], number | null, { sql: string; params: readonly (string | number | null)[] }][] = [
    ['one workload\'s history (newest page)', await timed(300, async (i) => { if ((await store.queryReleases(historyFilter(i))).items.length === 0) throw new Error('a workload without history'); }, floorQuery), 10, d.historySql(historyFilter(0))],
    ['filtered list, first page (namespace + outcome=failed)', await timed(300, (i) => full(listFilter(i))), 50, d.historySql(listFilter(0))],
    [`filtered list, page ${depth}+ (keyset cursor)`, await timed(300, (i) => full(deepFilters[i % deepFilters.length] ?? {})), 50, d.historySql(deepFilters[0] ?? {})],
    [`stats over 30 days (all namespaces, ${(await store.stats(stats)).total.releases.toLocaleString('en')} releases; per-day tables)`, await timed(STATS_RUNS, () => store.stats(stats)), 500, statsDaysQuery(stats, store.driver.dialect)],
    ['stats over 30 days ending at an arbitrary second (two partial days from the releases)', await timed(STATS_RUNS, () => store.stats(ragged)), 500, statsDaysQuery(ragged, store.driver.dialect)],
  ];
  for (const [what, ms, target, q] of rows) {
    const p99 = percentile(ms, 99);
    out(`${d.name}: ${what}: p50 ${f(percentile(ms, 50))} ms, p99 ${f(p99)} ms (${(anchor / p99).toFixed(0)}× faster than the full scan at p99${target === null ? '' : `; target p99 < ${target} ms: ${p99 < target ? 'met' : 'MISSED'}`}; ${preemption(ms)}; load ${load()})`);
    const floor = floors.get(ms);
    if (floor !== undefined)
      out(`${d.name}:   floor, \`${floorSql}\` through the same driver right after each run: p50 ${f(percentile(floor, 50))} ms, p99 ${f(percentile(floor, 99))} ms (the query's p99 is ${(p99 / percentile(floor, 99)).toFixed(2)}× the floor's)`);
    out(`${d.name}:   plan: ${await d.explain(q.sql, q.params)}`);
  }
  out(`${d.name}: anchor for stats, the same report computed from every release of the window (the path before migration 0008): p50 ${f(percentile(rowStats, 50))} ms, p99 ${f(percentile(rowStats, 99))} ms`);
  out(`${d.name}:   plan: ${await d.explain(statsQuery(stats, store.driver.dialect).sql, statsQuery(stats, store.driver.dialect).params)}`);
  out(`${d.name}: anchor, full scan (image filter matching nothing): ${f(anchor)} ms`);
  out(`${d.name}:   plan: ${await (async () => { const q = d.historySql(scanFilter); return d.explain(q.sql, q.params); })()}`);

  // Inserts through the real upsert path: new releases of random workloads, numbered by the store.
  const upserts = await timed(UPSERTS, (i) => {
    const base = syntheticRelease(shape, random(shape.releases));
    return store.upsertRelease({ ...base, id: `new-${d.name}-${i}` as never, templateHash: `new-${i}`, revision: `new-${i}`, releaseNumber: 0, startedAt: END + i * 1_000, finishedAt: null, outcome: 'progressing' });
  });
  const total = upserts.reduce((a, b) => a + b, 0) / 1000;
  out(`${d.name}: upsertRelease (one transaction each, sequential) at ${RELEASES.toLocaleString('en')} releases: ${Math.round(UPSERTS / total).toLocaleString('en')} releases/s, p50 ${f(percentile(upserts, 50))} ms, p99 ${f(percentile(upserts, 99))} ms`);
}

const dir = mkdtempSync(join(tmpdir(), 'rollscope-ledger-scale-'));
try {
  for (const name of DIALECTS) {
    const d = name === 'postgres' ? await postgres() : name === 'sqlite' ? await sqlite(dir) : null;
    if (d === null) throw new Error(`BENCH_LEDGER_DB names ${name}; use sqlite, postgres or both separated by a comma`);
    try {
      await measure(d);
    } finally {
      await d.close();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
