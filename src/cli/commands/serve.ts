import type { Command} from 'commander';
import { Option } from 'commander';
import { jsonLogger } from '../../lib/log.ts';
import { addEnvTwins } from '../env-twins.ts';
import { defaultLedgerUrl, openLedger } from '../../store/open.ts';
import { DEFAULT_LISTEN, loadConfigFile } from '../../daemon/config.ts';
import { simClockFromEnv } from '../../daemon/sim-clock-env.ts';
import { parseDurationFlag } from './ops-common.ts';

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
    .option('--health-probe-bind-address <host:port>', 'also serve bare /healthz and /readyz, without a token, on this address (for the kubelet\'s probes; e.g. 0.0.0.0:8081)')
    .addOption(new Option('--log-level <level>', 'log level').choices(['debug', 'info', 'warn', 'error']).default('info'))
    .action(async (flags: ServeFlags) => {
      // The daemon (client-node, OpenTelemetry, the API) loads only when serve runs, keeping other commands fast to start.
      const { startDaemon } = await import('../../daemon/main.ts');
      const logger = jsonLogger({ level: flags.logLevel });
      const watchDownThresholdMs = parseDurationFlag(flags.watchDownAfter, '--watch-down-after');
      const config = loadConfigFile(flags.config);
      const clock = simClockFromEnv();
      const ledger = await openLedger(flags.db ?? config.db ?? defaultLedgerUrl());
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
