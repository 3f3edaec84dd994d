// Helpers for the kubectl conformance suite: start the simulated cluster in-process on port 0 with a
// fast clock, write a kubeconfig to a temp dir, and run the real /usr/bin/kubectl against it.
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { SimBehaviour } from '../../src/sim/core/context.ts';
import type { SimFeatureGates } from '../../src/sim/apiserver/feature-gates.ts';
import { startSim } from '../../src/sim/index.ts';
import { runScenario } from '../../src/sim/scenarios/index.ts';
import { needComponent } from '../support/services.ts';

/** KUBECTL_CANDIDATES are where the real kubectl may be installed. */
export const KUBECTL_CANDIDATES = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'];

/** TEST_SPEED runs simulated time 40× faster: an image pull of a few simulated seconds takes ~0.1 s. */
export const TEST_SPEED = 40;

/** KubectlResult is one finished kubectl run. */
export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Cluster is a running simulated cluster plus a kubectl bound to it. */
export interface Cluster {
  readonly sim: Awaited<ReturnType<typeof startSim>>;
  readonly kubeconfig: string;
  /** kubectl runs the real kubectl with this cluster's kubeconfig; never throws on a non-zero exit. */
  kubectl(args: readonly string[], opts?: { readonly input?: string; readonly timeoutMs?: number }): Promise<KubectlResult>;
  /** kubectlOk runs kubectl and throws (with its stderr) unless it exits 0; returns stdout. */
  kubectlOk(args: readonly string[], opts?: { readonly input?: string; readonly timeoutMs?: number }): Promise<string>;
  /** spawnKubectl starts a long-running kubectl (e.g. `get -w`); the caller kills it. */
  spawnKubectl(args: readonly string[]): ChildProcessWithoutNullStreams;
  stop(): Promise<void>;
}

/**
 * startCluster starts the simulator for one test file (scenario `empty` unless given) and returns
 * undefined (test skipped, or failed under ROLLSCOPE_REQUIRE_SERVICES=1) when kubectl is missing.
 */
export async function startCluster(
  t: TestContext,
  opts: { readonly scenario?: string; readonly speed?: number; readonly secure?: boolean; readonly behaviour?: SimBehaviour; readonly featureGates?: Partial<SimFeatureGates> } = {},
): Promise<Cluster | undefined> {
  const bin = needComponent(t, 'kubectl', KUBECTL_CANDIDATES, 'apt-get install kubectl (or put kubectl v1.32 on /usr/bin)');
  if (!bin) return undefined;
  const sim = await startSim({ speed: opts.speed ?? TEST_SPEED, ...(opts.secure === true ? { tls: true, auth: true } : {}), ...(opts.behaviour ? { behaviour: opts.behaviour } : {}), ...(opts.featureGates ? { featureGates: opts.featureGates } : {}) });
  const dir = mkdtempSync(join(tmpdir(), 'rollscope-kubectl-'));
  const kubeconfig = join(dir, 'kubeconfig');
  sim.writeKubeconfig(kubeconfig);
  const stopScenario = runScenario(opts.scenario ?? 'empty', { store: sim.store, clock: sim.clock });
  const env = { ...process.env, KUBECONFIG: kubeconfig, HOME: dir, KUBECACHEDIR: join(dir, 'cache') };
  const base = ['--kubeconfig', kubeconfig];
  const kubectl: Cluster['kubectl'] = (args, o = {}) =>
    new Promise((resolve) => {
      const child = execFile(bin, [...base, ...args], { env, timeout: o.timeoutMs ?? 15_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 124) : 0;
        resolve({ code, stdout, stderr });
      });
      if (o.input !== undefined) child.stdin?.end(o.input);
    });
  return {
    sim,
    kubeconfig,
    kubectl,
    async kubectlOk(args, o) {
      const r = await kubectl(args, o);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
      return r.stdout;
    },
    spawnKubectl: (args) => spawn(bin, [...base, ...args], { env }),
    async stop() {
      stopScenario();
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * eventually polls `check` until it returns a value other than undefined, or gives up after
 * `timeoutMs` of real time with an error naming `what` and the last value seen.
 */
export async function eventually<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** rowsOf splits kubectl table output into rows of whitespace-separated cells (header included). */
export function rowsOf(table: string): string[][] {
  return table
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.trim().split(/\s{2,}|\t/));
}

/**
 * deploymentYaml is a Deployment manifest (container named like the Deployment, as `kubectl create
 * deployment` makes it) for `kubectl apply -f -`.
 */
export function deploymentYaml(name: string, image: string, replicas: number, opts: { readonly terminationGracePeriodSeconds?: number } = {}): string {
  const grace = opts.terminationGracePeriodSeconds === undefined ? '' : `\n      terminationGracePeriodSeconds: ${opts.terminationGracePeriodSeconds}`;
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: {app: ${name}}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:${grace}
      containers:
      - name: ${name}
        image: ${image}
`;
}
