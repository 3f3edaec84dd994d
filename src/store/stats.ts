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
  const rank = nearestRank(p, sorted.length);
  return sorted[Math.min(rank, sorted.length) - 1] ?? 0;
}

/** nearestRank is the 1-based rank of the nearest-rank percentile `p` among `total` values. */
export function nearestRank(p: number, total: number): number {
  return Math.max(1, Math.ceil((p / 100) * total));
}

/**
 * StatsTally is the additive part of one group's figures: counts, and each duration and restore
 * time with how often it occurred (an exact histogram: value in ms → count). Tallies of disjoint
 * sets of releases add up (addTally), which is what lets stores keep them per day (sql/stats-days.ts)
 * instead of reading every release of a window.
 */
export interface StatsTally {
  releases: number;
  failures: number;
  ended: number;
  readonly durations: Map<number, number>;
  readonly restores: Map<number, number>;
}

/** emptyTally is a tally of nothing. */
export function emptyTally(): StatsTally {
  return { releases: 0, failures: 0, ended: 0, durations: new Map(), restores: new Map() };
}

/** countValue adds `n` (may be negative) occurrences of `v` to a histogram, dropping values that reach 0. */
export function countValue(h: Map<number, number>, v: number, n = 1): void {
  const c = (h.get(v) ?? 0) + n;
  if (c === 0) h.delete(v);
  else h.set(v, c);
}

/** addTally adds `b` into `a` (returns `a`). */
export function addTally(a: StatsTally, b: StatsTally): StatsTally {
  a.releases += b.releases;
  a.failures += b.failures;
  a.ended += b.ended;
  for (const [v, n] of b.durations) countValue(a.durations, v, n);
  for (const [v, n] of b.restores) countValue(a.restores, v, n);
  return a;
}

/** tallyRelease adds one release started in the window to a tally (what `figures` counts of it). */
export function tallyRelease(t: StatsTally, r: Pick<StatsRow, 'startedAt' | 'finishedAt' | 'outcome'>, sign: 1 | -1 = 1): void {
  t.releases += sign;
  if (FAILED.has(r.outcome)) t.failures += sign;
  if (ENDED.has(r.outcome)) t.ended += sign;
  if (r.outcome === 'succeeded' && r.finishedAt !== null) countValue(t.durations, r.finishedAt - r.startedAt, sign);
}

/**
 * histogramPercentiles are `percentile`s over the multiset a histogram describes: the same
 * nearest-rank values as sorting every occurrence (one sort of the distinct values for all of them).
 * Null when the histogram is empty.
 */
export function histogramPercentiles(h: ReadonlyMap<number, number>): Percentiles | null {
  let total = 0;
  for (const n of h.values()) total += n;
  if (total <= 0) return null;
  const values = Float64Array.from(h.keys()).sort();
  const ranks = [50, 90].map((p) => nearestRank(p, total));
  const found: number[] = [];
  let seen = 0;
  for (const v of values) {
    seen += h.get(v) ?? 0;
    while (found.length < ranks.length && seen >= (ranks[found.length] ?? Infinity)) found.push(v);
    if (found.length === ranks.length) break;
  }
  const [p50, p90] = found;
  return p50 === undefined || p90 === undefined ? null : { p50, p90 };
}

/**
 * Occurrences is a multiset of values kept as the flat list of its occurrences (a value seen n
 * times is held n times), for reports that need only its size and percentiles: appending is a copy
 * into a typed array and each percentile a selection in linear time (selectInPlace), with no
 * per-value map look-ups and no sort. Its length is bounded by the releases (or incidents)
 * counted, like the rows it replaces.
 */
export class Occurrences {
  #values = new Float64Array(16);
  #length = 0;

  get size(): number {
    return this.#length;
  }

  #reserve(extra: number): void {
    const need = this.#length + extra;
    if (need <= this.#values.length) return;
    let cap = this.#values.length * 2;
    while (cap < need) cap *= 2;
    const grown = new Float64Array(cap);
    grown.set(this.#values.subarray(0, this.#length));
    this.#values = grown;
  }

  /** add appends `n` (≥ 0) occurrences of `v`. */
  add(v: number, n = 1): void {
    if (n <= 0) return;
    this.#reserve(n);
    this.#values.fill(v, this.#length, this.#length + n);
    this.#length += n;
  }

  /** addAll appends every occurrence held by `other`. */
  addAll(other: Occurrences): void {
    this.#reserve(other.#length);
    this.#values.set(other.#values.subarray(0, other.#length), this.#length);
    this.#length += other.#length;
  }

  /** percentiles are the nearest-rank p50 and p90 (`percentile`'s rule); null when empty. Reorders the held values. */
  percentiles(): Percentiles | null {
    const n = this.#length;
    if (n === 0) return null;
    const a = this.#values;
    const k50 = nearestRank(50, n) - 1;
    const k90 = nearestRank(90, n) - 1;
    selectInPlace(a, k50, 0, n - 1);
    // Everything from k50 on is ≥ a[k50]: the k90-th smallest lies there.
    selectInPlace(a, k90, k50, n - 1);
    return { p50: a[k50] ?? 0, p90: a[k90] ?? 0 };
  }
}

/**
 * selectInPlace reorders a[lo..hi] so that a[k] (lo ≤ k ≤ hi) holds the value it would hold were the
 * range sorted, everything before it ≤ and everything after it ≥ (quickselect: Hoare partitions
 * around a median of three). Linear on average; after 2·log2(n) partitions without converging it
 * sorts what is left, so the worst case stays O(n log n).
 */
export function selectInPlace(a: Float64Array, k: number, lo: number, hi: number): void {
  let rounds = 2 * Math.ceil(Math.log2(hi - lo + 2));
  while (hi > lo) {
    if (hi - lo < 16 || rounds-- === 0) {
      a.subarray(lo, hi + 1).sort();
      return;
    }
    const x = a[lo] ?? 0;
    const y = a[(lo + hi) >>> 1] ?? 0;
    const z = a[hi] ?? 0;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] ?? 0) < pivot) i++;
      while ((a[j] ?? 0) > pivot) j--;
      if (i <= j) {
        const t = a[i] ?? 0;
        a[i] = a[j] ?? 0;
        a[j] = t;
        i++;
        j--;
      }
    }
    // Now a[lo..j] ≤ pivot, a[i..hi] ≥ pivot, and anything between equals the pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/** StatsCounts are the counted part of a group's figures (StatsTally's counters). */
export type StatsCounts = Pick<StatsTally, 'releases' | 'failures' | 'ended'>;

/** figuresOf turns a group's counts, restores and percentiles into its figures for the query's window. */
export function figuresOf(c: StatsCounts, restores: number, timeToRestoreMs: Percentiles | null, durationMs: Percentiles | null, q: Pick<StatsQuery, 'since' | 'until'>): StatsFigures {
  const days = Math.max(q.until - q.since, 1) / DAY_MS;
  return {
    releases: c.releases,
    deploymentsPerDay: c.releases / days,
    failures: c.failures,
    changeFailureRate: c.ended === 0 ? null : c.failures / c.ended,
    restores,
    timeToRestoreMs,
    durationMs,
  };
}

/** figuresOfTally turns a group's tally into its figures for the query's window. */
export function figuresOfTally(t: StatsTally, q: Pick<StatsQuery, 'since' | 'until'>): StatsFigures {
  let restores = 0;
  for (const n of t.restores.values()) restores += n;
  return figuresOf(t, restores, histogramPercentiles(t.restores), histogramPercentiles(t.durations), q);
}

/**
 * RestoredIncident is a run of failed releases of one workload (in start order, ignoring releases
 * that neither failed nor succeeded with a finish time) closed by a succeeded release: opened at
 * the start of its first failure (`headId`), its last failure started at `lastFailedAt`, restored
 * when the closing release finished.
 */
export interface RestoredIncident {
  readonly headId: string;
  readonly openedAt: Instant;
  readonly lastFailedAt: Instant;
  readonly restoredAt: Instant;
}

/** IncidentRow is what restoredIncidents reads of a release. */
export interface IncidentRow {
  readonly id: string;
  readonly startedAt: Instant;
  readonly finishedAt: Instant | null;
  readonly outcome: Outcome;
}

/**
 * restoredIncidents returns the restored incidents of one workload's releases given in start order
 * (ties by id), by the rule restoreTimes applies to a window. Example: ok@0, fail@10, fail@20,
 * ok@30 (finished 35), fail@40 → one incident {head fail@10, lastFailedAt 20, restoredAt 35}; the
 * failure at 40 is not restored yet.
 */
export function restoredIncidents(rows: readonly IncidentRow[]): RestoredIncident[] {
  const out: RestoredIncident[] = [];
  let open: { headId: string; openedAt: Instant; lastFailedAt: Instant } | null = null;
  for (const r of rows) {
    if (FAILED.has(r.outcome)) {
      if (open === null) open = { headId: r.id, openedAt: r.startedAt, lastFailedAt: r.startedAt };
      else open.lastFailedAt = r.startedAt;
    } else if (r.outcome === 'succeeded' && r.finishedAt !== null && open !== null) {
      out.push({ ...open, restoredAt: r.finishedAt });
      open = null;
    }
  }
  return out;
}

/** isFailedOutcome says whether an outcome counts as a failure (failed or rolled back). */
export function isFailedOutcome(o: Outcome): boolean {
  return FAILED.has(o);
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
  const t = emptyTally();
  for (const r of rows) if (r.startedAt >= q.since && r.startedAt < q.until) tallyRelease(t, r);
  const byWorkload = groupRows(rows, (r) => r.workloadUid);
  for (const ws of byWorkload.values()) for (const v of restoreTimes([...ws].sort((a, b) => a.startedAt - b.startedAt), q)) countValue(t.restores, v);
  return figuresOfTally(t, q);
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
