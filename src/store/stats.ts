import type { Instant } from '../lib/clock.ts';
import type { Outcome, WorkloadKind } from '../model/release.ts';

/** StatsGroupBy says how `stats` splits its figures: per workload or per namespace. */
export type StatsGroupBy = 'workload' | 'namespace';

/** StatsQuery asks for delivery metrics over releases started in `[since, until)`. */
export interface StatsQuery {
  readonly since: Instant;
  readonly until: Instant;
  readonly cluster?: string;
  /** Any of these namespaces. If unset or empty, all. */
  readonly namespaces?: readonly string[];
  /** If unset, 'namespace'. */
  readonly groupBy?: StatsGroupBy;
}

/** StatsRow is the slice of a release that the stats read; stores fetch these over an indexed range. */
export interface StatsRow {
  readonly workloadUid: string;
  readonly cluster: string;
  readonly namespace: string;
  readonly kind: WorkloadKind;
  readonly name: string;
  readonly startedAt: Instant;
  readonly finishedAt: Instant | null;
  readonly outcome: Outcome;
}

/** Percentiles are nearest-rank percentiles of a set of durations in milliseconds. */
export interface Percentiles {
  readonly p50: number;
  readonly p90: number;
}

/** StatsFigures are the four DORA-style figures plus rollout durations, for one group or the total. */
export interface StatsFigures {
  /** Releases started in the window. */
  readonly releases: number;
  /** releases / window length in days. */
  readonly deploymentsPerDay: number;
  /** Releases in the window that ended `failed` or `rolled-back`. */
  readonly failures: number;
  /** failures / releases that ended `succeeded`, `failed` or `rolled-back`; null when none ended. */
  readonly changeFailureRate: number | null;
  /** Incidents (runs of failures) opened in the window and restored by a later success. */
  readonly restores: number;
  /** From an incident's first failed release start to the restoring release's finish; null without restores. */
  readonly timeToRestoreMs: Percentiles | null;
  /** finishedAt − startedAt of releases in the window that `succeeded`; null when none. */
  readonly durationMs: Percentiles | null;
}

/** StatsGroup is the figures of one workload or namespace. `kind`, `name`, `workloadUid` are set per workload. */
export interface StatsGroup extends StatsFigures {
  readonly cluster: string;
  readonly namespace: string;
  readonly kind?: WorkloadKind;
  readonly name?: string;
  readonly workloadUid?: string;
}

/** StatsReport is the answer to a StatsQuery: the total and each group, groups ordered by cluster, namespace, name. */
export interface StatsReport {
  readonly since: Instant;
  readonly until: Instant;
  readonly groupBy: StatsGroupBy;
  readonly total: StatsFigures;
  readonly groups: readonly StatsGroup[];
}

const DAY_MS = 86_400_000;
const FAILED: ReadonlySet<Outcome> = new Set(['failed', 'rolled-back']);
const ENDED: ReadonlySet<Outcome> = new Set(['succeeded', 'failed', 'rolled-back']);

/**
 * percentile returns the nearest-rank percentile `p` (0 < p ≤ 100) of ascending `sorted` values.
 * Worked example: [10, 20, 30, 40] → p50 is rank ceil(0.5·4)=2 → 20; p90 is rank ceil(0.9·4)=4 → 40.
 */
export function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? 0;
}

function percentiles(values: readonly number[]): Percentiles | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p90: percentile(sorted, 90) };
}

/**
 * restoreTimes returns the time to restore of each incident opened in the window, for one workload's
 * rows in start order. An incident opens at the start of a failed release that follows a success (or
 * the window start) and closes at the finish of the next succeeded release; later failures of the same
 * incident do not open another. Example: fail@10, fail@20, ok@30 (finished 35) → one restore of 25.
 */
function restoreTimes(rows: readonly StatsRow[], q: StatsQuery): number[] {
  const out: number[] = [];
  let openedAt: Instant | null = null;
  for (const r of rows) {
    if (FAILED.has(r.outcome)) {
      if (openedAt === null && r.startedAt < q.until) openedAt = r.startedAt;
    } else if (r.outcome === 'succeeded' && openedAt !== null && r.finishedAt !== null) {
      out.push(r.finishedAt - openedAt);
      openedAt = null;
    }
  }
  return out;
}

function groupRows(rows: readonly StatsRow[], keyOf: (r: StatsRow) => string): Map<string, StatsRow[]> {
  const groups = new Map<string, StatsRow[]>();
  for (const r of rows) {
    const key = keyOf(r);
    const list = groups.get(key);
    if (list) list.push(r);
    else groups.set(key, [r]);
  }
  return groups;
}

function figures(rows: readonly StatsRow[], q: StatsQuery): StatsFigures {
  const inWindow = rows.filter((r) => r.startedAt >= q.since && r.startedAt < q.until);
  const failures = inWindow.filter((r) => FAILED.has(r.outcome)).length;
  const ended = inWindow.filter((r) => ENDED.has(r.outcome)).length;
  const byWorkload = groupRows(rows, (r) => r.workloadUid);
  const restores = [...byWorkload.values()].flatMap((ws) => restoreTimes([...ws].sort((a, b) => a.startedAt - b.startedAt), q));
  const durations = inWindow.filter((r) => r.outcome === 'succeeded' && r.finishedAt !== null).map((r) => (r.finishedAt ?? r.startedAt) - r.startedAt);
  const days = Math.max(q.until - q.since, 1) / DAY_MS;
  return {
    releases: inWindow.length,
    deploymentsPerDay: inWindow.length / days,
    failures,
    changeFailureRate: ended === 0 ? null : failures / ended,
    restores: restores.length,
    timeToRestoreMs: percentiles(restores),
    durationMs: percentiles(durations),
  };
}

/**
 * computeStats computes the report from every matching release started at or after `query.since`
 * (rows after `until` are read only to find restores). Pure: stores fetch the rows over their
 * (cluster/namespace, startedAt) index and call this, so every store gives the same numbers.
 */
export function computeStats(rows: readonly StatsRow[], query: StatsQuery): StatsReport {
  const groupBy = query.groupBy ?? 'namespace';
  const groups = groupRows(rows, (r) =>
    groupBy === 'workload' ? `${r.cluster}\u0000${r.namespace}\u0000${r.name}\u0000${r.workloadUid}` : `${r.cluster}\u0000${r.namespace}`,
  );
  const out: StatsGroup[] = [];
  for (const key of [...groups.keys()].sort()) {
    const members = groups.get(key) ?? [];
    const first = members[0];
    if (!first || !members.some((r) => r.startedAt < query.until)) continue;
    const who = groupBy === 'workload' ? { kind: first.kind, name: first.name, workloadUid: first.workloadUid } : {};
    out.push({ cluster: first.cluster, namespace: first.namespace, ...who, ...figures(members, query) });
  }
  return { since: query.since, until: query.until, groupBy, total: figures(rows, query), groups: out };
}
