// The fill cache of the ledger benchmarks (BENCH_LEDGER_CACHE=DIR): filling a million releases takes
// 10–15 minutes of both cores, so a filled ledger is kept per dialect, shape (ledger-synth.ts's
// shape and SYNTH_VERSION) and the migration level it was filled at, and later runs start from a
// copy of it. SQLite ledgers are files in DIR; PostgreSQL ledgers are databases of one cluster kept
// in DIR/postgres-15 (started by test/support/postgres.ts), copied with CREATE DATABASE … TEMPLATE.
// A cached ledger older than the code gets the newer migrations on open, as a user's ledger would;
// the benchmark times that upgrade and saves the migrated copy under the new level (delete that copy
// to time the upgrade again).
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SYNTH_VERSION, type LedgerShape } from './ledger-synth.ts';

/** Admin runs one statement on a connection to the cluster's `postgres` database and returns its rows. */
export type Admin = (sql: string, params?: readonly string[]) => Promise<readonly Record<string, unknown>[]>;

/** CachedLedger is a stored filled ledger: a SQLite file path or a PostgreSQL database name, and its migration level. */
export interface CachedLedger {
  readonly ref: string;
  readonly level: number;
}

/** shapeKey names a shape and the generator's version: ledgers with equal keys hold equal releases. */
export function shapeKey(shape: LedgerShape): string {
  const key = `r${shape.releases}-w${shape.workloads}-n${shape.namespaces}-c${shape.clusters}-e${shape.end}-s${shape.spanMs}-v${SYNTH_VERSION}`;
  return `r${shape.releases}-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

/** pick is the cached ledger with the highest level not above `level` (newer ones were filled by newer code). */
function pick(found: readonly CachedLedger[], level: number): CachedLedger | null {
  return found.filter((c) => c.level <= level).sort((a, b) => b.level - a.level)[0] ?? null;
}

/** cachedSqlite finds the SQLite ledger cached for a shape at or below a migration level. */
export function cachedSqlite(dir: string, shape: LedgerShape, level: number): CachedLedger | null {
  if (!existsSync(dir)) return null;
  const prefix = `sqlite-${shapeKey(shape)}-m`;
  const found = readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.db'))
    .map((f) => ({ ref: join(dir, f), level: Number(f.slice(prefix.length, -3)) }))
    .filter((c) => Number.isInteger(c.level));
  return pick(found, level);
}

/** saveSqlite copies a closed (checkpointed) SQLite ledger into the cache under its level; written aside, then renamed. */
export function saveSqlite(dir: string, shape: LedgerShape, level: number, from: string): string {
  mkdirSync(dir, { recursive: true });
  const to = join(dir, `sqlite-${shapeKey(shape)}-m${level}.db`);
  const tmp = `${to}.partial`;
  rmSync(tmp, { force: true });
  copyFileSync(from, tmp);
  renameSync(tmp, to);
  return to;
}

/** pgName is the cached PostgreSQL database of a shape at a level (63-byte identifier limit: the key is short). */
export function pgName(shape: LedgerShape, level: number): string {
  return `ledger_${shapeKey(shape).replace(/-/g, '_')}_m${level}`;
}

/** cachedPostgres finds the cached database for a shape at or below a migration level, on a connection to the cluster. */
export async function cachedPostgres(admin: Admin, shape: LedgerShape, level: number): Promise<CachedLedger | null> {
  const prefix = pgName(shape, 0).slice(0, -1);
  const rows = await admin(`SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, [prefix]);
  const found = rows.map((r) => String(r.datname)).map((n) => ({ ref: n, level: Number(n.slice(prefix.length)) })).filter((c) => Number.isInteger(c.level));
  return pick(found, level);
}

/**
 * copyPostgres makes database `to` a copy of `from` (no connections may be open on `from`):
 * FILE_COPY copies the files, much faster at gigabytes than the WAL-logged default.
 */
export async function copyPostgres(admin: Admin, from: string, to: string): Promise<void> {
  await admin(`DROP DATABASE IF EXISTS "${to}"`);
  await admin(`CREATE DATABASE "${to}" TEMPLATE "${from}" STRATEGY FILE_COPY`);
}
