import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { TrackerError } from '../../lib/errors.ts';
import { jsonLogger } from '../../lib/log.ts';
import { DEFAULT_NODES_SPEC } from '../../sim/node/behaviour.ts';
import { startSim, type Sim } from '../../sim/index.ts';
import { PROMETHEUS_SD_PATH } from '../../sim/apiserver/http/prometheus-sd.ts';
import { parseLoadFlag } from '../../sim/network/load.ts';
import { prometheusConfig } from '../../sim/network/prometheus-config.ts';
import { scenarioNames } from '../../sim/scenarios/index.ts';
import { DEFAULT_KUBECONFIG_OUT, parseGates, parseListen, parseNodes, parseScenario, parseSpeed } from './sim-options.ts';

/** SimRunOptions are the raw flag values of `rollscope sim` (and `rollscope demo`). */
export interface SimRunOptions {
  readonly listen: string;
  readonly kubeconfigOut: string;
  readonly scenario: string;
  readonly speed: string;
  readonly nodes: string;
  /** Plain HTTP without tokens (commander's `--insecure-http`); by default HTTPS with the CA and an admin token in the kubeconfig. */
  readonly insecureHttp?: boolean;
  /** `--load NS/SERVICE=RPS`, repeatable: steady traffic through Services. */
  readonly load?: string[];
  /** `--prometheus-config-out FILE`: a Prometheus configuration scraping the pods through http_sd. */
  readonly prometheusConfigOut?: string;
  /** `--feature-gates Name=true,...`: the simulated API server's feature gates, as kube-apiserver's flag. */
  readonly featureGates?: string;
}

/** SimRunHooks lets a caller (e.g. `rollscope demo`) add to the running cluster. */
export interface SimRunHooks {
  /** Extra lines for stderr once the cluster is ready (after the kubectl hint). */
  readonly banner?: (info: { readonly url: string; readonly kubeconfig: string }) => readonly string[];
}

/**
 * runSimulatedCluster starts the simulated cluster with the given flags, writes the kubeconfig,
 * starts the scenario, prints the URL as the one line on stdout (a kubectl hint goes to stderr),
 * and runs until SIGINT or SIGTERM; then it stops everything and resolves (exit code 0).
 * Bad flags throw USAGE TrackerErrors before anything starts.
 */
export async function runSimulatedCluster(opts: SimRunOptions, hooks: SimRunHooks = {}): Promise<void> {
  const listen = parseListen(opts.listen);
  const speed = parseSpeed(opts.speed);
  const nodes = parseNodes(opts.nodes);
  const scenario = parseScenario(opts.scenario);
  const featureGates = parseGates(opts.featureGates ?? '');
  const kubeconfig = resolve(opts.kubeconfigOut);

  const secure = opts.insecureHttp !== true;
  const loadTargets = (opts.load ?? []).map((flag) => {
    const target = parseLoadFlag(flag);
    if (target === undefined) throw new TrackerError('USAGE', `--load ${flag} is not NS/SERVICE=RPS`, { hint: 'e.g. --load shop/frontend=20 (1 to 1000 requests a second)' });
    return target;
  });
  const sim = await startSim({ host: listen.host, port: listen.port, speed, nodes: opts.nodes, tls: secure, auth: secure, timeline: 'wall', featureGates }).catch((e: unknown) => {
    throw listenError(e, opts.listen);
  });
  let stopScenario: () => void = () => {};
  try {
    writeKubeconfigTo(sim, kubeconfig);
    if (opts.prometheusConfigOut !== undefined) writePrometheusConfig(sim, resolve(opts.prometheusConfigOut));
    stopScenario = scenario.start({ store: sim.store, clock: sim.clock, log: jsonLogger({ level: 'warn' }) });
    // The scenario's own traffic (the demo's Services), then --load's.
    sim.load([...(scenario.load ?? []), ...loadTargets]);
    const lines = [
      `rollscope sim: scenario ${scenario.name}, speed ${speed}x, ${nodes.length} node(s); kubeconfig written to ${kubeconfig}`,
      `  export KUBECONFIG=${kubeconfig}   # then: kubectl get deployments -A`,
      ...(hooks.banner?.({ url: sim.url, kubeconfig }) ?? []),
      '  stop with Ctrl-C',
    ];
    process.stderr.write(`${lines.join('\n')}\n`);
    process.stdout.write(`${sim.url}\n`); // last: whoever waits for this line finds the server ready
    await untilSignal(['SIGINT', 'SIGTERM']);
  } finally {
    stopScenario();
    await sim.stop();
  }
}

/** writeKubeconfigTo writes the kubeconfig (creating its folder), or throws a USAGE error naming the path. */
function writeKubeconfigTo(sim: { writeKubeconfig(path: string): void }, path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    sim.writeKubeconfig(path);
  } catch (e) {
    throw new TrackerError('USAGE', `cannot write the kubeconfig to ${path}: ${e instanceof Error ? e.message : String(e)}`, {
      subject: 'rollscope sim --kubeconfig-out',
      hint: 'choose a writable file with --kubeconfig-out FILE',
      cause: e,
    });
  }
}

/** listenError turns a bind failure (address in use, not permitted, unknown host) into a USAGE error naming the address. */
function listenError(e: unknown, listen: string): unknown {
  const code = (e as { code?: unknown } | null)?.code;
  const why: Readonly<Record<string, string>> = { EADDRINUSE: 'is already in use', EACCES: 'needs more privileges', EADDRNOTAVAIL: 'is not an address of this machine', ENOTFOUND: 'names an unknown host' };
  if (typeof code !== 'string' || why[code] === undefined) return e;
  return new TrackerError('USAGE', `cannot listen on ${listen}: the address ${why[code]}`, {
    subject: 'rollscope sim --listen',
    hint: 'choose another address, or --listen 127.0.0.1:0 for any free port',
    cause: e,
  });
}

/** untilSignal resolves on the first of `signals`, then removes its handlers. */
function untilSignal(signals: readonly NodeJS.Signals[]): Promise<NodeJS.Signals> {
  return new Promise((done) => {
    const on = (signal: NodeJS.Signals): void => {
      for (const s of signals) process.off(s, on);
      done(signal);
    };
    for (const s of signals) process.on(s, on);
  });
}

/** registerSim adds `rollscope sim`. */
export function registerSim(program: Command): void {
  program
    .command('sim')
    .description('run only the simulated cluster; write a kubeconfig for kubectl and others')
    .option('--listen <host:port>', 'address of the simulated API server (port 0 = any free port)', '127.0.0.1:0')
    .option('--kubeconfig-out <file>', 'where to write the kubeconfig', DEFAULT_KUBECONFIG_OUT)
    .option('--scenario <name>', `scripted cluster activity: ${scenarioNames().join(', ')}`, 'empty')
    .option('--speed <n>', 'the simulated world runs N times faster (pulls, start-up, back-offs); timestamps stay on the wall clock', '1')
    .option('--nodes <spec>', 'node pool, e.g. 3x4cpu8Gi,1x2cpu4Gi', DEFAULT_NODES_SPEC)
    .option('--load <ns/service=rps>', 'steady traffic through a Service, N requests a second (repeatable); counts on the simulator\'s /metrics', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--prometheus-config-out <file>', 'write a Prometheus configuration that scrapes the pods (http_sd_configs, role: pod labels)')
    .option('--insecure-http', 'serve plain HTTP and accept any request (default: HTTPS with a generated CA, bearer tokens and RBAC)')
    .option('--feature-gates <gates>', 'API server feature gates, as kube-apiserver\'s: ManagedFieldsOptOut=true (alpha, off by default) honours Accept: ...;drop=metadata.managedFields')
    .action(async (opts: SimRunOptions) => runSimulatedCluster(opts));
}

/**
 * writePrometheusConfig writes the configuration of network/prometheus-config.ts for this simulator;
 * over HTTPS the simulator's CA goes beside it (`FILE.ca.crt`) and the config names it.
 */
function writePrometheusConfig(sim: Sim, file: string): void {
  const caFile = sim.caPem === undefined ? undefined : `${file}.ca.crt`;
  if (caFile !== undefined) writeFileSync(caFile, sim.caPem ?? '');
  writeFileSync(file, prometheusConfig({ sdUrl: `${sim.url}${PROMETHEUS_SD_PATH}`, ...(caFile === undefined ? {} : { caFile }) }));
}
