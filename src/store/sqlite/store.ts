import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Instant } from '../../lib/clock.ts';
import { TrackerError } from '../../lib/errors.ts';
import type { Release, ReleaseId, WorkloadEvent } from '../../model/release.ts';
import { encodeCursor } from '../cursor.ts';
import type { CanaryEntry } from '../../canary/ledger.ts';
import { sqlCanaryStore } from '../sql/canary-store.ts';
import type {
  ActionFilter, CanaryFilter, CanaryStore, LedgerStore, LedgerWorkload, OperatorAction, OutboxEntry, OutboxMessage, RecordedAction, ReleaseFilter, ReleasePage,
  WatchCursor, WorkloadFilter, WorkloadSummary,
} from '../ledger.ts';
import { mergeRelease } from '../merge.ts';
import { pageLimit } from '../page-limit.ts';
import { checkReleaseNumber } from '../release-identity.ts';
import { releaseWhere, type SqlDialect } from '../sql/release-query.ts';
import { RELEASE_COLUMNS, decodeRelease, encodeRelease, type SqlValue } from '../sql/release-row.ts';
import {
  LATEST_RELEASE_COLUMNS, LATEST_RELEASE_JOIN, decodeActionRow, decodeCursorRow, decodeLatestSummary, decodeOutboxRow, decodeStatsRow,
  decodeWorkload, decodeWorkloadEvent, type Row,
} from '../sql/rows.ts';
import { computeStats, type StatsQuery, type StatsReport } from '../stats.ts';
import { sqliteDecoders as d } from './codecs.ts';
import { toSqliteStoreError } from './errors.ts';
import { migrateSqlite, sqliteSchemaVersion } from './migrate.ts';

/** SqliteLedgerOptions configures openSqliteLedger. */
export interface SqliteLedgerOptions {
  /** A file path, or `:memory:` for a private in-memory database. */
  readonly path: string;
  /** Fail with STORE_UNAVAILABLE instead of creating a missing file (read-only commands). If unset, false. */
  readonly mustExist?: boolean;
  /** How long a writer waits for another process's lock before failing, in ms. If unset, 5000. */
  readonly busyTimeoutMs?: number;
}

const SQLITE: SqlDialect = { placeholder: () => '?', contains: (col, p) => `instr(${col}, ${p}) > 0` };
const INSERT_RELEASE = `INSERT INTO releases (${RELEASE_COLUMNS.join(', ')}) VALUES (${RELEASE_COLUMNS.map(() => '?').join(', ')})`;
const UPDATE_RELEASE = `UPDATE releases SET ${RELEASE_COLUMNS.slice(1).map((c) => `${c} = ?`).join(', ')} WHERE id = ?`;

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
  return new SqliteLedgerStore(db, subject);
}

/**
 * SqliteLedgerStore is the embedded LedgerStore: one SQLite file (better-sqlite3, synchronous calls
 * wrapped in promises). Each write runs in one transaction; read-modify-write upserts take the write
 * lock first (BEGIN IMMEDIATE), so concurrent processes on the same file cannot interleave them.
 */
export class SqliteLedgerStore implements LedgerStore {
  readonly #db: Database.Database;
  readonly #subject: string;
  readonly #statements = new Map<string, Database.Statement>();

  /** The constructor does no I/O: openSqliteLedger opens and migrates the database. */
  constructor(db: Database.Database, subject = `sqlite:${db.name}`) {
    this.#db = db;
    this.#subject = subject;
  }

  /** #tx runs `fn` in a transaction (IMMEDIATE: take the write lock first) and maps lock/file failures to STORE_UNAVAILABLE. */
  #tx<T>(fn: () => T): T {
    try {
      return this.#db.transaction(fn).immediate();
    } catch (e) {
      throw toSqliteStoreError(e, this.#subject);
    }
  }

  /** database exposes the handle for tests and EXPLAIN QUERY PLAN checks. */
  get database(): Database.Database {
    return this.#db;
  }

  #stmt(sql: string): Database.Statement {
    let s = this.#statements.get(sql);
    if (!s) {
      s = this.#db.prepare(sql);
      this.#statements.set(sql, s);
    }
    return s;
  }

  #guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw toSqliteStoreError(e, this.#subject);
    }
  }

  #all(sql: string, params: readonly SqlValue[] = []): Row[] {
    return this.#guard(() => this.#stmt(sql).all(...params) as Row[]);
  }

  #get(sql: string, params: readonly SqlValue[] = []): Row | undefined {
    return this.#guard(() => this.#stmt(sql).get(...params) as Row | undefined);
  }

  #run(sql: string, params: readonly SqlValue[] = []): Database.RunResult {
    return this.#guard(() => this.#stmt(sql).run(...params));
  }

  async upsertRelease(release: Release): Promise<Release> {
    return this.#tx((): Release => {
      const row =
        this.#get('SELECT * FROM releases WHERE id = ?', [release.id]) ??
        this.#get('SELECT * FROM releases WHERE workload_uid = ? AND template_hash = ? AND revision_key = ?', [release.workload.uid, release.templateHash, release.revision ?? '']);
      const stored = row ? decodeRelease(row, d) : null;
      let next: Release;
      if (stored) next = mergeRelease(stored, release);
      else if (release.releaseNumber <= 0) next = { ...release, releaseNumber: this.#nextNumber(release.workload.uid) };
      else next = release;
      const holders = this.#all('SELECT id FROM releases WHERE workload_uid = ? AND release_number = ?', [next.workload.uid, next.releaseNumber]);
      checkReleaseNumber(next, holders.map((h) => ({ id: String(h.id) as ReleaseId })));
      const values = encodeRelease(next);
      if (stored) this.#run(UPDATE_RELEASE, [...values.slice(1), next.id]);
      else this.#run(INSERT_RELEASE, values);
      return next;
    });
  }

  #nextNumber(workloadUid: string): number {
    const row = this.#get('SELECT MAX(release_number) AS n FROM releases WHERE workload_uid = ?', [workloadUid]);
    return (row?.n === null || row?.n === undefined ? 0 : d.int(row.n)) + 1;
  }

  async getRelease(id: ReleaseId): Promise<Release | null> {
    const row = this.#get('SELECT * FROM releases WHERE id = ?', [id]);
    return row ? decodeRelease(row, d) : null;
  }

  async releasesOf(workloadUid: string, limit?: number): Promise<readonly Release[]> {
    const rows = this.#all('SELECT * FROM releases WHERE workload_uid = ? ORDER BY release_number DESC LIMIT ?', [workloadUid, limit ?? -1]);
    return rows.map((r) => decodeRelease(r, d));
  }

  async latestRelease(workloadUid: string): Promise<Release | null> {
    return (await this.releasesOf(workloadUid, 1))[0] ?? null;
  }

  async nextReleaseNumber(workloadUid: string): Promise<number> {
    return this.#nextNumber(workloadUid);
  }

  async queryReleases(filter: ReleaseFilter): Promise<ReleasePage> {
    const { sql, params } = historyQuery(filter);
    const limit = pageLimit(filter.limit);
    const rows = this.#all(sql, params).map((r) => decodeRelease(r, d));
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
  }

  async activeReleases(cluster?: string): Promise<readonly Release[]> {
    const rows = this.#all(
      `SELECT * FROM releases WHERE outcome IN ('progressing', 'paused') ${cluster === undefined ? '' : 'AND cluster = ?'} ORDER BY started_at DESC, id DESC`,
      cluster === undefined ? [] : [cluster],
    );
    return rows.map((r) => decodeRelease(r, d));
  }

  async appendWorkloadEvent(e: WorkloadEvent): Promise<boolean> {
    const w = e.workload;
    const res = this.#run(
      `INSERT INTO workload_events (workload_uid, cluster, namespace, kind, name, type, time, resource_version, actor, detail)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workload_uid, type, resource_version) DO NOTHING`,
      [w.uid, w.cluster, w.namespace, w.kind, w.name, e.type, e.time, e.resourceVersion, JSON.stringify(e.actor), JSON.stringify(e.detail)],
    );
    return res.changes === 1;
  }

  async workloadEvents(workloadUid: string, since?: Instant): Promise<readonly WorkloadEvent[]> {
    const rows = this.#all('SELECT * FROM workload_events WHERE workload_uid = ? AND time >= ? ORDER BY time, seq', [workloadUid, since ?? Number.MIN_SAFE_INTEGER]);
    return rows.map((r) => decodeWorkloadEvent(r, d));
  }

  async upsertWorkload(x: LedgerWorkload): Promise<void> {
    const w = x.workload;
    this.#run(
      `INSERT INTO workloads (uid, cluster, namespace, kind, name, labels, created_at, deleted_at, observed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (uid) DO UPDATE SET cluster = excluded.cluster, namespace = excluded.namespace, kind = excluded.kind, name = excluded.name,
         labels = excluded.labels, created_at = excluded.created_at, deleted_at = excluded.deleted_at, observed_at = excluded.observed_at`,
      [w.uid, w.cluster, w.namespace, w.kind, w.name, JSON.stringify(x.labels), x.createdAt, x.deletedAt, x.observedAt],
    );
  }

  async listWorkloads(filter: WorkloadFilter = {}): Promise<readonly WorkloadSummary[]> {
    const { sql, params } = workloadWhere(filter);
    const rows = this.#all(`SELECT w.*, ${LATEST_RELEASE_COLUMNS} FROM workloads w ${LATEST_RELEASE_JOIN} WHERE ${sql} ORDER BY w.namespace, w.kind, w.name, w.uid`, params);
    return rows.map((r) => ({ ...decodeWorkload(r, d), latestRelease: decodeLatestSummary(r, d) }));
  }

  async saveCursor(c: WatchCursor): Promise<void> {
    this.#run(
      `INSERT INTO watch_cursors (cluster, resource, namespace, resource_version, saved_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (cluster, resource, namespace) DO UPDATE SET resource_version = excluded.resource_version, saved_at = excluded.saved_at`,
      [c.cluster, c.resource, c.namespace, c.resourceVersion, c.savedAt],
    );
  }

  async loadCursors(cluster: string): Promise<readonly WatchCursor[]> {
    return this.#all('SELECT * FROM watch_cursors WHERE cluster = ? ORDER BY resource, namespace', [cluster]).map((r) => decodeCursorRow(r, d));
  }

  async enqueueNotifications(messages: readonly OutboxMessage[]): Promise<number> {
    return this.#tx((): number => {
      let added = 0;
      for (const m of messages) {
        const res = this.#run(
          `INSERT INTO outbox (idempotency_key, sink, payload, created_at, not_before, status, attempts, next_attempt_at)
           VALUES (?, ?, ?, ?, ?, 'pending', 0, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
          [m.idempotencyKey, m.sink, JSON.stringify(m.payload ?? null), m.createdAt, m.notBefore, m.notBefore],
        );
        added += res.changes;
      }
      return added;
    });
  }

  async claimDue(now: Instant, limit: number, leaseMs: number): Promise<readonly OutboxEntry[]> {
    return this.#tx((): OutboxEntry[] => {
      const due = this.#all(
        `SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?) ORDER BY next_attempt_at, id LIMIT ?`,
        [now, now, Math.max(0, limit)],
      );
      return due.map((r) => {
        this.#run('UPDATE outbox SET attempts = attempts + 1, lease_until = ? WHERE id = ?', [now + leaseMs, d.int(r.id)]);
        return decodeOutboxRow(this.#get('SELECT * FROM outbox WHERE id = ?', [d.int(r.id)]) ?? {}, d);
      });
    });
  }

  async markDelivered(id: string, at: Instant): Promise<void> {
    this.#mustChange(this.#run(`UPDATE outbox SET status = 'delivered', delivered_at = ?, lease_until = NULL WHERE id = ?`, [at, Number(id)]), id);
  }

  async markFailed(id: string, nextAttemptAt: Instant | null, error: string): Promise<void> {
    const res =
      nextAttemptAt === null
        ? this.#run(`UPDATE outbox SET status = 'dead', lease_until = NULL, last_error = ? WHERE id = ?`, [error, Number(id)])
        : this.#run(`UPDATE outbox SET next_attempt_at = ?, lease_until = NULL, last_error = ? WHERE id = ?`, [nextAttemptAt, error, Number(id)]);
    this.#mustChange(res, id);
  }

  #mustChange(res: Database.RunResult, id: string): void {
    if (res.changes === 0)
      throw new TrackerError('NOT_FOUND', `outbox entry ${id} does not exist`, { subject: `outbox entry ${id}`, hint: 'pass the id of an entry returned by claimDue' });
  }

  async outboxEntry(idempotencyKey: string): Promise<OutboxEntry | null> {
    const row = this.#get('SELECT * FROM outbox WHERE idempotency_key = ?', [idempotencyKey]);
    return row ? decodeOutboxRow(row, d) : null;
  }

  async recordAction(a: OperatorAction): Promise<RecordedAction> {
    const w = a.workload;
    const res = this.#run(
      'INSERT INTO operator_actions (who, action, cluster, namespace, kind, name, workload_uid, at, result, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [a.who, a.action, w.cluster, w.namespace, w.kind, w.name, w.uid ?? null, a.at, a.result, JSON.stringify(a.detail ?? {})],
    );
    return { ...a, id: String(res.lastInsertRowid) };
  }

  async listActions(filter: ActionFilter = {}): Promise<readonly RecordedAction[]> {
    const clauses: string[] = [];
    const params: SqlValue[] = [];
    for (const [col, v] of [['cluster', filter.cluster], ['namespace', filter.namespace], ['name', filter.name]] as const)
      if (v !== undefined) {
        clauses.push(`${col} = ?`);
        params.push(v);
      }
    const where = clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`;
    return this.#all(`SELECT * FROM operator_actions ${where} ORDER BY at DESC, id DESC LIMIT ?`, [...params, pageLimit(filter.limit)]).map((r) => decodeActionRow(r, d));
  }

  async stats(query: StatsQuery): Promise<StatsReport> {
    const { sql, params } = releaseWhere({ since: query.since, namespaces: query.namespaces ?? [], ...(query.cluster === undefined ? {} : { cluster: query.cluster }) }, SQLITE);
    const rows = this.#all(`SELECT workload_uid, cluster, namespace, kind, name, started_at, finished_at, outcome FROM releases WHERE ${sql}`, params);
    return computeStats(rows.map((r) => decodeStatsRow(r, d)), query);
  }

  async schemaVersion(): Promise<number> {
    return sqliteSchemaVersion(this.#db);
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  readonly #canaries: CanaryStore = sqlCanaryStore(async (sql, params) => this.#guard(() => (this.#stmt(sql).reader ? (this.#stmt(sql).all(...params) as Row[]) : (this.#stmt(sql).run(...params), []))), SQLITE, d);

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

/** historyQuery is the main history query: one page (plus one row to know if more follow), newest first. Exported for the query-plan test. */
export function historyQuery(filter: ReleaseFilter): { sql: string; params: readonly SqlValue[] } {
  const { sql, params } = releaseWhere(filter, SQLITE);
  return { sql: `SELECT * FROM releases WHERE ${sql} ORDER BY started_at DESC, id DESC LIMIT ?`, params: [...params, pageLimit(filter.limit) + 1] };
}

function workloadWhere(f: WorkloadFilter): { sql: string; params: SqlValue[] } {
  const clauses: string[] = [];
  const params: SqlValue[] = [];
  const add = (clause: string, ...values: SqlValue[]): void => {
    clauses.push(clause);
    params.push(...values);
  };
  if (f.cluster !== undefined) add('w.cluster = ?', f.cluster);
  if (f.namespaces && f.namespaces.length > 0) add(`w.namespace IN (${f.namespaces.map(() => '?').join(', ')})`, ...f.namespaces);
  if (f.kind !== undefined) add('w.kind = ?', f.kind);
  if (f.name !== undefined) add('w.name = ?', f.name);
  if (f.includeDeleted !== true) clauses.push('w.deleted_at IS NULL');
  return { sql: clauses.length === 0 ? '1=1' : clauses.join(' AND '), params };
}
