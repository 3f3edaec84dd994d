import { TRACKER_FIELD_SELECTORS } from './watch-set.ts';
import { createClusterInformers, type ClusterInformers, type ClusterInformersOptions } from '../../kube/cluster-informers.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/log.ts';
import type { Release } from '../../model/release.ts';
import type { RolloutMetrics } from '../../export/metrics/registry.ts';
import type { LedgerStore } from '../../store/ledger.ts';
import { initialTrackerState } from '../../track/tracker.ts';
import type { FailFastRules } from '../../track/status/fail-fast.ts';
import type { Runnable } from '../runtime/runnable.ts';
import type { CanaryLedger } from './canary-ledger.ts';
import type { FactSink } from './fact-sink.ts';
import { Ingest } from './ingest.ts';

/** SEED_PER_WORKLOAD is how many recent releases per workload the tracker reloads at start (enough to detect rollbacks to recent templates). */
const SEED_PER_WORKLOAD = 20;

/** seedReleases loads what the tracker needs from the ledger to continue where the last run stopped: recent releases per workload and every active one. */
export async function seedReleases(ledger: LedgerStore, cluster: string): Promise<Release[]> {
  const seed: Release[] = [];
  for (const w of await ledger.listWorkloads({ cluster, includeDeleted: false })) seed.push(...(await ledger.releasesOf(w.workload.uid, SEED_PER_WORKLOAD)));
  for (const r of await ledger.activeReleases(cluster)) if (!seed.some((s) => s.id === r.id)) seed.push(r);
  return seed;
}

/** TrackerRunnableOptions configures the tracker's ingest. */
export interface TrackerRunnableOptions {
  readonly cluster: string;
  /** Fail-fast graces per diagnosis code. If unset, DEFAULT_FAIL_FAST_RULES. */
  readonly rules?: FailFastRules;
  readonly ledger: LedgerStore;
  readonly sink: FactSink;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: RolloutMetrics;
  /** The informers to watch with (kubeconfig, namespaces, watch tuning); a fresh set is created per run. */
  readonly informers: Omit<ClusterInformersOptions, 'clock' | 'logger'>;
  /** The canary ledger, fed from the same informers (canary annotations on Deployments) while the tracker runs. If unset, canaries are not ledgered. */
  readonly canaries?: CanaryLedger;
}

/** TrackerTerm is one run of the tracker: its informers (the watch cache) and its ingest loop. */
export interface TrackerTerm {
  readonly informers: ClusterInformers;
  readonly ingest: Ingest;
}

/**
 * trackerRunnable is the tracker as a leader-only Runnable: each run seeds the tracker from the
 * ledger, lists and watches the cluster with fresh informers and writes the facts it derives to
 * the ledger (FactSink) until stopped, then flushes what it learned. Leader-only so that each
 * release is written once, by one process (the ledger's writes are idempotent per natural key, so
 * a run that repeats part of a previous term's work — after a crash or a handover — changes
 * nothing). `current()` is the running term (null while not leading), for readiness and metrics.
 */
export function trackerRunnable(o: TrackerRunnableOptions): Runnable & { current(): TrackerTerm | null } {
  let term: TrackerTerm | null = null;
  return {
    name: 'tracker',
    leaderOnly: true,
    current: () => term,
    async run(signal) {
      const seed = await seedReleases(o.ledger, o.cluster);
      o.metrics.seedActive(seed.filter((r) => r.outcome === 'progressing' || r.outcome === 'paused').map((r) => r.id));
      const informers = createClusterInformers({ ...o.informers, fieldSelectors: TRACKER_FIELD_SELECTORS, logger: o.logger.child({ component: 'watch' }), clock: o.clock });
      const ingest = new Ingest({ informers, sink: o.sink, clock: o.clock, logger: o.logger, metrics: o.metrics, initial: initialTrackerState({ cluster: o.cluster, ...(o.rules === undefined ? {} : { rules: o.rules }) }, seed) });
      term = { informers, ingest };
      await o.canaries?.seed();
      const offCanaries = o.canaries === undefined ? null : informers.onDelta((d) => o.canaries!.observe(d));
      const canariesDone = o.canaries?.run(signal).catch((e: unknown) => o.logger.error('canary ledger stopped', { error: e instanceof Error ? e.message : String(e) }));
      o.logger.info('tracker started', { cluster: o.cluster, seededReleases: seed.length });
      try {
        await ingest.run(signal);
      } finally {
        offCanaries?.();
        await canariesDone;
        term = null;
        o.logger.info('tracker stopped', { factsApplied: ingest.applied });
      }
    },
  };
}
