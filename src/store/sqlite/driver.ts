import type Database from 'better-sqlite3';
import type { ReleaseSeq, SqlDialect, SqlDriver, SqlQuerier, SqlResult } from '../sql/driver.ts';
import type { SqlValue } from '../sql/release-row.ts';
import type { Row } from '../sql/rows.ts';
import { sqliteDecoders } from './codecs.ts';
import { toSqliteStoreError } from './errors.ts';

/** RELEASE_SEQ_SPAN is 2^24 seq values per workload: every seq stays below 2^53 up to 2^29 workloads (migration 0010). */
const RELEASE_SEQ_SPAN = 16_777_216;

/** SQLITE_RELEASE_SEQ places new releases in the table clustered by workload (migration 0010; see nextReleaseSeq). */
const SQLITE_RELEASE_SEQ: ReleaseSeq = {
  span: RELEASE_SEQ_SPAN,
  key: (p) => `INSERT INTO release_workload_keys (workload_uid) VALUES (${p}) ON CONFLICT (workload_uid) DO NOTHING`,
  // ORDER BY … DESC LIMIT 1 seeks to the range's end (a MAX over a range would read the whole range).
  range: (p) =>
    `SELECT k.key * ${RELEASE_SEQ_SPAN} AS base,` +
    ` (SELECT r.seq FROM releases r WHERE r.seq >= k.key * ${RELEASE_SEQ_SPAN} AND r.seq < (k.key + 1) * ${RELEASE_SEQ_SPAN} ORDER BY r.seq DESC LIMIT 1) AS top,` +
    ` (SELECT MAX(seq) FROM releases) AS last FROM release_workload_keys k WHERE k.workload_uid = ${p}`,
};

/** SQLITE_DIALECT spells the dialect-specific parts of our queries for SQLite. */
export const SQLITE_DIALECT: SqlDialect = {
  placeholder: () => '?',
  contains: (col, p) => `instr(${col}, ${p}) > 0`,
  json: (p) => p,
  collate: '',
  lockKey: () => null, // BEGIN IMMEDIATE already holds the database's one write lock
  skipLocked: '',
  releaseSeq: SQLITE_RELEASE_SEQ,
};

/** STATEMENT_CACHE_LIMIT bounds the prepared statements kept (queries with IN lists vary in text). */
const STATEMENT_CACHE_LIMIT = 500;

/**
 * SqliteDriver runs statements on one better-sqlite3 connection. better-sqlite3 is synchronous, so
 * a transaction whose body awaits must keep every other statement of this connection out until it
 * ends: calls queue on one promise chain (a mutex), and a transaction holds it from BEGIN IMMEDIATE
 * (the write lock, so other processes on the file wait up to busy_timeout) to COMMIT/ROLLBACK.
 */
export class SqliteDriver implements SqlDriver {
  readonly dialect = SQLITE_DIALECT;
  readonly decoders = sqliteDecoders;
  readonly subject: string;
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();
  #tail: Promise<unknown> = Promise.resolve();

  constructor(db: Database.Database, subject: string) {
    this.#db = db;
    this.subject = subject;
  }

  /** database is the connection (dialect-specific tests: EXPLAIN QUERY PLAN, pragmas, forged locks). */
  get database(): Database.Database {
    return this.#db;
  }

  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(fn, fn);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  #run(sql: string, params: readonly SqlValue[]): SqlResult {
    try {
      let stmt = this.#statements.get(sql);
      if (!stmt) {
        if (this.#statements.size >= STATEMENT_CACHE_LIMIT) this.#statements.clear();
        stmt = this.#db.prepare(sql);
        this.#statements.set(sql, stmt);
      }
      if (stmt.reader) {
        const rows = stmt.all(...params) as Row[];
        return { rows, changes: rows.length };
      }
      return { rows: [], changes: stmt.run(...params).changes };
    } catch (e) {
      throw toSqliteStoreError(e, this.subject);
    }
  }

  query(sql: string, params: readonly SqlValue[] = []): Promise<SqlResult> {
    return this.#exclusive(async () => this.#run(sql, params));
  }

  transaction<T>(fn: (q: SqlQuerier) => Promise<T>): Promise<T> {
    return this.#exclusive(async () => {
      this.#run('BEGIN IMMEDIATE', []);
      const inTx: SqlQuerier = { query: async (sql, params = []) => this.#run(sql, params) };
      try {
        const out = await fn(inTx);
        this.#run('COMMIT', []);
        return out;
      } catch (e) {
        if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
        throw e;
      }
    });
  }

  async close(): Promise<void> {
    await this.#exclusive(async () => {
      if (this.#db.open) this.#db.close();
    });
  }
}
