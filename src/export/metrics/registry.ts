import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Release } from '../../model/release.ts';
import { FINAL_OUTCOMES } from '../../model/outcome.ts';
import { releaseTransition } from './transition.ts';

/** RolloutMetricsOptions configures the metrics registry. */
export interface RolloutMetricsOptions {
  /**
   * The cluster the tracker watches (`serve --cluster`): every series, process metrics included,
   * carries it as the `cluster` label, so trackers of several clusters can be scraped into one
   * Prometheus and told apart without relabelling. If unset, no cluster label.
   */
  readonly cluster?: string;
  /** Add `namespace` and `workload` labels to release metrics (cardinality grows with workloads). If unset, false. */
  readonly perWorkloadLabels?: boolean;
  /** Include Node.js process metrics (`rollscope_process_*`). If unset, true. */
  readonly processMetrics?: boolean;
  /** Wall clock for the last-event age. If unset, Date.now. */
  readonly now?: () => number;
}

/** WatchHealth is one watch's health as the reflector counts it (kube/reflector.ts ReflectorStats), per resource. */
export interface WatchHealth {
  /** Resource name, e.g. `pods`, `deployments.apps`. Watches of one resource in several namespaces are summed. */
  readonly resource: string;
  readonly restarts: Readonly<Record<string, number>>;
  readonly relists: number;
  readonly errors: number;
  readonly lastEventAt: number | null;
  readonly downSince: number | null;
}

/**
 * DURATION_BUCKETS (seconds) span a fast rollout (seconds) to a stuck one (the 10-minute default
 * progress deadline and beyond), so quantiles are meaningful at both ends.
 */
export const DURATION_BUCKETS = [1, 2.5, 5, 10, 20, 30, 45, 60, 90, 120, 180, 300, 450, 600, 900, 1800, 3600];

/**
 * RolloutMetrics is the tracker's Prometheus registry (prefix `rollscope_`). Feed it release
 * changes (`observeRelease`) and tracker health events; serve `metrics()` at `/metrics`.
 * Counting is once per release state: a release counts as started once and finished once, so
 * replays of the same state change nothing.
 */
export class RolloutMetrics {
  readonly registry = new Registry();
  readonly #perWorkload: boolean;
  readonly #now: () => number;
  readonly #active = new Set<string>();
  #lastEventAt: number | null = null;
  readonly #started: Counter;
  readonly #releases: Counter;
  readonly #failures: Counter;
  readonly #duration: Histogram;
  readonly #phase: Histogram;
  readonly #watchEvents: Counter;
  readonly #watchRestarts: Counter;
  readonly #relists: Counter;
  readonly #ledgerWrite: Histogram;

  constructor(options: RolloutMetricsOptions = {}) {
    this.#perWorkload = options.perWorkloadLabels ?? false;
    this.#now = options.now ?? Date.now;
    const wl = this.#perWorkload ? ['namespace', 'workload'] : [];
    // Default labels apply at exposition to every metric of the registry, including those registered later.
    if (options.cluster !== undefined) this.registry.setDefaultLabels({ cluster: options.cluster });
    const registers = [this.registry];
    this.#started = new Counter({ name: 'rollscope_releases_started_total', help: 'Releases seen starting, by trigger.', labelNames: ['trigger', ...wl], registers });
    this.#releases = new Counter({ name: 'rollscope_releases_total', help: 'Releases that reached a final outcome, by trigger and outcome.', labelNames: ['trigger', 'outcome', ...wl], registers });
    this.#failures = new Counter({ name: 'rollscope_rollout_failures_total', help: 'Failed releases by diagnosis code.', labelNames: ['code', ...wl], registers });
    this.#duration = new Histogram({ name: 'rollscope_rollout_duration_seconds', help: 'Rollout duration from template observed to final outcome.', labelNames: ['trigger', 'outcome', ...wl], buckets: DURATION_BUCKETS, registers });
    this.#phase = new Histogram({ name: 'rollscope_rollout_phase_duration_seconds', help: 'Time spent reaching each rollout phase from the previous one.', labelNames: ['phase', ...wl], buckets: DURATION_BUCKETS, registers });
    const active = this.#active;
    new Gauge({ name: 'rollscope_rollouts_in_progress', help: 'Releases currently rolling out.', registers, collect() { this.set(active.size); } });
    this.#watchEvents = new Counter({ name: 'rollscope_watch_events_total', help: 'Watch events received, by resource and type.', labelNames: ['resource', 'type'], registers });
    this.#watchRestarts = new Counter({ name: 'rollscope_watch_restarts_total', help: 'Watch restarts, by resource and reason (timeout, expired, error, dropped).', labelNames: ['resource', 'reason'], registers });
    this.#relists = new Counter({ name: 'rollscope_relists_total', help: 'Full relists (after 410 Expired or a gap, or a streaming list chosen again because it costs fewer bytes), by resource.', labelNames: ['resource'], registers });
    this.#ledgerWrite = new Histogram({ name: 'rollscope_ledger_write_duration_seconds', help: 'Ledger write latency.', buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers });
    const lastEvent = (): number | null => this.#lastEventAt;
    const now = this.#now;
    new Gauge({
      name: 'rollscope_last_event_age_seconds', help: 'Seconds since the last watch event (large values mean a stalled watch).', registers,
      collect() { const t = lastEvent(); this.set(t === null ? -1 : Math.max(0, (now() - t) / 1000)); },
    });
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'rollscope_' });
  }

  #labels(r: Release): Record<string, string> {
    return this.#perWorkload ? { namespace: r.workload.namespace, workload: `${r.workload.kind}/${r.workload.name}` } : {};
  }

  /** observeRelease counts one release change (`before` = the release as previously stored). */
  observeRelease(before: Release | undefined, after: Release): void {
    const t = releaseTransition(before, after);
    const wl = this.#labels(after);
    if (t.started) this.#started.inc({ trigger: after.trigger, ...wl });
    if (!after.backfilled && !FINAL_OUTCOMES.has(after.outcome)) this.#active.add(after.id);
    else this.#active.delete(after.id);
    if (!t.finished) return;
    this.#releases.inc({ trigger: after.trigger, outcome: t.finished, ...wl });
    if (t.durationSeconds !== null) this.#duration.observe({ trigger: after.trigger, outcome: t.finished, ...wl }, t.durationSeconds);
    for (const [phase, s] of t.phaseSeconds) this.#phase.observe({ phase, ...wl }, s);
    if (t.finished === 'failed' && after.failure) this.#failures.inc({ code: after.failure.code, ...wl });
  }

  /** seedActive marks releases already in progress at start-up (from the ledger), for the in-progress gauge. */
  seedActive(ids: Iterable<string>): void {
    for (const id of ids) this.#active.add(id);
  }

  /** watchEvent counts one watch event and records its arrival time. */
  watchEvent(resource: string, type: string, at: number = this.#now()): void {
    this.#watchEvents.inc({ resource, type });
    this.#lastEventAt = at;
  }

  /** watchRestart counts a watch restart with its reason. */
  watchRestart(resource: string, reason: string): void {
    this.#watchRestarts.inc({ resource, reason });
  }

  /** relist counts a full relist of a resource. */
  relist(resource: string): void {
    this.#relists.inc({ resource });
  }

  /**
   * watchHealth exports the reflectors' own counters at every scrape: restarts and relists (added
   * to rollscope_watch_restarts_total / rollscope_relists_total as they grow), errors, the age of
   * the last event and how long a watch has been down, per resource. Call once.
   */
  watchHealth(source: () => readonly WatchHealth[]): void {
    const registers = [this.registry];
    const now = this.#now;
    const seen = new Map<string, number>();
    /** grow adds to a counter what the source counted since the last scrape (the source only grows). */
    const grow = (counter: Counter, key: string, labels: Record<string, string>, total: number): void => {
      const delta = total - (seen.get(key) ?? 0);
      if (delta > 0) counter.inc(labels, delta);
      seen.set(key, Math.max(total, seen.get(key) ?? 0));
    };
    const byResource = (): Map<string, WatchHealth[]> => {
      const m = new Map<string, WatchHealth[]>();
      for (const h of source()) m.set(h.resource, [...(m.get(h.resource) ?? []), h]);
      return m;
    };
    const errors = new Counter({ name: 'rollscope_watch_errors_total', help: 'List/watch failures, by resource.', labelNames: ['resource'], registers });
    const restarts = this.#watchRestarts;
    const relists = this.#relists;
    const sum = (hs: readonly WatchHealth[], f: (h: WatchHealth) => number): number => hs.reduce((a, h) => a + f(h), 0);
    // The counters are brought up to date before every exposition (metrics()).
    const refresh = (): Map<string, WatchHealth[]> => {
      const m = byResource();
      for (const [resource, hs] of m) {
        for (const reason of new Set(hs.flatMap((h) => Object.keys(h.restarts)))) grow(restarts, `r:${resource}:${reason}`, { resource, reason }, sum(hs, (h) => h.restarts[reason] ?? 0));
        grow(relists, `l:${resource}`, { resource }, sum(hs, (h) => h.relists));
        grow(errors, `e:${resource}`, { resource }, sum(hs, (h) => h.errors));
      }
      return m;
    };
    this.#refreshWatchCounters = refresh;
    new Gauge({
      name: 'rollscope_watch_last_event_age_seconds', help: 'Seconds since the last list, event or bookmark of a resource (-1 before the first).', labelNames: ['resource'], registers,
      collect() {
        for (const [resource, hs] of byResource()) {
          const ats = hs.map((h) => h.lastEventAt);
          this.set({ resource }, ats.some((t) => t === null) ? -1 : Math.max(0, (now() - Math.min(...(ats as number[]))) / 1000));
        }
      },
    });
    new Gauge({
      name: 'rollscope_watch_down_seconds', help: 'Seconds a resource\'s list/watch has been failing without reopening (0 while up).', labelNames: ['resource'], registers,
      collect() {
        for (const [resource, hs] of byResource()) {
          const downs = hs.map((h) => h.downSince).filter((t): t is number => t !== null);
          this.set({ resource }, downs.length ? Math.max(0, (now() - Math.min(...downs)) / 1000) : 0);
        }
      },
    });
  }

  #refreshWatchCounters: (() => void) | undefined;

  /**
   * leadership exports `rollscope_leader`: 1 while this process leads (holds the leader Lease, or
   * runs without leader election), 0 on a standby. Read at every scrape. Call once.
   */
  leadership(leading: () => boolean): void {
    new Gauge({ name: 'rollscope_leader', help: 'Whether this process is the leader (runs the tracker and the controllers): 1 or 0.', registers: [this.registry], collect() { this.set(leading() ? 1 : 0); } });
  }

  /** ledgerWrite records one ledger write's latency in seconds. */
  ledgerWrite(seconds: number): void {
    this.#ledgerWrite.observe(seconds);
  }

  /** metrics renders the Prometheus text exposition. */
  async metrics(): Promise<string> {
    this.#refreshWatchCounters?.();
    return this.registry.metrics();
  }

  /** contentType is the exposition's Content-Type header value. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
