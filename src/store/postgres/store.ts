import pg from 'pg';
import { TrackerError } from '../../lib/errors.ts';
import type { ReleaseFilter } from '../ledger.ts';
import { redactUrl } from '../redact-url.ts';
import type { Sql } from '../sql/driver.ts';
import { SqlLedgerStore, historyQuery } from '../sql/ledger-store.ts';
import { sharedStats, statsWorker } from '../stats-thread.ts';
import { POSTGRES_DIALECT, PostgresDriver } from './driver.ts';
import { toStoreError } from './errors.ts';
import { migratePostgres } from './migrate.ts';

/** PostgresLedgerOptions configures openPostgresLedger. */
export interface PostgresLedgerOptions {
  /** A `postgres://user:password@host:port/database` URL. */
  readonly url: string;
  /** Schema to keep the ledger in (created if missing). If unset, the connection's default (`public`). */
  readonly schema?: string;
  /** Pool size. If unset, 10. */
  readonly maxConnections?: number;
  /** How long to wait for a connection, in ms. If unset, 5000. */
  readonly connectTimeoutMs?: number;
  /** Where stats are computed: 'worker' (a worker thread with its own connection; stats-thread.ts) or 'inline'. If unset, 'worker'. */
  readonly stats?: 'worker' | 'inline';
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * openPostgresLedger connects a pool, checks the database answers and applies pending migrations.
 * Throws STORE_UNAVAILABLE naming the URL (password hidden) when it cannot connect, and
 * STORE_MIGRATION_PENDING when a newer rollscope migrated the ledger.
 */
export async function openPostgresLedger(options: PostgresLedgerOptions): Promise<PostgresLedgerStore> {
  const subject = redactUrl(options.url);
  const schema = options.schema ?? null;
  if (schema !== null && !SCHEMA_NAME.test(schema))
    throw new TrackerError('CONFIG_INVALID', `ledger schema name ${JSON.stringify(schema)} is not a plain lower-case identifier`, { subject, hint: 'use letters, digits and underscores, e.g. rollscope' });
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    ...(schema === null ? {} : { options: `-c search_path=${schema}` }),
  });
  pool.on('error', () => undefined); // an idle client's connection dropped: the next query reconnects or fails visibly
  try {
    const client = await pool.connect();
    try {
      await migratePostgres(client, subject, schema);
    } finally {
      client.release();
    }
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw toStoreError(e, subject);
  }
  const stats = (options.stats ?? 'worker') === 'worker'
    ? sharedStats(statsWorker({ kind: 'postgres', url: options.url, ...(schema === null ? {} : { schema }), ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }) }, subject))
    : null;
  return new PostgresLedgerStore(new PostgresDriver(pool, subject), stats);
}

/**
 * PostgresLedgerStore is the ledger for several trackers and API replicas sharing one PostgreSQL:
 * the one SQL implementation over a connection pool. Upserts serialise per workload under an
 * advisory transaction lock; outbox claims use FOR UPDATE SKIP LOCKED.
 */
export class PostgresLedgerStore extends SqlLedgerStore {}

/** postgresHistoryQuery is the main history query in PostgreSQL's dialect. Exported for the query-plan test. */
export function postgresHistoryQuery(filter: ReleaseFilter): Sql {
  return historyQuery(filter, POSTGRES_DIALECT);
}
