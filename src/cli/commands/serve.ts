import type { Command} from 'commander';
import type { WireFormat } from '../../kube/protobuf-wire.ts';
import { wireOption } from '../wire-flag.ts';
import { Option } from 'commander';
import { jsonLogger } from '../../lib/log.ts';
import { addEnvTwins } from '../env-twins.ts';
import { defaultLedgerUrl, openLedger } from '../../store/open.ts';
import { DEFAULT_LISTEN, loadConfigFile } from '../../daemon/config.ts';
import { simClockFromEnv } from '../../daemon/sim-clock-env.ts';
import { parseDurationFlag } from './ops-common.ts';
import { readFileSync } from 'node:fs';
import { TrackerError } from '../../lib/errors.ts';
import { checkTimings } from '../../controllers/runtime/leader-election.ts';
import type { LeaderElectionSettings } from '../../daemon/main.ts';

/** ServeFlags are the parsed flags of `rollscope serve`. */
interface ServeFlags {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespace: string[];
  readonly db?: string;
  readonly listen?: string;
  readonly cluster?: string;
  readonly config?: string;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly watchDownAfter: string;
  readonly healthProbeBindAddress?: string;
  readonly leaderElect?: boolean;
  readonly leaseNamespace?: string;
  readonly leaseName: string;
  readonly leaseDuration: string;
  readonly renewDeadline: string;
  readonly retryPeriod: string;
  readonly apiOnly?: boolean;
  readonly wire: WireFormat;
  readonly watchJobPods?: boolean;
  readonly listAndWatch?: boolean;
}

/** SERVICE_ACCOUNT_NAMESPACE is where a pod finds its own namespace (the default --lease-namespace in a cluster). */
const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** defaultLeaseNamespace is the pod's own namespace in a cluster, else `default`. */
function defaultLeaseNamespace(): string {
  try {
    return readFileSync(SERVICE_ACCOUNT_NAMESPACE, 'utf8').trim() || 'default';
  } catch {
    return 'default';
  }
}

/** leaderElectionOf turns the --leader-elect flags into settings (undefined without --leader-elect); bad timings are a usage error. */
function leaderElectionOf(flags: ServeFlags): LeaderElectionSettings | undefined {
  if (flags.leaderElect !== true) return undefined;
  const timings = {
    leaseDurationMs: parseDurationFlag(flags.leaseDuration, '--lease-duration'),
    renewDeadlineMs: parseDurationFlag(flags.renewDeadline, '--renew-deadline'),
    retryPeriodMs: parseDurationFlag(flags.retryPeriod, '--retry-period'),
  };
  const bad = checkTimings(timings);
  if (bad) throw new TrackerError('USAGE', `leader election timings: ${bad}`, { subject: '--lease-duration', hint: 'keep --lease-duration > --renew-deadline > 1.2 × --retry-period (defaults 15s, 10s, 2s)' });
  return { namespace: flags.leaseNamespace ?? defaultLeaseNamespace(), name: flags.leaseName, timings };
}

/**
 * waitForSignal resolves on the first SIGINT or SIGTERM (and stops listening for them).
 */
export function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/** registerServe adds `rollscope serve`: the tracker daemon with its API, metrics and dashboard. */
export function registerServe(program: Command): void {
  const serve = program
    .command('serve')
    .description('run the release tracker: watch the cluster, keep the ledger, serve the API, /metrics and the dashboard')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster)')
    .option('--context <name>', 'kubeconfig context')
    .option('-n, --namespace <ns>', 'watch only this namespace (repeatable, or comma-separated); default: all namespaces', (v: string, acc: string[]) => [...acc, ...v.split(',').filter((n) => n !== '')], [] as string[])
    .option('--db <url>', 'ledger: sqlite:PATH or postgres://… (default: $ROLLSCOPE_DB or sqlite:~/.rollscope/ledger.db)')
    .option('--listen <host:port>', `API, metrics and dashboard address (default ${DEFAULT_LISTEN})`)
    .option('--cluster <name>', 'name of this cluster in the ledger (default: the --context name, else "default"); give each tracker of a shared ledger its own')
    .option('--config <file>', 'YAML/JSON config: notifications, traces, tokens, metrics')
    .option('--watch-down-after <duration>', '/readyz answers 503 (naming the watches) once a watch has been down this long', '30s')
    .option('--api-only', 'serve the API, /metrics and the dashboard from a shared ledger (PostgreSQL) without watching anything, electing or acting on a cluster')
    .option('--leader-elect', 'run as one of several replicas: only the holder of a coordination.k8s.io/v1 Lease watches, writes the ledger and runs controllers; the others serve the API and stand by')
    .option('--lease-namespace <ns>', 'namespace of the leader Lease (default: this pod\'s namespace in a cluster, else default)')
    .option('--lease-name <name>', 'name of the leader Lease', 'rollscope')
    .option('--lease-duration <duration>', 'how long an unrenewed lease holds: the leader Lease (a standby waits this long to take over) and this serve\'s claim on each canary it drives', '15s')
    .option('--renew-deadline <duration>', 'leader election: how long the leader retries renewing before it stops leading', '10s')
    .option('--retry-period <duration>', 'leader election: how often to try to acquire or renew', '2s')
    .option('--health-probe-bind-address <host:port>', 'also serve bare /healthz and /readyz, without a token, on this address (for the kubelet\'s probes; e.g. 0.0.0.0:8081)')
    .addOption(new Option('--log-level <level>', 'log level').choices(['debug', 'info', 'warn', 'error']).default('info'))
    .addOption(wireOption())
    .option('--list-and-watch', 'sync with LIST and WATCH even where the API server compresses streaming lists (Kubernetes 1.37+): a few milliseconds less from a change to the ledger, several times the bytes')
    .option('--watch-job-pods', 'also list and watch the pods of Jobs (left out by the API server by default: the tracker never reads them); needed only for a Deployment, StatefulSet or DaemonSet whose pod template carries a controller-uid label')
    .action(async (flags: ServeFlags) => {
      const logger = jsonLogger({ level: flags.logLevel });
      const watchDownThresholdMs = parseDurationFlag(flags.watchDownAfter, '--watch-down-after');
      const leaderElection = leaderElectionOf(flags);
      if (flags.apiOnly === true && leaderElection) throw new TrackerError('USAGE', '--api-only and --leader-elect exclude each other: an API-only server watches and elects nothing', { subject: '--api-only', hint: 'run the trackers with --leader-elect and the API replicas with --api-only' });
      const config = loadConfigFile(flags.config);
      const clock = simClockFromEnv();
      const ledger = await openLedger(flags.db ?? config.db ?? defaultLedgerUrl());
      if (flags.apiOnly === true) {
        const { startApiOnly } = await import('../../daemon/api-only.ts');
        let server;
        try {
          server = await startApiOnly({ cluster: flags.cluster ?? config.cluster ?? flags.context ?? 'default', listen: flags.listen ?? config.listen ?? DEFAULT_LISTEN, ledger, config, logger, ...(clock ? { clock } : {}) });
        } catch (e) {
          await ledger.close();
          throw e;
        }
        process.stdout.write(`rollscope serve: listening on ${server.url} (dashboard ${server.url}/, metrics ${server.url}/metrics; API only)\n`);
        logger.info('shutting down', { signal: await waitForSignal() });
        await server.stop();
        await ledger.close();
        return;
      }
      // The daemon (client-node, OpenTelemetry, the API) loads only when serve runs, keeping other commands fast to start.
      const { startDaemon } = await import('../../daemon/main.ts');
      let daemon;
      try {
        daemon = await startDaemon({
          ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
          ...(flags.context ? { context: flags.context } : {}),
          namespaces: flags.namespace.length ? flags.namespace : (config.namespaces ?? []),
          cluster: flags.cluster ?? config.cluster ?? flags.context ?? 'default',
          listen: flags.listen ?? config.listen ?? DEFAULT_LISTEN,
          ledger,
          config,
          logger,
          watchDownThresholdMs,
          wire: flags.wire,
          ...(flags.watchJobPods === true ? { watchJobPods: true } : {}),
          ...(flags.listAndWatch === true ? { listAndWatch: true } : {}),
          ...(leaderElection ? { leaderElection } : {}),
          // a canary claim lasts as long as the leader Lease: a new leader takes over a dead one's canaries as promptly as its Lease
          canaryDriver: { leaseNamespace: flags.leaseNamespace ?? defaultLeaseNamespace(), leaseName: flags.leaseName, leaseMs: parseDurationFlag(flags.leaseDuration, '--lease-duration') },
          ...(flags.healthProbeBindAddress ? { healthProbeListen: flags.healthProbeBindAddress } : {}),
          ...(clock ? { clock } : {}),
        });
      } catch (e) {
        await ledger.close();
        throw e;
      }
      process.stdout.write(`rollscope serve: listening on ${daemon.url} (dashboard ${daemon.url}/, metrics ${daemon.url}/metrics)\n`);
      const sig = await waitForSignal();
      logger.info('shutting down', { signal: sig });
      await daemon.stop();
      await ledger.close();
    });
  // Every flag has an environment twin (ROLLSCOPE_LISTEN, ROLLSCOPE_LEADER_ELECT, …): see README "Configuration".
  addEnvTwins(serve);
}
