import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { TrackerError } from '../../lib/errors.ts';
import type { ReleaseFilter } from '../ledger.ts';
import type { Sql } from '../sql/driver.ts';
import { SqlLedgerStore, historyQuery as sqlHistoryQuery } from '../sql/ledger-store.ts';
import { sharedStats, statsWorker, type StatsRunner } from '../stats-thread.ts';
import { SQLITE_DIALECT, SqliteDriver } from './driver.ts';
import { toSqliteStoreError } from './errors.ts';
import { migrateSqlite } from './migrate.ts';

/** SqliteLedgerOptions configures openSqliteLedger. */
export interface SqliteLedgerOptions {
  /** A file path, or `:memory:` for a private in-memory database. */
  readonly path: string;
  /** Fail with STORE_UNAVAILABLE instead of creating a missing file (read-only commands). If unset, false. */
  readonly mustExist?: boolean;
  /** How long a writer waits for another process's lock before failing, in ms. If unset, 5000. */
  readonly busyTimeoutMs?: number;
  /**
   * Where stats are computed: 'worker' (a worker thread on its own read-only connection, so the
   * caller's event loop never waits on them; stats-thread.ts) or 'inline'. If unset, 'worker' for a
   * file and 'inline' for `:memory:` (a private in-memory database has no second connection).
   */
  readonly stats?: 'worker' | 'inline';
}


/**
 * openSqliteLedger opens (creating if allowed) a SQLite ledger file, switches it to WAL (readers
 * never block the writer) and applies pending migrations. Throws STORE_UNAVAILABLE naming the path
 * when the file cannot be opened, and STORE_MIGRATION_PENDING when a newer rollscope migrated it.
 */
export function openSqliteLedger(options: SqliteLedgerOptions): SqliteLedgerStore {
  const { path } = options;
  const subject = path === ':memory:' ? 'sqlite::memory:' : `sqlite:${path}`;
  let db: Database.Database;
  if (options.mustExist === true && path !== ':memory:' && !existsSync(path))
    throw new TrackerError('STORE_UNAVAILABLE', `no ledger file at ${path}`, { subject, hint: 'check the path (--db sqlite:PATH), or run `rollscope serve` first to create the ledger' });
  try {
    if (path !== ':memory:' && options.mustExist !== true) mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { fileMustExist: options.mustExist === true });
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL'); // with WAL: durable across process crashes; a power loss may lose the last commits
    db.pragma('foreign_keys = ON');
  } catch (e) {
    throw new TrackerError('STORE_UNAVAILABLE', `cannot open ledger ${subject}: ${e instanceof Error ? e.message : String(e)}`, {
      subject,
      hint: options.mustExist === true ? 'check the path, or run `rollscope serve` first to create the ledger' : 'check that the directory exists and is writable',
      cause: e,
    });
  }
  try {
    migrateSqlite(db, subject);
  } catch (e) {
    db.close();
    throw toSqliteStoreError(e, subject);
  }
  const inWorker = (options.stats ?? (path === ':memory:' ? 'inline' : 'worker')) === 'worker' && path !== ':memory:';
  const stats = inWorker ? sharedStats(statsWorker({ kind: 'sqlite', path, ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }) }, subject)) : null;
  return new SqliteLedgerStore(new SqliteDriver(db, subject), stats);
}

/**
 * SqliteLedgerStore is the embedded ledger: the one SQL implementation over one SQLite file
 * (better-sqlite3, WAL: readers never block the writer). Write transactions take the write lock
 * first (BEGIN IMMEDIATE), so processes sharing the file cannot interleave read-modify-write upserts.
 */
export class SqliteLedgerStore extends SqlLedgerStore {
  readonly #driver: SqliteDriver;

  constructor(driver: SqliteDriver, stats: StatsRunner | null = null) {
    super(driver, stats);
    this.#driver = driver;
  }

  /** database exposes the handle for tests and EXPLAIN QUERY PLAN checks. */
  get database(): Database.Database {
    return this.#driver.database;
  }
}

/** historyQuery is the main history query in SQLite's dialect. Exported for the query-plan test. */
export function historyQuery(filter: ReleaseFilter): Sql {
  return sqlHistoryQuery(filter, SQLITE_DIALECT);
}
