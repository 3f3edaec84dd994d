import type pg from 'pg';
import type { SqlDialect, SqlDriver, SqlQuerier, SqlResult } from '../sql/driver.ts';
import type { SqlValue } from '../sql/release-row.ts';
import type { Row } from '../sql/rows.ts';
import { postgresDecoders } from './codecs.ts';
import { toStoreError } from './errors.ts';

/** POSTGRES_DIALECT spells the dialect-specific parts of our queries for PostgreSQL. */
export const POSTGRES_DIALECT: SqlDialect = {
  placeholder: (n) => `$${n}`,
  contains: (col, p) => `strpos(${col}, ${p}) > 0`,
  json: (p) => `${p}::jsonb`,
  collate: ' COLLATE "C"',
  // Trackers on several machines share the database: writers of one key take a transaction-scoped advisory lock.
  lockKey: (p) => `SELECT pg_advisory_xact_lock(hashtext(${p}))`,
  skipLocked: ' FOR UPDATE SKIP LOCKED',
  releaseSeq: null, // a heap table has no order to cluster by (CLUSTER is one-off); see README, the ledger at a million releases
};

/**
 * PREPARED_LIMIT bounds how many distinct statement texts get a name (and so are prepared once per
 * connection); texts beyond it run unnamed. Our statements are a few dozen texts (IN lists vary with
 * their length), so the bound is only a guard against a caller building unbounded texts.
 */
const PREPARED_LIMIT = 500;

/**
 * FEATURE_NOT_SUPPORTED is the SQLSTATE of "cached plan must not change result type": a prepared
 * `SELECT *` whose table another process's migration changed. The statement is run again unnamed —
 * outside a transaction at once; inside one the error has aborted the transaction, so the whole
 * transaction is run again (StalePlan).
 */
const FEATURE_NOT_SUPPORTED = '0A000';

/**
 * STALE_PLAN_RETRIES bounds how often one transaction is run again for stale prepared plans. Each
 * retry leaves one more text unnamed for good, so a transaction needs at most one per distinct
 * `SELECT *` text it runs; the bound only guards against a server that keeps answering 0A000.
 */
const STALE_PLAN_RETRIES = 8;

/** StalePlan aborts a transaction whose prepared statement met a changed table; transaction() runs it again. */
class StalePlan extends Error {
  readonly error: unknown;
  constructor(error: unknown) {
    super('a prepared statement met a changed table');
    this.error = error;
  }
}

/**
 * PostgresDriver runs statements on a node-postgres pool; a transaction holds one pooled client from
 * BEGIN to COMMIT/ROLLBACK. A statement with parameters runs as a named prepared statement, so each
 * connection parses and plans it once instead of on every call (the release history's parse and
 * plan were a fifth of its time at a million releases); one text always has the same name.
 */
export class PostgresDriver implements SqlDriver {
  readonly dialect = POSTGRES_DIALECT;
  readonly decoders = postgresDecoders;
  readonly subject: string;
  readonly #pool: pg.Pool;
  /** #names maps a statement text to its prepared statement's name; null: run that text unnamed. */
  readonly #names = new Map<string, string | null>();
  #closed = false;

  constructor(pool: pg.Pool, subject: string) {
    this.#pool = pool;
    this.subject = subject;
  }

  /** #name is the prepared statement name for a text, or undefined to run it unnamed (no parameters: it may hold several statements). */
  #name(sql: string, params: readonly SqlValue[]): string | undefined {
    if (params.length === 0) return undefined;
    let name = this.#names.get(sql);
    if (name === undefined) {
      name = this.#names.size < PREPARED_LIMIT ? `rollscope_${this.#names.size + 1}` : null;
      this.#names.set(sql, name);
    }
    return name ?? undefined;
  }

  /** #on runs one statement; `inTransaction` says a failure aborts the caller's transaction (see StalePlan). */
  async #on(client: pg.Pool | pg.PoolClient, sql: string, params: readonly SqlValue[], inTransaction = false): Promise<SqlResult> {
    const name = this.#name(sql, params);
    try {
      const res = await client.query<Row>(name === undefined ? { text: sql, values: [...params] } : { name, text: sql, values: [...params] });
      return { rows: res.rows, changes: res.rowCount ?? 0 };
    } catch (e) {
      if (name !== undefined && (e as { code?: unknown }).code === FEATURE_NOT_SUPPORTED) {
        this.#names.set(sql, null);
        if (inTransaction) throw new StalePlan(e);
        return this.#on(client, sql, params);
      }
      throw toStoreError(e, this.subject);
    }
  }

  query(sql: string, params: readonly SqlValue[] = []): Promise<SqlResult> {
    return this.#on(this.#pool, sql, params);
  }

  /**
   * transaction runs `fn` between BEGIN and COMMIT on one pooled connection. When a prepared plan went
   * stale inside it (StalePlan), it is rolled back and `fn` runs again from the start, so `fn` must
   * have no effect outside the transaction's statements (every caller's body is SQL alone).
   */
  async transaction<T>(fn: (q: SqlQuerier) => Promise<T>): Promise<T> {
    for (let retries = 0; ; retries++) {
      try {
        return await this.#transactionOnce(fn);
      } catch (e) {
        if (!(e instanceof StalePlan)) throw e;
        if (retries >= STALE_PLAN_RETRIES) throw toStoreError(e.error, this.subject);
      }
    }
  }

  async #transactionOnce<T>(fn: (q: SqlQuerier) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (e) {
      throw toStoreError(e, this.subject);
    }
    try {
      await this.#on(client, 'BEGIN', []);
      const out = await fn({ query: (sql, params = []) => this.#on(client, sql, params, true) });
      await this.#on(client, 'COMMIT', []);
      return out;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }
}
