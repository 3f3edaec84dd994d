import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createApi } from '../api/server.ts';
import { authPolicy, isLoopback, type TokenSpec } from '../api/auth.ts';
import { LiveBus } from '../api/bus.ts';
import type { OperatorActions } from '../api/deps.ts';
import { listenApi, parseListen, type ListeningApi } from '../api/listen.ts';
import { CanaryMetrics } from '../export/metrics/canary-metrics.ts';
import { RolloutMetrics } from '../export/metrics/registry.ts';
import { trackerReadiness } from '../api/readiness.ts';
import { resourceName } from '../kube/resources.ts';
import { buildNotificationSetup } from '../export/notify/config.ts';
import { NotificationDispatcher } from '../export/notify/dispatcher.ts';
import { ReleaseTracer } from '../export/traces/exporter.ts';
import { traceSettings } from '../export/traces/otel-env.ts';
import { createClusterInformers } from '../kube/cluster-informers.ts';
import { loadKubeConfig } from '../kube/client.ts';
import { realClock, type Clock } from '../lib/clock.ts';
import { TrackerError } from '../lib/errors.ts';
import type { Logger } from '../lib/log.ts';
import type { Release } from '../model/release.ts';
import type { LedgerStore } from '../store/ledger.ts';
import { KubeOperatorActions } from '../ops/operator-actions.ts';
import { createKubeClient } from '../kube/api-client.ts';
import { migrationApi } from '../controllers/migration/api.ts';
import { defaultBackupDir } from '../controllers/migration/backup.ts';
import { migrationRunnable } from '../controllers/migration/runnable.ts';
import { migrationStarter } from '../controllers/migration/starter.ts';
import { ledgerJournal } from '../controllers/migration/journal.ts';
import { initialTrackerState } from '../track/tracker.ts';
import type { FileConfig } from './config.ts';
import { CanaryLedger } from './canary-ledger.ts';
import { FactSink } from './fact-sink.ts';
import { Ingest } from './ingest.ts';

/** DaemonOptions are the resolved settings of `rollscope serve` (flags over config file). */
export interface DaemonOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespaces: readonly string[];
  readonly cluster: string;
  readonly listen: string;
  readonly ledger: LedgerStore;
  readonly config: FileConfig;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Extra tokens (e.g. the demo's generated operator token). */
  readonly tokens?: readonly TokenSpec[];
  /** Cluster writes for operator actions. If unset, KubeOperatorActions on the same kubeconfig (RBAC decides what is allowed). */
  readonly actions?: OperatorActions;
  /** Watch timeout lower bound (tests use short ones). If unset, 300 s. */
  readonly minWatchTimeoutSeconds?: number;
  /** /readyz fails once a watch has been down (failing without reopening) this long. If unset, 30 s. */
  readonly watchDownThresholdMs?: number;
  /** Environment for the OpenTelemetry variables (OTEL_*). If unset, process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** RunningDaemon is a started tracker. */
export interface RunningDaemon {
  readonly url: string;
  readonly ingest: Ingest;
  /** stop flushes queued facts and notifications, closes the API and the ledger, and resolves when all is down. */
  stop(): Promise<void>;
}

/** SEED_PER_WORKLOAD is how many recent releases per workload the tracker reloads at start (enough to detect rollbacks to recent templates). */
const SEED_PER_WORKLOAD = 20;

/** dashboardDir finds the built dashboard (dist/web), if it was built. */
export function dashboardDir(): string | undefined {
  const dir = fileURLToPath(new URL('../../dist/web/', import.meta.url));
  return existsSync(`${dir}index.html`) ? dir : undefined;
}

async function seedReleases(ledger: LedgerStore, cluster: string): Promise<Release[]> {
  const seed: Release[] = [];
  for (const w of await ledger.listWorkloads({ cluster, includeDeleted: false })) seed.push(...(await ledger.releasesOf(w.workload.uid, SEED_PER_WORKLOAD)));
  for (const r of await ledger.activeReleases(cluster)) if (!seed.some((s) => s.id === r.id)) seed.push(r);
  return seed;
}

/**
 * startDaemon is the composition root of `rollscope serve`: it wires informers → tracker → ledger
 * and exporters, the notification outbox, and the HTTP API + dashboard, and starts them.
 * Refuses to listen beyond loopback without tokens (the API would be open to the network).
 */
export async function startDaemon(o: DaemonOptions): Promise<RunningDaemon> {
  const clock = o.clock ?? realClock;
  const { host, port } = parseListen(o.listen);
  const tokens = [...(o.config.tokens ?? []), ...(o.tokens ?? [])] as TokenSpec[];
  if (!isLoopback(host) && tokens.length === 0)
    throw new TrackerError('CONFIG_INVALID', `refusing to listen on ${host} without tokens: the API would be open to the network`, { hint: 'add tokens (viewer/operator) to the config file, or listen on 127.0.0.1' });
  const kubeConfig = loadKubeConfig({ ...(o.kubeconfig ? { kubeconfig: o.kubeconfig } : {}), ...(o.context ? { context: o.context } : {}) });
  const metrics = new RolloutMetrics({ cluster: o.cluster, perWorkloadLabels: o.config.metrics?.perWorkloadLabels ?? false });
  const traces = traceSettings(o.env ?? process.env, o.config.traces);
  const tracer = new ReleaseTracer({ ...(traces.endpoint === undefined ? {} : { endpoint: traces.endpoint }), headers: traces.headers, serviceName: traces.serviceName, resourceAttributes: traces.resourceAttributes });
  const setup = buildNotificationSetup(o.config.notifications ?? {});
  const notifier = new NotificationDispatcher({ ledger: o.ledger, setup, clock, logger: o.logger.child({ component: 'notify' }) });
  const bus = new LiveBus();
  const seed = await seedReleases(o.ledger, o.cluster);
  metrics.seedActive(seed.filter((r) => r.outcome === 'progressing' || r.outcome === 'paused').map((r) => r.id));
  const informers = createClusterInformers({ kubeConfig, namespaces: o.namespaces, logger: o.logger.child({ component: 'watch' }), clock, ...(o.minWatchTimeoutSeconds ? { minWatchTimeoutSeconds: o.minWatchTimeoutSeconds } : {}) });
  const sink = new FactSink({ ledger: o.ledger, clock, logger: o.logger, metrics, tracer, notifier, bus });
  const ingest = new Ingest({ informers, sink, clock, logger: o.logger, metrics, initial: initialTrackerState({ cluster: o.cluster }, seed) });
  // Canaries: their annotations on the stable Deployments, as the informers see them, go to the ledger (daemon/canary-ledger.ts).
  const canaries = new CanaryLedger({ ledger: o.ledger, cluster: o.cluster, clock, logger: o.logger.child({ component: 'canary-ledger' }), bus, notifier, metrics: new CanaryMetrics(metrics.registry) });
  await canaries.seed();
  informers.onDelta((d) => canaries.observe(d));

  const stop = new AbortController();
  const ingestDone = ingest.run(stop.signal).catch((e: unknown) => o.logger.error('tracker stopped with an error', { error: e instanceof Error ? e.stack : String(e) }));
  const notifyDone = notifier.run(stop.signal).catch((e: unknown) => o.logger.error('notification dispatcher stopped', { error: String(e) }));
  const canariesDone = canaries.run(stop.signal).catch((e: unknown) => o.logger.error('canary ledger stopped', { error: String(e) }));
  const cursorTimer = setInterval(() => {
    const savedAt = clock.now();
    for (const c of informers.cursors()) if (c.resourceVersion) void o.ledger.saveCursor({ cluster: o.cluster, resource: c.kind, namespace: c.namespace, resourceVersion: c.resourceVersion, savedAt }).catch(() => undefined);
  }, 10_000);
  cursorTimer.unref();

  const readiness = trackerReadiness({
    synced: () => ingest.synced,
    watches: () => informers.stats(),
    now: () => clock.now(),
    ...(o.watchDownThresholdMs === undefined ? {} : { thresholdMs: o.watchDownThresholdMs }),
    extra: () => ({ backlog: ingest.backlog, factsApplied: ingest.applied, watches: informers.stats() }),
  });
  metrics.watchHealth(() => informers.stats().map((s) => ({ ...s, resource: resourceName(s.kind) })));
  const dir = dashboardDir();
  const actions = o.actions ?? new KubeOperatorActions({ kubeConfig });
  // Selector migrations: the API starts them (pre-flight, backup, record on the Deployment); this
  // Runnable drives every one recorded on the cluster to its end. Leader-only in the manager of
  // controllers/runtime; until leader election composes it, one serve per cluster runs it.
  const migrations = migrationApi(createKubeClient(kubeConfig));
  const backupDir = (): string => defaultBackupDir(process.cwd(), new Date(clock.now()));
  const migrationDriver = migrationRunnable({ api: migrations, namespaces: o.namespaces, backupDir: backupDir(), logger: o.logger.child({ component: 'migrate-selector' }), clock, journal: ledgerJournal(o.ledger, o.cluster, 'rollscope serve', clock) });
  const migrationDone = migrationDriver
    .run(stop.signal)
    .catch((e: unknown) => o.logger.error('selector migration driver stopped', { error: String(e) }));
  const app = createApi({ ledger: o.ledger, bus, logger: o.logger.child({ component: 'api' }), auth: authPolicy({ host, tokens }), clock, cluster: o.cluster, readiness, metrics, actions, migrations: migrationStarter(migrations, backupDir, () => migrationDriver.poke(), (who) => ledgerJournal(o.ledger, o.cluster, who, clock)), ...(dir ? { dashboardDir: dir } : {}) });
  let api: ListeningApi;
  try {
    api = await listenApi(app, host, port);
  } catch (e) {
    stop.abort();
    await Promise.all([ingestDone, notifyDone, migrationDone, canariesDone]);
    throw e;
  }
  o.logger.info('rollscope serve started', { url: api.url, cluster: o.cluster, namespaces: o.namespaces.length ? o.namespaces : 'all', seededReleases: seed.length, dashboard: dir !== undefined });
  return {
    url: api.url,
    ingest,
    async stop() {
      clearInterval(cursorTimer);
      stop.abort();
      await api.close();
      await Promise.all([ingestDone, notifyDone, migrationDone, canariesDone]);
      await tracer.shutdown().catch(() => undefined);
      o.logger.info('rollscope serve stopped', { factsApplied: ingest.applied });
    },
  };
}
