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
};

/** PostgresDriver runs statements on a node-postgres pool; a transaction holds one pooled client from BEGIN to COMMIT/ROLLBACK. */
export class PostgresDriver implements SqlDriver {
  readonly dialect = POSTGRES_DIALECT;
  readonly decoders = postgresDecoders;
  readonly subject: string;
  readonly #pool: pg.Pool;
  #closed = false;

  constructor(pool: pg.Pool, subject: string) {
    this.#pool = pool;
    this.subject = subject;
  }

  async #on(client: pg.Pool | pg.PoolClient, sql: string, params: readonly SqlValue[]): Promise<SqlResult> {
    try {
      const res = await client.query<Row>(sql, [...params]);
      return { rows: res.rows, changes: res.rowCount ?? 0 };
    } catch (e) {
      throw toStoreError(e, this.subject);
    }
  }

  query(sql: string, params: readonly SqlValue[] = []): Promise<SqlResult> {
    return this.#on(this.#pool, sql, params);
  }

  async transaction<T>(fn: (q: SqlQuerier) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (e) {
      throw toStoreError(e, this.subject);
    }
    try {
      await this.#on(client, 'BEGIN', []);
      const out = await fn({ query: (sql, params = []) => this.#on(client, sql, params) });
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
