import type { Instant } from '../lib/clock.ts';
import type { ListedRelease, Outcome, Release, ReleaseId, Trigger, WorkloadEvent, WorkloadKind, WorkloadRef } from '../model/release.ts';
import type { DiagnosisCode } from '../model/diagnosis.ts';
import type { CanaryEntry } from '../canary/ledger.ts';
import type { Phase } from '../canary/record.ts';
import type { StatsQuery, StatsReport } from './stats.ts';

export type { ListedRelease } from '../model/release.ts';

export type { StatsQuery, StatsReport, StatsGroup, StatsGroupBy } from './stats.ts';

/**
 * ReleaseFilter selects releases for `queryReleases`. Every field is optional; fields combine with AND.
 * Results are always newest first: by `startedAt` descending, then `id` descending.
 */
export interface ReleaseFilter {
  readonly cluster?: string;
  /** Any of these namespaces. If unset or empty, all namespaces. */
  readonly namespaces?: readonly string[];
  readonly kind?: WorkloadKind;
  /** Exact workload name. */
  readonly name?: string;
  readonly workloadUid?: string;
  /** Case-sensitive substring of any container image (e.g. `nginx:1.27` or a registry host). */
  readonly image?: string;
  /** Only releases with `startedAt >= since`. */
  readonly since?: Instant;
  /** Only releases with `startedAt < until`. */
  readonly until?: Instant;
  /** Any of these outcomes. If unset or empty, any outcome. */
  readonly outcomes?: readonly Outcome[];
  /** Any of these triggers. If unset or empty, any trigger. */
  readonly triggers?: readonly Trigger[];
  /** Opaque cursor from a previous page's `nextCursor`: continue after its last item. */
  readonly cursor?: string;
  /** Page size. If unset, DEFAULT_PAGE_LIMIT; values above MAX_PAGE_LIMIT are clamped. */
  readonly limit?: number;
}

/** DEFAULT_PAGE_LIMIT is the page size when a filter gives none: one screenful of history. */
export const DEFAULT_PAGE_LIMIT = 50;

/** MAX_PAGE_LIMIT bounds one page, so a single request cannot read the whole ledger into memory. */
export const MAX_PAGE_LIMIT = 1000;

/**
 * ReleasePage is one page of releases, newest first. `nextCursor` is null on the last page.
 * Keyset pagination on (startedAt, id): pages neither skip nor repeat a release that existed when
 * the first page was read, even while new releases are inserted concurrently.
 */
export interface ReleasePage {
  readonly items: readonly ListedRelease[];
  readonly nextCursor: string | null;
}

/** WorkloadFilter selects workloads for `listWorkloads`. Fields combine with AND. */
export interface WorkloadFilter {
  readonly cluster?: string;
  readonly namespaces?: readonly string[];
  readonly kind?: WorkloadKind;
  readonly name?: string;
  /** Include deleted workloads. If unset, false. */
  readonly includeDeleted?: boolean;
}

/** LedgerWorkload is a workload as the ledger knows it. */
export interface LedgerWorkload {
  readonly workload: WorkloadRef;
  readonly labels: Readonly<Record<string, string>>;
  readonly createdAt: Instant | null;
  /** When the workload was deleted, or null while it exists. */
  readonly deletedAt: Instant | null;
  /** When the tracker last wrote this record. */
  readonly observedAt: Instant;
}

/** ReleaseSummary is the part of a release that lists show next to a workload. */
export interface ReleaseSummary {
  readonly id: ReleaseId;
  readonly releaseNumber: number;
  readonly revision: string | null;
  readonly trigger: Trigger;
  readonly images: Release['images'];
  readonly startedAt: Instant;
  readonly finishedAt: Instant | null;
  readonly outcome: Outcome;
  readonly failureCode: DiagnosisCode | null;
}

/** WorkloadSummary is a workload with its latest release (highest release number), if any. */
export interface WorkloadSummary extends LedgerWorkload {
  readonly latestRelease: ReleaseSummary | null;
}

/** OutboxMessage is a notification to deliver once. */
export interface OutboxMessage {
  /** Natural key: enqueueing the same key again is a no-op (e.g. `<releaseId>/<state>/<sink>`). */
  readonly idempotencyKey: string;
  /** The cluster whose release the message is about. If unset, `default`. */
  readonly cluster?: string;
  /** The sink's name (routing target), e.g. `slack-prod`. */
  readonly sink: string;
  /** The message body, JSON-serialisable. */
  readonly payload: unknown;
  /** Earliest delivery time. */
  readonly notBefore: Instant;
  readonly createdAt: Instant;
}

/** OutboxStatus is where an outbox entry is: waiting (`pending`), done (`delivered`) or given up (`dead`). */
export type OutboxStatus = 'pending' | 'delivered' | 'dead';

/** OutboxEntry is a stored OutboxMessage with its delivery state. */
export interface OutboxEntry extends OutboxMessage {
  /** Store-assigned id, opaque. */
  readonly id: string;
  readonly status: OutboxStatus;
  /** Delivery attempts started (claims), including the current one. */
  readonly attempts: number;
  readonly nextAttemptAt: Instant;
  /** While `now < leaseUntil` the entry belongs to the worker that claimed it. */
  readonly leaseUntil: Instant | null;
  readonly lastError: string | null;
  readonly deliveredAt: Instant | null;
}

/** OperatorAction is one write operation asked for by a person or a token (audit trail). */
export interface OperatorAction {
  /** Who asked: the token's subject or the OS user. */
  readonly who: string;
  /** e.g. `undo`, `pause`, `resume`, `restart`, `set-image`. */
  readonly action: string;
  readonly workload: Omit<WorkloadRef, 'uid'> & { readonly uid?: string };
  readonly at: Instant;
  readonly result: 'ok' | 'error';
  /** Free-form detail: parameters, the error message. */
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** RecordedAction is an OperatorAction with its store-assigned id. */
export interface RecordedAction extends OperatorAction {
  readonly id: string;
}

/** ActionFilter selects recorded actions, newest first. */
export interface ActionFilter {
  readonly cluster?: string;
  readonly namespace?: string;
  readonly name?: string;
  /** If unset, DEFAULT_PAGE_LIMIT. */
  readonly limit?: number;
}

/** CanaryFilter selects canaries for `listCanaries`, newest start first. Fields combine with AND. */
export interface CanaryFilter {
  readonly cluster?: string;
  /** Any of these namespaces. If unset or empty, all. */
  readonly namespaces?: readonly string[];
  /** The stable Deployment's name. */
  readonly name?: string;
  /** Any of these states (phases). If unset or empty, any. */
  readonly states?: readonly Phase[];
  /** If unset, DEFAULT_PAGE_LIMIT; clamped to MAX_PAGE_LIMIT. */
  readonly limit?: number;
}

/**
 * CanaryStore keeps canaries (canary/ledger.ts): one entry per cluster + canary id, written whole
 * by the tracker after folding an observation, so a canary is reported after its Deployments and
 * annotations are gone.
 */
export interface CanaryStore {
  /** upsertCanary writes an entry, replacing the stored one with the same cluster + id. */
  upsertCanary(entry: CanaryEntry): Promise<void>;
  /** getCanary returns one canary, or null. */
  getCanary(cluster: string, id: string): Promise<CanaryEntry | null>;
  /** listCanaries returns canaries matching the filter, newest start first. */
  listCanaries(filter: CanaryFilter): Promise<readonly CanaryEntry[]>;
}

/**
 * The ledger is cut by concern into narrow interfaces, each with its own contract suite
 * (`contract/*.contract.ts`); a consumer asks for the narrowest one it needs. `LedgerStore` is all of
 * them over one database — the SQL implementation (sql/ledger-store.ts) over SQLite or PostgreSQL.
 *
 * Contract shared by every interface below:
 * - All methods are async and safe to call concurrently; each write is atomic.
 * - Returned objects are fresh copies owned by the caller; the store never mutates them later.
 * - Writes are idempotent on natural keys, so replays and relists after a restart never duplicate.
 * - Times are epoch milliseconds (`Instant`); `now` comes from the caller, never from the store.
 * - Failures to reach the database throw TrackerError `STORE_UNAVAILABLE`; a ledger migrated by a
 *   newer rollscope throws `STORE_MIGRATION_PENDING` when opened; a bad cursor throws `INVALID`;
 *   two different releases claiming one release number throw `CONFLICT`.
 *
 * Clusters (several trackers, one database): the cluster is a field of every write, never a store
 * setting — `WorkloadRef.cluster` on releases, workloads and workload events, `OutboxMessage.cluster`,
 * `OperatorAction.workload.cluster`. A tracker started with
 * `serve --cluster NAME` builds its WorkloadRefs with that name (DEFAULT_CLUSTER, `default`, when
 * unset). Natural keys include the cluster, so two clusters never collide; reads take an optional
 * `cluster` filter (unset: every cluster).
 */

/** ReleaseStore holds releases, workloads and workload events (what the tracker writes, what history and the API read). */
export interface ReleaseStore {
  /**
   * upsertRelease writes a release and returns it as stored.
   * Identity: a release matches a stored one with the same `id`, else one with the same natural key
   * (cluster + workload uid + template hash + native revision, null revision being a value of its own).
   * A match is updated in place by `mergeRelease` (merge.ts): the stored id, release number and
   * start time stay; outcome, finish, failure, replicas, images, revision follow the newer state
   * (a final outcome is never overwritten by a non-final one, a backfilled write never overwrites a
   * tracked one); phases keep the earliest instant; events are merged without duplicates.
   * A `releaseNumber` of 0 or less asks the store to assign the workload's next number atomically.
   * `outbox`, when given, is called inside the same transaction with the release as it will be
   * stored, and the messages it returns are enqueued there too (as `enqueueNotifications`: a key
   * already in the outbox is skipped). A release's new state and the notifications it calls for are
   * thus stored together or not at all: a crash between two separate writes could keep the state and
   * lose its messages for good, since after a restart the stored state is the `before` of the next change.
   */
  upsertRelease(release: Release, outbox?: (stored: Release) => readonly OutboxMessage[]): Promise<Release>;
  /** getRelease returns the release with this id, or null. */
  getRelease(id: ReleaseId): Promise<Release | null>;
  /** releasesOf returns a workload's releases newest first (highest release number first). If `limit` is unset, all. */
  releasesOf(workloadUid: string, limit?: number): Promise<readonly Release[]>;
  /** latestRelease returns a workload's release with the highest release number, or null. */
  latestRelease(workloadUid: string): Promise<Release | null>;
  /** nextReleaseNumber returns the number the workload's next release gets: 1 + the highest stored, or 1. */
  nextReleaseNumber(workloadUid: string): Promise<number>;
  /** queryReleases returns one page of releases matching the filter, newest first, without their templates. */
  queryReleases(filter: ReleaseFilter): Promise<ReleasePage>;
  /** activeReleases returns releases whose outcome is `progressing` or `paused`, newest first. */
  activeReleases(cluster?: string): Promise<readonly Release[]>;
  /**
   * stuckReleases returns, per workload the ledger knows and that is not deleted, its latest release
   * (highest release number) when that release failed: a failed rollout that no newer release has
   * superseded and that has not recovered. Newest first. Bounded by the number of workloads.
   */
  stuckReleases(cluster?: string): Promise<readonly ListedRelease[]>;

  /** appendWorkloadEvent records a non-release change; returns false if (cluster, workload uid, type, resourceVersion) was already recorded. */
  appendWorkloadEvent(event: WorkloadEvent): Promise<boolean>;
  /** workloadEvents returns a workload's events oldest first, optionally from `since` (inclusive). */
  workloadEvents(workloadUid: string, since?: Instant): Promise<readonly WorkloadEvent[]>;
  /** upsertWorkload records (or replaces, by cluster + uid) a workload. */
  upsertWorkload(workload: LedgerWorkload): Promise<void>;
  /** listWorkloads returns matching workloads ordered by namespace, kind, name, with their latest release. */
  listWorkloads(filter?: WorkloadFilter): Promise<readonly WorkloadSummary[]>;
}

/** OutboxStore is the durable notification outbox: enqueue once, claim with a lease, finish. */
export interface OutboxStore {
  /** enqueueNotifications stores messages; a message whose idempotency key exists is skipped. Returns how many were new. */
  enqueueNotifications(messages: readonly OutboxMessage[]): Promise<number>;
  /**
   * claimDue leases up to `limit` pending entries with `nextAttemptAt <= now` whose lease is absent
   * or expired, oldest due first, for `leaseMs`. A claimed entry is not returned again until its lease
   * expires, so two workers never hold one entry; a worker that dies mid-delivery loses its lease
   * and the entry comes back (at-least-once; receivers dedupe on the idempotency key).
   */
  claimDue(now: Instant, limit: number, leaseMs: number): Promise<readonly OutboxEntry[]>;
  /** markDelivered finishes an entry: it is never claimed again. */
  markDelivered(id: string, at: Instant): Promise<void>;
  /** markFailed releases the lease and schedules a retry at `nextAttemptAt`, or gives up (`dead`) when it is null. */
  markFailed(id: string, nextAttemptAt: Instant | null, error: string): Promise<void>;
  /** outboxEntry returns one entry by idempotency key, or null (inspection and tests). */
  outboxEntry(idempotencyKey: string): Promise<OutboxEntry | null>;
}

/** ActionLog is the audit trail of operator actions. */
export interface ActionLog {
  /** recordAction appends an operator action to the audit trail. */
  recordAction(action: OperatorAction): Promise<RecordedAction>;
  /** listActions returns recorded actions newest first. */
  listActions(filter?: ActionFilter): Promise<readonly RecordedAction[]>;
}

/** StatsSource computes delivery metrics. It never blocks the caller's event loop for long (see sql/ledger-store.ts). */
export interface StatsSource {
  /** stats computes delivery metrics over a window (see stats.ts for the definitions). */
  stats(query: StatsQuery): Promise<StatsReport>;
}

/**
 * LedgerStore is the durable release ledger: every concern above over one database. SQLite and
 * PostgreSQL provide it through the one SQL implementation; `ledger.contract.ts` runs every
 * concern's contract suite against it.
 * After `close()` no other method may be called.
 */
export interface LedgerStore extends ReleaseStore, OutboxStore, ActionLog, StatsSource, CanaryStore {
  /** schemaVersion returns the highest schema migration applied to this ledger. */
  schemaVersion(): Promise<number>;
  /** close releases connections and file handles. Idempotent. */
  close(): Promise<void>;
}
