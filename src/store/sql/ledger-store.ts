import type { Instant } from '../../lib/clock.ts';
import { TrackerError } from '../../lib/errors.ts';
import type { Release, ReleaseId, WorkloadEvent } from '../../model/release.ts';
import type { CanaryEntry } from '../../canary/ledger.ts';
import { encodeCursor } from '../cursor.ts';
import type {
  ActionFilter, CanaryFilter, CanaryStore, LedgerStore, LedgerWorkload, ListedRelease, OperatorAction, OutboxEntry, OutboxMessage, RecordedAction, ReleaseFilter, ReleasePage,
  WorkloadFilter, WorkloadSummary,
} from '../ledger.ts';
import { mergeRelease } from '../merge.ts';
import { pageLimit } from '../page-limit.ts';
import { checkReleaseNumber } from '../release-identity.ts';
import { computeStats, type StatsQuery, type StatsReport } from '../stats.ts';
import type { StatsRunner } from '../stats-thread.ts';
import { sqlCanaryStore } from './canary-store.ts';
import { Json, nextReleaseSeq, raw, sqlFor, type Sql, type SqlDialect, type SqlDriver, type SqlQuerier } from './driver.ts';
import { releaseWhere } from './release-query.ts';
import { statsFromDays, updateStatsDays } from './stats-days.ts';
import { JSON_RELEASE_COLUMNS, RELEASE_COLUMNS, decodeListedRelease, listedReleaseColumns, decodeRelease, encodeRelease, encodeTemplate, type SqlValue } from './release-row.ts';
import {
  LATEST_RELEASE_COLUMNS, LATEST_RELEASE_JOIN, decodeActionRow, decodeLatestSummary, decodeOutboxRow, decodeStatsRow,
  decodeWorkload, decodeWorkloadEvent,
} from './rows.ts';

/**
 * WITH_TEMPLATE selects a whole release: the `releases` row (alias r) and its template from
 * `release_templates` (migration 0009). Reads of one release or of the tracker's working set use it;
 * lists read the `releases` row alone.
 */
const WITH_TEMPLATE = `SELECT ${listedReleaseColumns('r')}, t.template FROM releases r LEFT JOIN release_templates t ON t.id = r.id`;

/**
 * historyQuery is the main history query for one dialect: one page plus one row (to know whether
 * more follow), newest first. Exported for the query-plan tests of each dialect.
 */
export function historyQuery(filter: ReleaseFilter, dialect: SqlDialect): Sql {
  const { sql, params } = releaseWhere(filter, dialect);
  return { sql: `SELECT ${listedReleaseColumns()} FROM releases WHERE ${sql} ORDER BY started_at DESC, id DESC LIMIT ${dialect.placeholder(params.length + 1)}`, params: [...params, pageLimit(filter.limit) + 1] };
}

/** statsQuery selects the columns computeStats reads, for the window and scope of a stats query. */
export function statsQuery(query: StatsQuery, dialect: SqlDialect): Sql {
  const { sql, params } = releaseWhere({ since: query.since, namespaces: query.namespaces ?? [], ...(query.cluster === undefined ? {} : { cluster: query.cluster }) }, dialect);
  return { sql: `SELECT workload_uid, cluster, namespace, kind, name, started_at, finished_at, outcome FROM releases WHERE ${sql}`, params };
}

/**
 * SqlLedgerStore is the one SQL implementation of LedgerStore, over a SqlDriver (SQLite or
 * PostgreSQL). The release upsert is written here once: inside one transaction it locks the
 * workload (where the dialect needs it), finds the stored release by id or natural key, merges
 * (merge.ts), assigns a number when asked, checks the number is free, and writes.
 */
export class SqlLedgerStore implements LedgerStore {
  readonly #db: SqlDriver;
  readonly #sql: ReturnType<typeof sqlFor>;
  readonly #stats: StatsRunner | null;
  readonly #canaries: CanaryStore;

  /**
   * The constructor does no I/O: the dialect's open function opens and migrates the database.
   * `stats`, when given, computes stats off the caller's thread (stats-thread.ts); this store closes it.
   */
  constructor(driver: SqlDriver, stats: StatsRunner | null = null) {
    this.#db = driver;
    this.#sql = sqlFor(driver.dialect);
    this.#stats = stats;
    this.#canaries = sqlCanaryStore(async (sql, params) => (await driver.query(sql, params)).rows, driver.dialect, driver.decoders);
  }

  /** driver exposes the driver (dialect-specific tests, EXPLAIN checks). */
  get driver(): SqlDriver {
    return this.#db;
  }

  async #rows(q: Sql, on: SqlQuerier = this.#db): Promise<readonly Readonly<Record<string, unknown>>[]> {
    return (await on.query(q.sql, q.params)).rows;
  }

  async upsertRelease(release: Release, outbox?: (stored: Release) => readonly OutboxMessage[]): Promise<Release> {
    const s = this.#sql;
    const d = this.#db.decoders;
    return this.#db.transaction(async (tx) => {
      const lock = this.#db.dialect.lockKey(this.#db.dialect.placeholder(1));
      if (lock !== null) await tx.query(lock, [`rollscope-release:${release.workload.cluster}/${release.workload.uid}`]);
      const row =
        (await this.#rows(s`${raw(WITH_TEMPLATE)} WHERE r.id = ${release.id}`, tx))[0] ??
        (await this.#rows(s`${raw(WITH_TEMPLATE)} WHERE r.cluster = ${release.workload.cluster} AND r.workload_uid = ${release.workload.uid} AND r.template_hash = ${release.templateHash} AND r.revision_key = ${release.revision ?? ''}`, tx))[0];
      const stored = row ? decodeRelease(row, d) : null;
      let next: Release;
      if (stored) next = mergeRelease(stored, release);
      else if (release.releaseNumber <= 0) next = { ...release, releaseNumber: await this.#nextNumber(release.workload.cluster, release.workload.uid, tx) };
      else next = release;
      const holders = await this.#rows(s`SELECT id FROM releases WHERE cluster = ${next.workload.cluster} AND workload_uid = ${next.workload.uid} AND release_number = ${next.releaseNumber}`, tx);
      checkReleaseNumber(next, holders.map((h) => ({ id: String(h.id) as ReleaseId })));
      const write = writeRelease(this.#db.dialect, next, stored === null ? await this.#nextSeq(next, tx) : undefined);
      await tx.query(write.sql, write.params);
      const template = encodeTemplate(next);
      if (stored === null || template !== encodeTemplate(stored)) {
        const t = s`INSERT INTO release_templates (id, template) VALUES (${next.id}, ${raw(this.#db.dialect.json(this.#db.dialect.placeholder(2)))})
           ON CONFLICT (id) DO UPDATE SET template = excluded.template`;
        await tx.query(t.sql, [...t.params, template]);
      }
      await updateStatsDays(tx, this.#db.dialect, d, stored, next);
      if (outbox) await this.#enqueue(outbox(next), tx);
      return next;
    });
  }

  /** #nextSeq is a new release's place where the dialect clusters releases by workload (ReleaseSeq), else null. */
  async #nextSeq(r: Release, tx: SqlQuerier): Promise<number | null> {
    const seq = this.#db.dialect.releaseSeq;
    if (seq === null) return null;
    const p = this.#db.dialect.placeholder(1);
    await tx.query(seq.key(p), [r.workload.uid]);
    const row = (await this.#rows({ sql: seq.range(p), params: [r.workload.uid] }, tx))[0];
    if (row === undefined) throw new TrackerError('INTERNAL', `no release_workload_keys row for workload ${r.workload.uid} after inserting it`, { subject: this.#db.subject });
    const int = (v: unknown): number | null => (v === null || v === undefined ? null : this.#db.decoders.int(v));
    return nextReleaseSeq(seq.span, this.#db.decoders.int(row.base), int(row.top), int(row.last));
  }

  async #nextNumber(cluster: string, workloadUid: string, on: SqlQuerier = this.#db): Promise<number> {
    const row = (await this.#rows(this.#sql`SELECT MAX(release_number) AS n FROM releases WHERE cluster = ${cluster} AND workload_uid = ${workloadUid}`, on))[0];
    return (row?.n === null || row?.n === undefined ? 0 : this.#db.decoders.int(row.n)) + 1;
  }

  async getRelease(id: ReleaseId): Promise<Release | null> {
    const row = (await this.#rows(this.#sql`${raw(WITH_TEMPLATE)} WHERE r.id = ${id}`))[0];
    return row ? decodeRelease(row, this.#db.decoders) : null;
  }

  async releasesOf(workloadUid: string, limit?: number): Promise<readonly Release[]> {
    const s = this.#sql;
    const q = limit === undefined
      ? s`${raw(WITH_TEMPLATE)} WHERE r.workload_uid = ${workloadUid} ORDER BY r.release_number DESC`
      : s`${raw(WITH_TEMPLATE)} WHERE r.workload_uid = ${workloadUid} ORDER BY r.release_number DESC LIMIT ${limit}`;
    return (await this.#rows(q)).map((r) => decodeRelease(r, this.#db.decoders));
  }

  async latestRelease(workloadUid: string): Promise<Release | null> {
    return (await this.releasesOf(workloadUid, 1))[0] ?? null;
  }

  async nextReleaseNumber(workloadUid: string): Promise<number> {
    const row = (await this.#rows(this.#sql`SELECT MAX(release_number) AS n FROM releases WHERE workload_uid = ${workloadUid}`))[0];
    return (row?.n === null || row?.n === undefined ? 0 : this.#db.decoders.int(row.n)) + 1;
  }

  async queryReleases(filter: ReleaseFilter): Promise<ReleasePage> {
    const limit = pageLimit(filter.limit);
    const rows = (await this.#rows(historyQuery(filter, this.#db.dialect))).map((r) => decodeListedRelease(r, this.#db.decoders));
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
  }

  async activeReleases(cluster?: string): Promise<readonly Release[]> {
    const s = this.#sql;
    const q = cluster === undefined
      ? s`${raw(WITH_TEMPLATE)} WHERE r.outcome IN ('progressing', 'paused') ORDER BY r.started_at DESC, r.id DESC`
      : s`${raw(WITH_TEMPLATE)} WHERE r.outcome IN ('progressing', 'paused') AND r.cluster = ${cluster} ORDER BY r.started_at DESC, r.id DESC`;
    return (await this.#rows(q)).map((r) => decodeRelease(r, this.#db.decoders));
  }

  async stuckReleases(cluster?: string): Promise<readonly ListedRelease[]> {
    // Driven by the workloads (one index probe each for the latest release), not by every failed release ever.
    const params: SqlValue[] = [];
    const where = cluster === undefined ? '' : ` AND w.cluster = ${this.#db.dialect.placeholder(params.push(cluster))}`;
    const sql = `SELECT ${listedReleaseColumns('r')} FROM workloads w ${LATEST_RELEASE_JOIN} WHERE w.deleted_at IS NULL AND r.outcome = 'failed'${where} ORDER BY r.started_at DESC, r.id DESC`;
    return (await this.#rows({ sql, params })).map((r) => decodeListedRelease(r, this.#db.decoders));
  }

  async appendWorkloadEvent(e: WorkloadEvent): Promise<boolean> {
    const w = e.workload;
    const res = await this.#run(this.#sql`INSERT INTO workload_events (workload_uid, cluster, namespace, kind, name, type, time, resource_version, actor, detail)
       VALUES (${w.uid}, ${w.cluster}, ${w.namespace}, ${w.kind}, ${w.name}, ${e.type}, ${e.time}, ${e.resourceVersion}, ${new Json(e.actor)}, ${new Json(e.detail)})
       ON CONFLICT (cluster, workload_uid, type, resource_version) DO NOTHING`);
    return res.changes === 1;
  }

  async workloadEvents(workloadUid: string, since?: Instant): Promise<readonly WorkloadEvent[]> {
    const s = this.#sql;
    const q = since === undefined
      ? s`SELECT * FROM workload_events WHERE workload_uid = ${workloadUid} ORDER BY time, seq`
      : s`SELECT * FROM workload_events WHERE workload_uid = ${workloadUid} AND time >= ${since} ORDER BY time, seq`;
    return (await this.#rows(q)).map((r) => decodeWorkloadEvent(r, this.#db.decoders));
  }

  async upsertWorkload(x: LedgerWorkload): Promise<void> {
    const w = x.workload;
    await this.#run(this.#sql`INSERT INTO workloads (uid, cluster, namespace, kind, name, labels, created_at, deleted_at, observed_at)
       VALUES (${w.uid}, ${w.cluster}, ${w.namespace}, ${w.kind}, ${w.name}, ${new Json(x.labels)}, ${x.createdAt}, ${x.deletedAt}, ${x.observedAt})
       ON CONFLICT (cluster, uid) DO UPDATE SET namespace = excluded.namespace, kind = excluded.kind, name = excluded.name,
         labels = excluded.labels, created_at = excluded.created_at, deleted_at = excluded.deleted_at, observed_at = excluded.observed_at`);
  }

  async listWorkloads(f: WorkloadFilter = {}): Promise<readonly WorkloadSummary[]> {
    const dialect = this.#db.dialect;
    const clauses: string[] = [];
    const params: SqlValue[] = [];
    const p = (v: SqlValue): string => {
      params.push(v);
      return dialect.placeholder(params.length);
    };
    if (f.cluster !== undefined) clauses.push(`w.cluster = ${p(f.cluster)}`);
    if (f.namespaces && f.namespaces.length > 0) clauses.push(`w.namespace IN (${f.namespaces.map((n) => p(n)).join(', ')})`);
    if (f.kind !== undefined) clauses.push(`w.kind = ${p(f.kind)}`);
    if (f.name !== undefined) clauses.push(`w.name = ${p(f.name)}`);
    if (f.includeDeleted !== true) clauses.push('w.deleted_at IS NULL');
    const c = dialect.collate;
    const sql = `SELECT w.*, ${LATEST_RELEASE_COLUMNS} FROM workloads w ${LATEST_RELEASE_JOIN} WHERE ${clauses.length === 0 ? '1=1' : clauses.join(' AND ')}
       ORDER BY w.namespace${c}, w.kind${c}, w.name${c}, w.uid${c}`;
    return (await this.#rows({ sql, params })).map((r) => ({ ...decodeWorkload(r, this.#db.decoders), latestRelease: decodeLatestSummary(r, this.#db.decoders) }));
  }

  async enqueueNotifications(messages: readonly OutboxMessage[]): Promise<number> {
    return this.#db.transaction((tx) => this.#enqueue(messages, tx));
  }

  /** #enqueue inserts outbox messages inside the caller's transaction, skipping keys already there; returns how many were new. */
  async #enqueue(messages: readonly OutboxMessage[], tx: SqlQuerier): Promise<number> {
    let added = 0;
    for (const m of messages) {
      const q = this.#sql`INSERT INTO outbox (idempotency_key, cluster, sink, payload, created_at, not_before, status, attempts, next_attempt_at)
         VALUES (${m.idempotencyKey}, ${m.cluster ?? DEFAULT_CLUSTER}, ${m.sink}, ${new Json(m.payload)}, ${m.createdAt}, ${m.notBefore}, 'pending', 0, ${m.notBefore})
         ON CONFLICT (idempotency_key) DO NOTHING`;
      added += (await tx.query(q.sql, q.params)).changes;
    }
    return added;
  }

  async claimDue(now: Instant, limit: number, leaseMs: number): Promise<readonly OutboxEntry[]> {
    const q = this.#sql`UPDATE outbox SET attempts = attempts + 1, lease_until = ${now + leaseMs} WHERE id IN (
         SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ${now} AND (lease_until IS NULL OR lease_until <= ${now})
         ORDER BY next_attempt_at, id LIMIT ${Math.max(0, limit)}${raw(this.#db.dialect.skipLocked)})
       RETURNING *`;
    const rows = await this.#db.transaction(async (tx) => (await tx.query(q.sql, q.params)).rows);
    return rows.map((r) => decodeOutboxRow(r, this.#db.decoders)).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || Number(a.id) - Number(b.id));
  }

  async markDelivered(id: string, at: Instant): Promise<void> {
    this.#mustChange((await this.#run(this.#sql`UPDATE outbox SET status = 'delivered', delivered_at = ${at}, lease_until = NULL WHERE id = ${outboxId(id)}`)).changes, id);
  }

  async markFailed(id: string, nextAttemptAt: Instant | null, error: string): Promise<void> {
    const s = this.#sql;
    const q = nextAttemptAt === null
      ? s`UPDATE outbox SET status = 'dead', lease_until = NULL, last_error = ${error} WHERE id = ${outboxId(id)}`
      : s`UPDATE outbox SET next_attempt_at = ${nextAttemptAt}, lease_until = NULL, last_error = ${error} WHERE id = ${outboxId(id)}`;
    this.#mustChange((await this.#run(q)).changes, id);
  }

  #mustChange(changes: number, id: string): void {
    if (changes === 0)
      throw new TrackerError('NOT_FOUND', `outbox entry ${id} does not exist`, { subject: `outbox entry ${id}`, hint: 'pass the id of an entry returned by claimDue' });
  }

  async outboxEntry(idempotencyKey: string): Promise<OutboxEntry | null> {
    const row = (await this.#rows(this.#sql`SELECT * FROM outbox WHERE idempotency_key = ${idempotencyKey}`))[0];
    return row ? decodeOutboxRow(row, this.#db.decoders) : null;
  }

  async recordAction(a: OperatorAction): Promise<RecordedAction> {
    const w = a.workload;
    const res = await this.#run(this.#sql`INSERT INTO operator_actions (who, action, cluster, namespace, kind, name, workload_uid, at, result, detail)
       VALUES (${a.who}, ${a.action}, ${w.cluster}, ${w.namespace}, ${w.kind}, ${w.name}, ${w.uid ?? null}, ${a.at}, ${a.result}, ${new Json(a.detail ?? {})}) RETURNING id`);
    return { ...a, id: String(res.rows[0]?.id) };
  }

  async listActions(f: ActionFilter = {}): Promise<readonly RecordedAction[]> {
    const dialect = this.#db.dialect;
    const clauses: string[] = [];
    const params: SqlValue[] = [];
    for (const [col, v] of [['cluster', f.cluster], ['namespace', f.namespace], ['name', f.name]] as const)
      if (v !== undefined) {
        params.push(v);
        clauses.push(`${col} = ${dialect.placeholder(params.length)}`);
      }
    params.push(pageLimit(f.limit));
    const sql = `SELECT * FROM operator_actions ${clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`} ORDER BY at DESC, id DESC LIMIT ${dialect.placeholder(params.length)}`;
    return (await this.#rows({ sql, params })).map((r) => decodeActionRow(r, this.#db.decoders));
  }

  async stats(query: StatsQuery): Promise<StatsReport> {
    if (this.#stats) return this.#stats.run(query);
    // Per namespace (the default) from the per-day tables; per workload from the releases, since a
    // per-workload report has a group for every workload released in the window anyway.
    if ((query.groupBy ?? 'namespace') === 'namespace') return statsFromDays(async (sql, params) => (await this.#db.query(sql, params)).rows, this.#db.dialect, this.#db.decoders, query);
    return computeStats((await this.#rows(statsQuery(query, this.#db.dialect))).map((r) => decodeStatsRow(r, this.#db.decoders)), query);
  }

  upsertCanary(entry: CanaryEntry): Promise<void> {
    return this.#canaries.upsertCanary(entry);
  }

  getCanary(cluster: string, id: string): Promise<CanaryEntry | null> {
    return this.#canaries.getCanary(cluster, id);
  }

  listCanaries(filter: CanaryFilter): Promise<readonly CanaryEntry[]> {
    return this.#canaries.listCanaries(filter);
  }

  async schemaVersion(): Promise<number> {
    const v = (await this.#rows(this.#sql`SELECT MAX(version) AS v FROM schema_migrations`))[0]?.v;
    return v === null || v === undefined ? 0 : this.#db.decoders.int(v);
  }

  async close(): Promise<void> {
    await this.#stats?.close();
    await this.#db.close();
  }

  async #run(q: Sql): Promise<{ readonly rows: readonly Readonly<Record<string, unknown>>[]; readonly changes: number }> {
    return this.#db.query(q.sql, q.params);
  }
}

/** DEFAULT_CLUSTER is the cluster name of a tracker started without `--cluster`. */
export const DEFAULT_CLUSTER = 'default';

/** writeRelease is the INSERT (no stored row) or UPDATE (by id) of a release's `releases` columns (not its template), JSON columns cast by the dialect. */
/** writeRelease updates a stored release (`insertSeq` undefined) or inserts a new one, with its seq where the dialect has one. */
function writeRelease(dialect: SqlDialect, r: Release, insertSeq: number | null | undefined): Sql {
  const values = encodeRelease(r);
  const params: SqlValue[] = [];
  const ph = (v: SqlValue, column: string): string => {
    params.push(v);
    const p = dialect.placeholder(params.length);
    return JSON_RELEASE_COLUMNS.has(column) && v !== null ? dialect.json(p) : p;
  };
  if (insertSeq !== undefined) {
    // Where releases are clustered by workload, a new row also gets its seq (never changed after).
    const seq = insertSeq === null ? null : ph(insertSeq, 'seq');
    const columns = seq === null ? RELEASE_COLUMNS.join(', ') : `seq, ${RELEASE_COLUMNS.join(', ')}`;
    const placed = RELEASE_COLUMNS.map((c, i) => ph(values[i] ?? null, c)).join(', ');
    return { sql: `INSERT INTO releases (${columns}) VALUES (${seq === null ? '' : `${seq}, `}${placed})`, params };
  }
  const sets = RELEASE_COLUMNS.map((c, i) => (i === 0 ? '' : `${c} = ${ph(values[i] ?? null, c)}`)).slice(1);
  return { sql: `UPDATE releases SET ${sets.join(', ')} WHERE id = ${ph(r.id, 'id')}`, params };
}

function outboxId(id: string): string | number {
  if (!/^\d{1,18}$/.test(id)) return -1; // not one of ours: matches no row, so the caller gets NOT_FOUND
  return Number(id);
}
