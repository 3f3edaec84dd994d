import pg from 'pg';
import type { Instant } from '../../lib/clock.ts';
import { TrackerError } from '../../lib/errors.ts';
import type { Release, ReleaseId, WorkloadEvent } from '../../model/release.ts';
import { encodeCursor } from '../cursor.ts';
import type { CanaryEntry } from '../../canary/ledger.ts';
import { sqlCanaryStore } from '../sql/canary-store.ts';
import type {
  CanaryFilter, CanaryStore,
  ActionFilter, LedgerStore, LedgerWorkload, OperatorAction, OutboxEntry, OutboxMessage, RecordedAction, ReleaseFilter, ReleasePage,
  WatchCursor, WorkloadFilter, WorkloadSummary,
} from '../ledger.ts';
import { mergeRelease } from '../merge.ts';
import { pageLimit } from '../page-limit.ts';
import { redactUrl } from '../redact-url.ts';
import { checkReleaseNumber } from '../release-identity.ts';
import { releaseWhere, type SqlDialect } from '../sql/release-query.ts';
import { RELEASE_COLUMNS, decodeRelease, encodeRelease, type SqlValue } from '../sql/release-row.ts';
import {
  LATEST_RELEASE_COLUMNS, LATEST_RELEASE_JOIN, decodeActionRow, decodeCursorRow, decodeLatestSummary, decodeOutboxRow, decodeStatsRow,
  decodeWorkload, decodeWorkloadEvent, type Row,
} from '../sql/rows.ts';
import { computeStats, type StatsQuery, type StatsReport } from '../stats.ts';
import { JSON_COLUMNS, postgresDecoders as d } from './codecs.ts';
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
}

const PG: SqlDialect = { placeholder: (n) => `$${n}`, contains: (col, p) => `strpos(${col}, ${p}) > 0` };
const cast = (col: string, n: number): string => (JSON_COLUMNS.has(col) ? `$${n}::jsonb` : `$${n}`);
const INSERT_RELEASE = `INSERT INTO releases (${RELEASE_COLUMNS.join(', ')}) VALUES (${RELEASE_COLUMNS.map((c, i) => cast(c, i + 1)).join(', ')})`;
const UPDATE_RELEASE = `UPDATE releases SET ${RELEASE_COLUMNS.slice(1).map((c, i) => `${c} = ${cast(c, i + 1)}`).join(', ')} WHERE id = $${RELEASE_COLUMNS.length}`;
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
  return new PostgresLedgerStore(pool, subject);
}

/**
 * PostgresLedgerStore is the LedgerStore for several trackers and API replicas sharing one
 * PostgreSQL. Read-modify-write upserts run in a transaction under a per-workload advisory lock, so
 * trackers writing the same workload at once serialise; the outbox claims with FOR UPDATE SKIP LOCKED.
 */
export class PostgresLedgerStore implements LedgerStore {
  readonly #pool: pg.Pool;
  readonly #subject: string;
  #closed = false;

  /** The constructor does no I/O: openPostgresLedger connects and migrates. */
  constructor(pool: pg.Pool, subject: string) {
    this.#pool = pool;
    this.#subject = subject;
  }

  async #query(sql: string, params: readonly SqlValue[] = [], client: pg.Pool | pg.PoolClient = this.#pool): Promise<pg.QueryResult<Row>> {
    try {
      return await client.query<Row>(sql, [...params]);
    } catch (e) {
      throw toStoreError(e, this.#subject);
    }
  }

  async #tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (e) {
      throw toStoreError(e, this.#subject);
    }
    try {
      await this.#query('BEGIN', [], client);
      const out = await fn(client);
      await this.#query('COMMIT', [], client);
      return out;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  async upsertRelease(release: Release): Promise<Release> {
    return this.#tx(async (c) => {
      await this.#query('SELECT pg_advisory_xact_lock(hashtext($1))', [`rollscope-release:${release.workload.uid}`], c);
      const row =
        (await this.#query('SELECT * FROM releases WHERE id = $1', [release.id], c)).rows[0] ??
        (await this.#query('SELECT * FROM releases WHERE workload_uid = $1 AND template_hash = $2 AND revision_key = $3', [release.workload.uid, release.templateHash, release.revision ?? ''], c)).rows[0];
      const stored = row ? decodeRelease(row, d) : null;
      let next: Release;
      if (stored) next = mergeRelease(stored, release);
      else if (release.releaseNumber <= 0) next = { ...release, releaseNumber: await this.#nextNumber(release.workload.uid, c) };
      else next = release;
      const holders = await this.#query('SELECT id FROM releases WHERE workload_uid = $1 AND release_number = $2', [next.workload.uid, next.releaseNumber], c);
      checkReleaseNumber(next, holders.rows.map((h) => ({ id: String(h.id) as ReleaseId })));
      const values = encodeRelease(next);
      if (stored) await this.#query(UPDATE_RELEASE, [...values.slice(1), next.id], c);
      else await this.#query(INSERT_RELEASE, values, c);
      return next;
    });
  }

  async #nextNumber(workloadUid: string, client?: pg.PoolClient): Promise<number> {
    const res = await this.#query('SELECT MAX(release_number) AS n FROM releases WHERE workload_uid = $1', [workloadUid], client);
    const n = res.rows[0]?.n;
    return (n === null || n === undefined ? 0 : d.int(n)) + 1;
  }

  async getRelease(id: ReleaseId): Promise<Release | null> {
    const row = (await this.#query('SELECT * FROM releases WHERE id = $1', [id])).rows[0];
    return row ? decodeRelease(row, d) : null;
  }

  async releasesOf(workloadUid: string, limit?: number): Promise<readonly Release[]> {
    const res = await this.#query('SELECT * FROM releases WHERE workload_uid = $1 ORDER BY release_number DESC LIMIT $2', [workloadUid, limit ?? null]);
    return res.rows.map((r) => decodeRelease(r, d));
  }

  async latestRelease(workloadUid: string): Promise<Release | null> {
    return (await this.releasesOf(workloadUid, 1))[0] ?? null;
  }

  async nextReleaseNumber(workloadUid: string): Promise<number> {
    return this.#nextNumber(workloadUid);
  }

  async queryReleases(filter: ReleaseFilter): Promise<ReleasePage> {
    const { sql, params } = postgresHistoryQuery(filter);
    const limit = pageLimit(filter.limit);
    const res = await this.#query(sql, params);
    const rows = res.rows.map((r) => decodeRelease(r, d));
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
  }

  async activeReleases(cluster?: string): Promise<readonly Release[]> {
    const res = await this.#query(
      `SELECT * FROM releases WHERE outcome IN ('progressing', 'paused') AND ($1::text IS NULL OR cluster = $1) ORDER BY started_at DESC, id DESC`,
      [cluster ?? null],
    );
    return res.rows.map((r) => decodeRelease(r, d));
  }

  async appendWorkloadEvent(e: WorkloadEvent): Promise<boolean> {
    const w = e.workload;
    const res = await this.#query(
      `INSERT INTO workload_events (workload_uid, cluster, namespace, kind, name, type, time, resource_version, actor, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb) ON CONFLICT (workload_uid, type, resource_version) DO NOTHING`,
      [w.uid, w.cluster, w.namespace, w.kind, w.name, e.type, e.time, e.resourceVersion, JSON.stringify(e.actor), JSON.stringify(e.detail)],
    );
    return res.rowCount === 1;
  }

  async workloadEvents(workloadUid: string, since?: Instant): Promise<readonly WorkloadEvent[]> {
    const res = await this.#query('SELECT * FROM workload_events WHERE workload_uid = $1 AND ($2::bigint IS NULL OR time >= $2) ORDER BY time, seq', [workloadUid, since ?? null]);
    return res.rows.map((r) => decodeWorkloadEvent(r, d));
  }

  async upsertWorkload(x: LedgerWorkload): Promise<void> {
    const w = x.workload;
    await this.#query(
      `INSERT INTO workloads (uid, cluster, namespace, kind, name, labels, created_at, deleted_at, observed_at) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9)
       ON CONFLICT (uid) DO UPDATE SET cluster = excluded.cluster, namespace = excluded.namespace, kind = excluded.kind, name = excluded.name,
         labels = excluded.labels, created_at = excluded.created_at, deleted_at = excluded.deleted_at, observed_at = excluded.observed_at`,
      [w.uid, w.cluster, w.namespace, w.kind, w.name, JSON.stringify(x.labels), x.createdAt, x.deletedAt, x.observedAt],
    );
  }

  async listWorkloads(f: WorkloadFilter = {}): Promise<readonly WorkloadSummary[]> {
    const res = await this.#query(
      `SELECT w.*, ${LATEST_RELEASE_COLUMNS} FROM workloads w ${LATEST_RELEASE_JOIN}
       WHERE ($1::text IS NULL OR w.cluster = $1) AND (cardinality($2::text[]) = 0 OR w.namespace = ANY($2::text[]))
         AND ($3::text IS NULL OR w.kind = $3) AND ($4::text IS NULL OR w.name = $4) AND ($5::boolean OR w.deleted_at IS NULL)
       ORDER BY w.namespace COLLATE "C", w.kind COLLATE "C", w.name COLLATE "C", w.uid COLLATE "C"`,
      [f.cluster ?? null, pgTextArray(f.namespaces ?? []), f.kind ?? null, f.name ?? null, f.includeDeleted === true ? 'true' : 'false'],
    );
    return res.rows.map((r) => ({ ...decodeWorkload(r, d), latestRelease: decodeLatestSummary(r, d) }));
  }

  async saveCursor(c: WatchCursor): Promise<void> {
    await this.#query(
      `INSERT INTO watch_cursors (cluster, resource, namespace, resource_version, saved_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (cluster, resource, namespace) DO UPDATE SET resource_version = excluded.resource_version, saved_at = excluded.saved_at`,
      [c.cluster, c.resource, c.namespace, c.resourceVersion, c.savedAt],
    );
  }

  async loadCursors(cluster: string): Promise<readonly WatchCursor[]> {
    const res = await this.#query('SELECT * FROM watch_cursors WHERE cluster = $1 ORDER BY resource COLLATE "C", namespace COLLATE "C"', [cluster]);
    return res.rows.map((r) => decodeCursorRow(r, d));
  }

  async enqueueNotifications(messages: readonly OutboxMessage[]): Promise<number> {
    return this.#tx(async (c) => {
      let added = 0;
      for (const m of messages) {
        const res = await this.#query(
          `INSERT INTO outbox (idempotency_key, sink, payload, created_at, not_before, status, attempts, next_attempt_at)
           VALUES ($1, $2, $3::jsonb, $4, $5, 'pending', 0, $5) ON CONFLICT (idempotency_key) DO NOTHING`,
          [m.idempotencyKey, m.sink, JSON.stringify(m.payload ?? null), m.createdAt, m.notBefore],
          c,
        );
        added += res.rowCount ?? 0;
      }
      return added;
    });
  }

  async claimDue(now: Instant, limit: number, leaseMs: number): Promise<readonly OutboxEntry[]> {
    const res = await this.#query(
      `UPDATE outbox SET attempts = attempts + 1, lease_until = $2 WHERE id IN (
         SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
         ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [now, now + leaseMs, Math.max(0, limit)],
    );
    return res.rows.map((r) => decodeOutboxRow(r, d)).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || Number(a.id) - Number(b.id));
  }

  async markDelivered(id: string, at: Instant): Promise<void> {
    this.#mustChange(await this.#query(`UPDATE outbox SET status = 'delivered', delivered_at = $1, lease_until = NULL WHERE id = $2`, [at, outboxId(id)]), id);
  }

  async markFailed(id: string, nextAttemptAt: Instant | null, error: string): Promise<void> {
    const res =
      nextAttemptAt === null
        ? await this.#query(`UPDATE outbox SET status = 'dead', lease_until = NULL, last_error = $1 WHERE id = $2`, [error, outboxId(id)])
        : await this.#query(`UPDATE outbox SET next_attempt_at = $1, lease_until = NULL, last_error = $2 WHERE id = $3`, [nextAttemptAt, error, outboxId(id)]);
    this.#mustChange(res, id);
  }

  #mustChange(res: pg.QueryResult, id: string): void {
    if (res.rowCount === 0)
      throw new TrackerError('NOT_FOUND', `outbox entry ${id} does not exist`, { subject: `outbox entry ${id}`, hint: 'pass the id of an entry returned by claimDue' });
  }

  async outboxEntry(idempotencyKey: string): Promise<OutboxEntry | null> {
    const row = (await this.#query('SELECT * FROM outbox WHERE idempotency_key = $1', [idempotencyKey])).rows[0];
    return row ? decodeOutboxRow(row, d) : null;
  }

  async recordAction(a: OperatorAction): Promise<RecordedAction> {
    const w = a.workload;
    const res = await this.#query(
      'INSERT INTO operator_actions (who, action, cluster, namespace, kind, name, workload_uid, at, result, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb) RETURNING id',
      [a.who, a.action, w.cluster, w.namespace, w.kind, w.name, w.uid ?? null, a.at, a.result, JSON.stringify(a.detail ?? {})],
    );
    return { ...a, id: String(res.rows[0]?.id) };
  }

  async listActions(f: ActionFilter = {}): Promise<readonly RecordedAction[]> {
    const res = await this.#query(
      `SELECT * FROM operator_actions WHERE ($1::text IS NULL OR cluster = $1) AND ($2::text IS NULL OR namespace = $2) AND ($3::text IS NULL OR name = $3)
       ORDER BY at DESC, id DESC LIMIT $4`,
      [f.cluster ?? null, f.namespace ?? null, f.name ?? null, pageLimit(f.limit)],
    );
    return res.rows.map((r) => decodeActionRow(r, d));
  }

  async stats(query: StatsQuery): Promise<StatsReport> {
    const { sql, params } = releaseWhere({ since: query.since, namespaces: query.namespaces ?? [], ...(query.cluster === undefined ? {} : { cluster: query.cluster }) }, PG);
    const res = await this.#query(`SELECT workload_uid, cluster, namespace, kind, name, started_at, finished_at, outcome FROM releases WHERE ${sql}`, params);
    return computeStats(res.rows.map((r) => decodeStatsRow(r, d)), query);
  }

  async schemaVersion(): Promise<number> {
    const res = await this.#query('SELECT MAX(version) AS v FROM schema_migrations');
    const v = res.rows[0]?.v;
    return v === null || v === undefined ? 0 : d.int(v);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  readonly #canaries: CanaryStore = sqlCanaryStore(async (sql, params) => (await this.#query(sql, params)).rows, PG, d);

  upsertCanary(entry: CanaryEntry): Promise<void> {
    return this.#canaries.upsertCanary(entry);
  }

  getCanary(cluster: string, id: string): Promise<CanaryEntry | null> {
    return this.#canaries.getCanary(cluster, id);
  }

  listCanaries(filter: CanaryFilter): Promise<readonly CanaryEntry[]> {
    return this.#canaries.listCanaries(filter);
  }
}

/** postgresHistoryQuery is the main history query: one page (plus one row to know if more follow), newest first. Exported for the query-plan test. */
export function postgresHistoryQuery(filter: ReleaseFilter): { sql: string; params: readonly SqlValue[] } {
  const { sql, params } = releaseWhere(filter, PG);
  return { sql: `SELECT * FROM releases WHERE ${sql} ORDER BY started_at DESC, id DESC LIMIT $${params.length + 1}`, params: [...params, pageLimit(filter.limit) + 1] };
}

/** pgTextArray renders a text[] literal for a parameter (node-postgres would also accept a JS array; SqlValue keeps params flat). */
function pgTextArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

function outboxId(id: string): string {
  if (!/^\d{1,18}$/.test(id)) return '-1'; // not one of ours: matches no row, so the caller gets NOT_FOUND
  return id;
}
