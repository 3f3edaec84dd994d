import { TRACKER_FIELD_SELECTORS, TRACKER_LABEL_SELECTORS, templateJobPodLabels } from './watch-set.ts';
import { createClusterInformers, type ClusterDelta, type ClusterInformers, type ClusterInformersOptions } from '../../kube/cluster-informers.ts';
import { isTombstone } from '../../kube/delta.ts';
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
  /**
   * Watch every pod, Job pods included (`serve --watch-job-pods`). If unset or false, the Pod
   * LIST and WATCH leave out Job pods (TRACKER_LABEL_SELECTORS), and a workload whose pod template
   * carries a Job pod label is warned about once.
   */
  readonly watchJobPods?: boolean;
}

/**
 * jobLabelWarner warns once per workload (by uid, for the life of the process) whose pod template
 * carries a label the Pod watch leaves out (watch-set.ts templateJobPodLabels): its pods never
 * reach the tracker, so its releases lack pod-based timings and diagnoses.
 */
function jobLabelWarner(logger: Logger): (d: ClusterDelta) => void {
  const warned = new Set<string>();
  return (d) => {
    if (d.kind !== 'Deployment' && d.kind !== 'StatefulSet' && d.kind !== 'DaemonSet') return;
    if (d.delta.type === 'DELETED' || isTombstone(d.delta.object)) return;
    const w = d.delta.object;
    if (warned.has(w.uid)) return;
    const labels = templateJobPodLabels(w);
    if (labels.length === 0) return;
    warned.add(w.uid);
    logger.warn('workload pods carry a Job pod label, which the Pod watch leaves out: its releases get no pod-based timings or diagnoses', {
      workload: `${w.kind} ${w.namespace}/${w.name}`,
      labels,
      hint: `remove ${labels.join(' and ')} from the pod template, or run serve with --watch-job-pods (ROLLSCOPE_WATCH_JOB_PODS=true) to watch every pod`,
    });
  };
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
  const warnJobLabels = o.watchJobPods === true ? null : jobLabelWarner(o.logger);
  return {
    name: 'tracker',
    leaderOnly: true,
    current: () => term,
    async run(signal) {
      const seed = await seedReleases(o.ledger, o.cluster);
      o.metrics.seedActive(seed.filter((r) => r.outcome === 'progressing' || r.outcome === 'paused').map((r) => r.id));
      const informers = createClusterInformers({
        ...o.informers,
        fieldSelectors: TRACKER_FIELD_SELECTORS,
        ...(o.watchJobPods === true ? {} : { labelSelectors: TRACKER_LABEL_SELECTORS }),
        logger: o.logger.child({ component: 'watch' }),
        clock: o.clock,
      });
      const offWarner = warnJobLabels === null ? null : informers.onDelta(warnJobLabels);
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
        offWarner?.();
        await canariesDone;
        term = null;
        o.logger.info('tracker stopped', { factsApplied: ingest.applied });
      }
    },
  };
}
