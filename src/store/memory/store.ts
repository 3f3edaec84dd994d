import type { CanaryEntry } from '../../canary/ledger.ts';
import type { Instant } from '../../lib/clock.ts';
import { TrackerError } from '../../lib/errors.ts';
import type { Release, ReleaseId, WorkloadEvent } from '../../model/release.ts';
import { compareNewestFirst, decodeCursor, encodeCursor, isAfterPosition } from '../cursor.ts';
import { matchesReleaseFilter } from '../filter.ts';
import type {
  CanaryFilter,
  ActionFilter,
  LedgerStore,
  LedgerWorkload,
  OperatorAction,
  OutboxEntry,
  OutboxMessage,
  RecordedAction,
  ReleaseFilter,
  ReleasePage,
  WatchCursor,
  WorkloadFilter,
  WorkloadSummary,
} from '../ledger.ts';
import { mergeRelease } from '../merge.ts';
import { pageLimit } from '../page-limit.ts';
import { computeStats, type StatsQuery, type StatsReport } from '../stats.ts';
import { checkReleaseNumber, naturalKey, summarize } from '../release-identity.ts';

/** MEMORY_SCHEMA_VERSION is the schema version the memory store claims (the SQL stores' latest migration). */
export const MEMORY_SCHEMA_VERSION = 2;

/**
 * MemoryLedgerState is everything a MemoryLedgerStore holds. Passing the same state to a new store
 * simulates reopening a durable ledger (used by the contract suite's restart tests).
 */
export interface MemoryLedgerState {
  readonly releases: Map<string, Release>;
  readonly workloads: Map<string, LedgerWorkload>;
  readonly events: WorkloadEvent[];
  readonly cursors: Map<string, WatchCursor>;
  readonly outbox: Map<string, OutboxEntry>;
  readonly actions: RecordedAction[];
  readonly canaries: Map<string, CanaryEntry>;
  readonly schemaVersions: number[];
  nextId: number;
}

/** newMemoryLedgerState returns an empty state at the current schema version. */
export function newMemoryLedgerState(): MemoryLedgerState {
  return { releases: new Map(), workloads: new Map(), events: [], cursors: new Map(), outbox: new Map(), actions: [], canaries: new Map(), schemaVersions: [MEMORY_SCHEMA_VERSION], nextId: 1 };
}

const copy = <T>(v: T): T => structuredClone(v);
const isActive = (r: Release): boolean => r.outcome === 'progressing' || r.outcome === 'paused';

/**
 * MemoryLedgerStore keeps the ledger in process memory: for tests, demos and as the reference
 * implementation of the contract. Not durable beyond its MemoryLedgerState object.
 */
export class MemoryLedgerStore implements LedgerStore {
  readonly #s: MemoryLedgerState;
  constructor(state: MemoryLedgerState = newMemoryLedgerState()) {
    const newest = Math.max(...state.schemaVersions);
    if (newest > MEMORY_SCHEMA_VERSION)
      throw new TrackerError('STORE_MIGRATION_PENDING', `memory ledger has schema version ${newest}, newer than this rollscope knows (${MEMORY_SCHEMA_VERSION})`, {
        subject: 'memory ledger',
        hint: 'upgrade rollscope to the version that wrote this ledger',
      });
    this.#s = state;
  }

  // Every write below runs without an `await`, so concurrent calls cannot interleave inside one.
  async upsertRelease(release: Release): Promise<Release> {
    const all = [...this.#s.releases.values()];
    const key = naturalKey(release);
    const stored = this.#s.releases.get(release.id) ?? all.find((r) => naturalKey(r) === key);
    let next: Release;
    if (stored) next = mergeRelease(stored, release);
    else if (release.releaseNumber <= 0) next = { ...release, releaseNumber: this.#nextNumber(release.workload.uid) };
    else next = release;
    checkReleaseNumber(next, all.filter((r) => r.workload.uid === next.workload.uid && r.releaseNumber === next.releaseNumber));
    this.#s.releases.set(next.id, copy(next));
    return copy(next);
  }

  async getRelease(id: ReleaseId): Promise<Release | null> {
    const r = this.#s.releases.get(id);
    return r ? copy(r) : null;
  }

  async releasesOf(workloadUid: string, limit?: number): Promise<readonly Release[]> {
    const rs = [...this.#s.releases.values()].filter((r) => r.workload.uid === workloadUid).sort((a, b) => b.releaseNumber - a.releaseNumber);
    return copy(limit === undefined ? rs : rs.slice(0, limit));
  }

  async latestRelease(workloadUid: string): Promise<Release | null> {
    return (await this.releasesOf(workloadUid, 1))[0] ?? null;
  }

  async nextReleaseNumber(workloadUid: string): Promise<number> {
    return this.#nextNumber(workloadUid);
  }

  #nextNumber(workloadUid: string): number {
    let max = 0;
    for (const r of this.#s.releases.values()) if (r.workload.uid === workloadUid) max = Math.max(max, r.releaseNumber);
    return max + 1;
  }

  async queryReleases(filter: ReleaseFilter): Promise<ReleasePage> {
    const limit = pageLimit(filter.limit);
    const after = filter.cursor === undefined ? null : decodeCursor(filter.cursor);
    const rs = [...this.#s.releases.values()]
      .filter((r) => matchesReleaseFilter(r, filter) && (after === null || isAfterPosition(r, after)))
      .sort(compareNewestFirst);
    const items = rs.slice(0, limit);
    const last = items[items.length - 1];
    return { items: copy(items), nextCursor: rs.length > limit && last ? encodeCursor(last) : null };
  }

  async activeReleases(cluster?: string): Promise<readonly Release[]> {
    return copy([...this.#s.releases.values()].filter((r) => isActive(r) && (cluster === undefined || r.workload.cluster === cluster)).sort(compareNewestFirst));
  }

  async appendWorkloadEvent(event: WorkloadEvent): Promise<boolean> {
    const dup = this.#s.events.some((e) => e.workload.uid === event.workload.uid && e.type === event.type && e.resourceVersion === event.resourceVersion);
    if (dup) return false;
    this.#s.events.push(copy(event));
    return true;
  }

  async workloadEvents(workloadUid: string, since?: Instant): Promise<readonly WorkloadEvent[]> {
    return copy(this.#s.events.filter((e) => e.workload.uid === workloadUid && (since === undefined || e.time >= since)).sort((a, b) => a.time - b.time));
  }

  async upsertWorkload(workload: LedgerWorkload): Promise<void> {
    this.#s.workloads.set(workload.workload.uid, copy(workload));
  }

  async listWorkloads(filter: WorkloadFilter = {}): Promise<readonly WorkloadSummary[]> {
    const ns = filter.namespaces ?? [];
    const ws = [...this.#s.workloads.values()].filter(
      ({ workload: w, deletedAt }) =>
        (filter.cluster === undefined || w.cluster === filter.cluster) &&
        (ns.length === 0 || ns.includes(w.namespace)) &&
        (filter.kind === undefined || w.kind === filter.kind) &&
        (filter.name === undefined || w.name === filter.name) &&
        (filter.includeDeleted === true || deletedAt === null),
    );
    ws.sort((a, b) => cmp(a.workload.namespace, b.workload.namespace) || cmp(a.workload.kind, b.workload.kind) || cmp(a.workload.name, b.workload.name) || cmp(a.workload.uid, b.workload.uid));
    const out: WorkloadSummary[] = [];
    for (const w of ws) {
      const latest = await this.latestRelease(w.workload.uid);
      out.push({ ...copy(w), latestRelease: latest ? summarize(latest) : null });
    }
    return out;
  }

  async saveCursor(cursor: WatchCursor): Promise<void> {
    this.#s.cursors.set(`${cursor.cluster}\u0000${cursor.resource}\u0000${cursor.namespace}`, copy(cursor));
  }

  async loadCursors(cluster: string): Promise<readonly WatchCursor[]> {
    return copy([...this.#s.cursors.values()].filter((c) => c.cluster === cluster).sort((a, b) => cmp(a.resource, b.resource) || cmp(a.namespace, b.namespace)));
  }

  async enqueueNotifications(messages: readonly OutboxMessage[]): Promise<number> {
    let added = 0;
    for (const m of messages) {
      if ([...this.#s.outbox.values()].some((e) => e.idempotencyKey === m.idempotencyKey)) continue;
      const id = String(this.#s.nextId++);
      this.#s.outbox.set(id, { ...copy(m), id, status: 'pending', attempts: 0, nextAttemptAt: m.notBefore, leaseUntil: null, lastError: null, deliveredAt: null });
      added++;
    }
    return added;
  }

  async claimDue(now: Instant, limit: number, leaseMs: number): Promise<readonly OutboxEntry[]> {
    const due = [...this.#s.outbox.values()]
      .filter((e) => e.status === 'pending' && e.nextAttemptAt <= now && (e.leaseUntil === null || e.leaseUntil <= now))
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || Number(a.id) - Number(b.id))
      .slice(0, Math.max(0, limit));
    return due.map((e) => {
      const claimed: OutboxEntry = { ...e, attempts: e.attempts + 1, leaseUntil: now + leaseMs };
      this.#s.outbox.set(e.id, claimed);
      return copy(claimed);
    });
  }

  async markDelivered(id: string, at: Instant): Promise<void> {
    const e = this.#entry(id);
    this.#s.outbox.set(id, { ...e, status: 'delivered', deliveredAt: at, leaseUntil: null });
  }

  async markFailed(id: string, nextAttemptAt: Instant | null, error: string): Promise<void> {
    const e = this.#entry(id);
    const next = nextAttemptAt === null ? { status: 'dead' as const } : { nextAttemptAt };
    this.#s.outbox.set(id, { ...e, ...next, leaseUntil: null, lastError: error });
  }

  async outboxEntry(idempotencyKey: string): Promise<OutboxEntry | null> {
    const e = [...this.#s.outbox.values()].find((x) => x.idempotencyKey === idempotencyKey);
    return e ? copy(e) : null;
  }

  async recordAction(action: OperatorAction): Promise<RecordedAction> {
    const recorded = { ...copy(action), id: String(this.#s.nextId++) };
    this.#s.actions.push(recorded);
    return copy(recorded);
  }

  async listActions(filter: ActionFilter = {}): Promise<readonly RecordedAction[]> {
    const rs = this.#s.actions.filter(
      (a) =>
        (filter.cluster === undefined || a.workload.cluster === filter.cluster) &&
        (filter.namespace === undefined || a.workload.namespace === filter.namespace) &&
        (filter.name === undefined || a.workload.name === filter.name),
    );
    return copy([...rs].sort((a, b) => b.at - a.at || Number(b.id) - Number(a.id)).slice(0, pageLimit(filter.limit)));
  }

  async stats(query: StatsQuery): Promise<StatsReport> {
    const ns = query.namespaces ?? [];
    const rows = [...this.#s.releases.values()]
      .filter((r) => r.startedAt >= query.since && (query.cluster === undefined || r.workload.cluster === query.cluster) && (ns.length === 0 || ns.includes(r.workload.namespace)))
      .map((r) => ({ ...r.workload, workloadUid: r.workload.uid, startedAt: r.startedAt, finishedAt: r.finishedAt, outcome: r.outcome }));
    return computeStats(rows, query);
  }

  async schemaVersion(): Promise<number> {
    return Math.max(...this.#s.schemaVersions);
  }

  async close(): Promise<void> {}

  async upsertCanary(entry: CanaryEntry): Promise<void> {
    this.#s.canaries.set(`${entry.cluster}\u0000${entry.id}`, copy(entry));
  }

  async getCanary(cluster: string, id: string): Promise<CanaryEntry | null> {
    const e = this.#s.canaries.get(`${cluster}\u0000${id}`);
    return e === undefined ? null : copy(e);
  }

  async listCanaries(f: CanaryFilter): Promise<readonly CanaryEntry[]> {
    const any = <T>(xs: readonly T[] | undefined, x: T): boolean => xs === undefined || xs.length === 0 || xs.includes(x);
    return [...this.#s.canaries.values()]
      .filter((e) => (f.cluster === undefined || e.cluster === f.cluster) && any(f.namespaces, e.namespace) && (f.name === undefined || e.name === f.name) && any(f.states, e.phase))
      .sort((a, b) => b.startedAt - a.startedAt || cmp(b.id, a.id))
      .slice(0, pageLimit(f.limit))
      .map(copy);
  }

  #entry(id: string): OutboxEntry {
    const e = this.#s.outbox.get(id);
    if (!e) throw new TrackerError('NOT_FOUND', `outbox entry ${id} does not exist`, { subject: `outbox entry ${id}`, hint: 'pass the id of an entry returned by claimDue' });
    return e;
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
