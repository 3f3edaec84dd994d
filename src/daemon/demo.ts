import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { realClock, type Clock } from '../lib/clock.ts';
import { TrackerError } from '../lib/errors.ts';
import { jsonLogger } from '../lib/log.ts';
import { startSim, type Sim } from '../sim/index.ts';
import { acquireDemoLock } from './demo-lock.ts';
import { DEFAULT_FAIL_FAST_RULES, type FailFastRules } from '../track/status/fail-fast.ts';
import { findScenario } from '../sim/scenarios/index.ts';
import { openSqliteLedger } from '../store/sqlite/store.ts';
import { startDaemon, type RunningDaemon } from './main.ts';

/** DemoOptions configures `rollscope demo`. */
export interface DemoOptions {
  /** Dashboard/API address; if its port is taken, any free port is used instead. */
  readonly listen: string;
  /** Simulated API server address (port 0 = any free port). */
  readonly simListen: { readonly host: string; readonly port: number };
  readonly kubeconfigOut: string;
  readonly speed: number;
  readonly nodes: string;
  readonly scenario: string;
  /** The demo's ledger file; recreated at each start. */
  readonly ledgerPath: string;
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/** RunningDemo is a started demo: simulated cluster, scenario, tracker and dashboard. */
export interface RunningDemo {
  readonly dashboardUrl: string;
  readonly simUrl: string;
  readonly kubeconfig: string;
  readonly operatorToken: string;
  readonly viewerToken: string;
  readonly ledgerPath: string;
  stop(): Promise<void>;
}

/**
 * startDemo runs everything in one process: the simulated cluster with the demo scenario, the
 * tracker (reading the cluster through its real HTTP API, like against any cluster), the ledger in
 * a fresh SQLite file, and the API + dashboard on loopback with a generated operator token.
 * One clock for every view: the simulator's timestamps follow the wall clock and `speed` compresses
 * only its world's delays (sim/core/clock.ts CompressedClock), so kubectl, the ledger, `rollscope
 * history` and the dashboard agree on when a release happened and how long it took.
 */
export async function startDemo(o: DemoOptions): Promise<RunningDemo> {
  const kubeconfig = resolve(o.kubeconfigOut);
  const ledgerPath = resolve(o.ledgerPath);
  // Taken before the ledger is recreated: a demo already running here keeps its ledger (demo-lock.ts).
  mkdirSync(dirname(ledgerPath), { recursive: true });
  const lock = acquireDemoLock(`${ledgerPath}.lock`, { ledger: ledgerPath, kubeconfig });
  let sim: Sim;
  try {
    sim = await startSim({ host: o.simListen.host, port: o.simListen.port, speed: o.speed, nodes: o.nodes, timeline: 'wall' });
  } catch (e) {
    lock.release();
    throw e;
  }
  let daemon: RunningDaemon | undefined;
  let stopScenario: () => void = () => {};
  const logger = jsonLogger({ level: o.logLevel ?? 'warn' });
  const ledger = (() => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${ledgerPath}${suffix}`, { force: true });
    return openSqliteLedger({ path: ledgerPath });
  })();
  try {
    mkdirSync(dirname(kubeconfig), { recursive: true });
    sim.writeKubeconfig(kubeconfig);
    const scenario = findScenario(o.scenario);
    stopScenario = scenario.start({ store: sim.store, clock: sim.clock, log: logger.child({ component: 'scenario' }) });
    sim.load(scenario.load ?? []);
    const operatorToken = randomBytes(18).toString('base64url');
    const viewerToken = randomBytes(18).toString('base64url');
    const clock: Clock = { now: () => sim.clock.now(), sleep: (ms, signal) => realClock.sleep(ms, signal) };
    // The world runs speed× faster, so does the tracker's patience: fail-fast graces shrink alike.
    const failFastRules = Object.fromEntries(Object.entries(DEFAULT_FAIL_FAST_RULES).map(([code, ms]) => [code, Math.round(ms / o.speed)])) as FailFastRules;
    const base = { kubeconfig, namespaces: [], cluster: 'demo', ledger, config: {}, logger, clock, failFastRules, tokens: [{ subject: 'demo-operator', role: 'operator' as const, token: operatorToken }, { subject: 'demo-viewer', role: 'viewer' as const, token: viewerToken }] };
    try {
      daemon = await startDaemon({ ...base, listen: o.listen });
    } catch (e) {
      if (!(e instanceof TrackerError && /EADDRINUSE/.test(e.message))) throw e;
      daemon = await startDaemon({ ...base, listen: `${o.listen.replace(/:\d+$/, '')}:0` });
    }
    const d = daemon;
    lock.update({ dashboardUrl: `${d.url}/`, simUrl: sim.url });
    return {
      dashboardUrl: `${d.url}/`,
      simUrl: sim.url,
      kubeconfig,
      operatorToken,
      viewerToken,
      ledgerPath,
      async stop() {
        stopScenario();
        await d.stop();
        await ledger.close();
        await sim.stop();
        lock.release();
      },
    };
  } catch (e) {
    stopScenario();
    await daemon?.stop();
    await ledger.close();
    await sim.stop();
    lock.release();
    throw e;
  }
}
