import { dashboardDir } from './dashboard-dir.ts';
import type { WireFormat } from '../kube/protobuf-wire.ts';
import { createApi } from '../api/server.ts';
import { authPolicy, isLoopback, type TokenSpec } from '../api/auth.ts';
import { LiveBus } from '../api/bus.ts';
import type { OperatorActions } from '../api/deps.ts';
import { listenApi, parseListen, type ListeningApi } from '../api/listen.ts';
import { CanaryMetrics } from '../export/metrics/canary-metrics.ts';
import { RolloutMetrics } from '../export/metrics/registry.ts';
import { startProbeServer, type ProbeServer } from '../api/probe-server.ts';
import { leaderReadiness, livenessReadiness, trackerReadiness } from '../api/readiness.ts';
import { resourceName } from '../kube/resources.ts';
import { buildNotificationSetup } from '../export/notify/config.ts';
import { NotificationDispatcher } from '../export/notify/dispatcher.ts';
import { ReleaseTracer } from '../export/traces/exporter.ts';
import { traceSettings } from '../export/traces/otel-env.ts';
import { createKubeHttp, loadKubeConfig, probeDiscovery } from '../kube/client.ts';
import { withCrashLog } from '../ops/crash-log.ts';
import { CrashLogTails } from '../controllers/tracker/crash-log-tails.ts';
import type { ClusterInformers } from '../kube/cluster-informers.ts';
import { realClock, type Clock } from '../lib/clock.ts';
import { TrackerError } from '../lib/errors.ts';
import type { Logger } from '../lib/log.ts';
import type { LedgerStore } from '../store/ledger.ts';
import { KubeOperatorActions } from '../ops/operator-actions.ts';
import { createKubeClient } from '../kube/api-client.ts';
import { migrationApi } from '../controllers/migration/api.ts';
import { defaultBackupDir } from '../controllers/migration/backup.ts';
import { migrationRunnable } from '../controllers/migration/runnable.ts';
import { migrationStarter } from '../controllers/migration/starter.ts';
import { driverLeaseName } from '../controllers/canary/heartbeat.ts';
import { canaryRunnable } from '../controllers/canary/runnable.ts';
import { ledgerJournal } from '../controllers/migration/journal.ts';
import type { FileConfig } from './config.ts';
import { CanaryLedger } from '../controllers/tracker/canary-ledger.ts';
import { FactSink } from '../controllers/tracker/fact-sink.ts';
import { trackerRunnable, type TrackerTerm } from '../controllers/tracker/runnable.ts';
import { Manager } from '../controllers/runtime/manager.ts';
import { LeaderElector, defaultIdentity, type LeaderElectionTimings } from '../controllers/runtime/leader-election.ts';
import { leaseLock } from '../kube/lease.ts';
import type { FailFastRules } from '../track/status/fail-fast.ts';

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
  /** Leader election on a Lease (`serve --leader-elect`); without it this process is the only leader. */
  readonly leaderElection?: LeaderElectionSettings;
  /**
   * `HOST:PORT` of the health-probe listener (bare /healthz and /readyz, no token: api/probe-server.ts),
   * for the kubelet's probes when the API requires tokens. If unset, none.
   */
  readonly healthProbeListen?: string;
  /** Environment for the OpenTelemetry variables (OTEL_*). If unset, process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Fail-fast graces of the tracker (the sped-up demo shortens them). If unset, DEFAULT_FAIL_FAST_RULES. */
  readonly failFastRules?: FailFastRules;
  /** How the informers read built-in kinds (`serve --wire`). If unset, protobuf (JSON where the server has none). */
  readonly wire?: WireFormat;
  /** Watch every pod, Job pods included (`serve --watch-job-pods`). If unset, Job pods are left out by the server (controllers/tracker/watch-set.ts). */
  readonly watchJobPods?: boolean;
  /** Sync with LIST and WATCH even where the server compresses streaming lists (`serve --list-and-watch`). If unset, streaming lists where they are compressed (kube/reflector.ts). */
  readonly listAndWatch?: boolean;
  /** The canary driver (controllers/canary/runnable.ts): where its heartbeat Lease lives, and its timings. If unset, Lease `rollscope-canary` in namespace default. */
  readonly canaryDriver?: CanaryDriverSettings;
}

/** CanaryDriverSettings place serve's canary heartbeat next to the leader Lease (`<leaseName>-canary` in leaseNamespace). */
export interface CanaryDriverSettings {
  readonly leaseNamespace: string;
  readonly leaseName: string;
  /** How often the driver looks again at the watch cache when nothing changed (no request). If unset, 2 s. */
  readonly intervalMs?: number;
  /** The claim on a canary and the heartbeat's duration. If unset, 15 s. */
  readonly leaseMs?: number;
  /** false: no canary driver in this process (tests of the CLI as the only driver). If unset, true. */
  readonly drive?: boolean;
}

/** LeaderElectionSettings are `serve --leader-elect --lease-namespace --lease-name` (and the timing flags). */
export interface LeaderElectionSettings {
  readonly namespace: string;
  readonly name: string;
  /** If unset, `host_pid`. */
  readonly identity?: string;
  /** If unset, client-go's defaults (15 s, 10 s, 2 s). */
  readonly timings?: LeaderElectionTimings;
}

/** RunningDaemon is a started tracker. */
export interface RunningDaemon {
  readonly url: string;
  readonly manager: Manager;
  /** The tracker's running term (its informers and ingest loop), null while this process does not lead. */
  readonly tracker: { current(): TrackerTerm | null };
  /** stop flushes queued facts and notifications, closes the API and the ledger, and resolves when all is down. */
  stop(): Promise<void>;
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
  // A server that is up but no Kubernetes API server (404 to discovery) will never work: say so and stop (exit 5).
  const notKubernetes = await probeDiscovery(kubeConfig, AbortSignal.timeout(10_000));
  if (notKubernetes !== null) throw notKubernetes;
  const metrics = new RolloutMetrics({ cluster: o.cluster, perWorkloadLabels: o.config.metrics?.perWorkloadLabels ?? false });
  const traces = traceSettings(o.env ?? process.env, o.config.traces);
  const tracer = new ReleaseTracer({ ...(traces.endpoint === undefined ? {} : { endpoint: traces.endpoint }), headers: traces.headers, serviceName: traces.serviceName, resourceAttributes: traces.resourceAttributes });
  const setup = buildNotificationSetup(o.config.notifications ?? {});
  const notifier = new NotificationDispatcher({ ledger: o.ledger, setup, clock, logger: o.logger.child({ component: 'notify' }) });
  const bus = new LiveBus();
  const logHttp = createKubeHttp(kubeConfig);
  const crashLogs = new CrashLogTails({ read: (d, ns, signal) => withCrashLog(logHttp, d, ns, signal) });
  const sink = new FactSink({ ledger: o.ledger, clock, logger: o.logger, metrics, tracer, notifier, bus, crashLogs });
  const tracker = trackerRunnable({
    cluster: o.cluster,
    ledger: o.ledger,
    sink,
    clock,
    logger: o.logger,
    metrics,
    informers: { kubeConfig, namespaces: o.namespaces, ...(o.wire ? { wire: o.wire } : {}), ...(o.minWatchTimeoutSeconds ? { minWatchTimeoutSeconds: o.minWatchTimeoutSeconds } : {}), ...(o.listAndWatch === true ? { streamingList: false } : {}) },
    ...(o.failFastRules === undefined ? {} : { rules: o.failFastRules }),
    ...(o.watchJobPods === true ? { watchJobPods: true } : {}),
    // Canaries: their annotations on the stable Deployments, as the tracker's informers see them, go to the ledger.
    canaries: new CanaryLedger({ ledger: o.ledger, cluster: o.cluster, clock, logger: o.logger.child({ component: 'canary-ledger' }), bus, notifier, metrics: new CanaryMetrics(metrics.registry) }),
  });
  const watches = (): ReturnType<ClusterInformers['stats']> => tracker.current()?.informers.stats() ?? [];
  // Selector migrations: the API starts them (pre-flight, backup, record on the Deployment); this
  // Runnable drives every one recorded on the cluster to its end.
  const migrations = migrationApi(createKubeClient(kubeConfig));
  const backupDir = (): string => defaultBackupDir(process.cwd(), new Date(clock.now()));
  // The drivers observe through the tracker's informers (one watch per resource in this process),
  // not lists of their own: serve's requests do not grow with time.
  const cache = (): ClusterInformers | null => tracker.current()?.informers ?? null;
  const migrationDriver = migrationRunnable({ api: migrations, cache, backupDir: backupDir(), logger: o.logger.child({ component: 'migrate-selector' }), clock, journal: ledgerJournal(o.ledger, o.cluster, 'rollscope serve', clock) });
  const le = o.leaderElection;
  // Canaries: every one recorded on the cluster is driven here while this process leads; the
  // heartbeat tells `rollscope canary` to attach rather than drive (controllers/canary/heartbeat.ts).
  const cd = o.canaryDriver ?? { leaseNamespace: le?.namespace ?? 'default', leaseName: le?.name ?? 'rollscope' };
  const canaryDriver = canaryRunnable({
    api: migrations,
    cache,
    identity: `serve-${le?.identity ?? defaultIdentity()}`,
    heartbeat: leaseLock(createKubeClient(kubeConfig), cd.leaseNamespace, driverLeaseName(cd.leaseName)),
    ...(cd.intervalMs === undefined ? {} : { intervalMs: cd.intervalMs }),
    ...(cd.leaseMs === undefined ? {} : { leaseMs: cd.leaseMs }),
    ...(o.failFastRules === undefined ? {} : { rules: o.failFastRules }),
    logger: o.logger.child({ component: 'canary' }),
    // wall-clock time, always: claims and the heartbeat are compared with other processes' clocks
    clock: realClock,
  });
  const elector = le === undefined
    ? undefined
    : new LeaderElector({ lock: leaseLock(createKubeClient(kubeConfig), le.namespace, le.name), identity: le.identity ?? defaultIdentity(), ...(le.timings ? { timings: le.timings } : {}), clock: realClock, logger: o.logger.child({ component: 'leader-election' }) });
  const manager = new Manager({ logger: o.logger.child({ component: 'manager' }), ...(elector ? { elector } : {}) })
    .add(tracker)
    .add({ name: 'notifications', leaderOnly: true, run: (signal) => notifier.run(signal) })
    .add(migrationDriver);
  if (cd.drive !== false) manager.add(canaryDriver);

  // A controller that stopped on its own fails /healthz (the kubelet restarts the process) and /readyz.
  const liveness = { failed: () => manager.status().failed };
  const readiness = livenessReadiness(leaderReadiness(() => manager.status(), trackerReadiness({
    synced: () => tracker.current()?.ingest.synced ?? false,
    watches,
    now: () => clock.now(),
    ...(o.watchDownThresholdMs === undefined ? {} : { thresholdMs: o.watchDownThresholdMs }),
    extra: () => ({ backlog: tracker.current()?.ingest.backlog ?? 0, factsApplied: tracker.current()?.ingest.applied ?? 0, watches: watches() }),
  })), liveness);
  metrics.leadership(() => manager.leading);
  metrics.watchHealth(() => watches().map((s) => ({ ...s, resource: resourceName(s.kind) })));
  const dir = dashboardDir();
  const actions = o.actions ?? new KubeOperatorActions({ kubeConfig });
  const app = createApi({ ledger: o.ledger, bus, logger: o.logger.child({ component: 'api' }), auth: authPolicy({ host, tokens }), clock, cluster: o.cluster, readiness, liveness, metrics, actions, migrations: migrationStarter(migrations, backupDir, () => migrationDriver.poke(), (who) => ledgerJournal(o.ledger, o.cluster, who, clock)), ...(dir ? { dashboardDir: dir } : {}) });
  manager.start();
  let api: ListeningApi;
  try {
    api = await listenApi(app, host, port);
  } catch (e) {
    await manager.stop();
    throw e;
  }
  let probes: ProbeServer | undefined;
  try {
    if (o.healthProbeListen !== undefined) probes = await startProbeServer(o.healthProbeListen, readiness, liveness);
  } catch (e) {
    await Promise.all([manager.stop(), api.close()]);
    throw e;
  }
  o.logger.info('rollscope serve started', { url: api.url, ...(probes ? { healthProbes: probes.url } : {}), cluster: o.cluster, ...(elector ? { leaderElection: `${le!.namespace}/${le!.name}`, identity: elector.identity } : {}), namespaces: o.namespaces.length ? o.namespaces : 'all', dashboard: dir !== undefined });
  return {
    url: api.url,
    manager,
    tracker,
    async stop() {
      await Promise.all([manager.stop(), api.close(), probes?.close()]);
      await tracer.shutdown().catch(() => undefined);
      o.logger.info('rollscope serve stopped');
    },
  };
}
