// Helpers for the ops end-to-end tests: an in-process simulated cluster with image rules for
// slow-but-healthy rollouts, the real kubectl, and the rollscope CLI as a child process. Children
// are started with async spawn/execFile only: a synchronous call would block the event loop that
// serves the simulator.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { defaultBehaviour, type ImageRule } from '../../src/sim/node/behaviour.ts';
import { startSim, type Sim } from '../../src/sim/index.ts';
import { needComponent } from '../support/services.ts';

/** MAIN is the rollscope CLI entry point. */
export const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/**
 * STEADY_IMAGE_RULES adds `*:steady`: healthy, but each pod takes 30 s (simulated) to pull and
 * 20 s more to become ready (and `*:crashfast`, below), so a 3-replica rollout lasts a few real seconds at speed 40 — long
 * enough that process start-up does not decide who finishes first.
 */
const STEADY_IMAGE_RULES: readonly ImageRule[] = [
  { image: '*:steady', behaviour: { pullMs: 30_000, readyAfterMs: 20_000 } },
  // `*:crash` may pass readiness before its first exit (the rollout then completes, rightly);
  // `*:crashfast` exits with code 3 well before it could become ready.
  { image: '*:crashfast', behaviour: { crashAfterMs: 500, readyAfterMs: 5_000, exitCode: 3, terminationReason: 'Error' } },
];

/** Run is one finished child process, with when it ended (real ms). */
export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly endedAt: number;
  readonly durationMs: number;
  /** When its first stdout bytes arrived (real ms; spawnRollscope only): the moment it printed its result, before the process exits. */
  readonly outputAt?: number;
}

/** OpsCluster is a running simulated cluster with kubectl and rollscope bound to it. */
export interface OpsCluster {
  readonly sim: Sim;
  readonly kubeconfig: string;
  readonly dir: string;
  kubectl(args: readonly string[], opts?: { readonly input?: string; readonly timeoutMs?: number }): Promise<Run>;
  kubectlOk(args: readonly string[], opts?: { readonly input?: string }): Promise<string>;
  rollscope(args: readonly string[], opts?: { readonly timeoutMs?: number }): Promise<Run>;
  stop(): Promise<void>;
}

/** startOpsCluster starts the simulator at `speed` (default 40); undefined when kubectl is missing (test skipped). */
export async function startOpsCluster(t: TestContext, speed = 40): Promise<OpsCluster | undefined> {
  const bin = needComponent(t, 'kubectl', ['/usr/bin/kubectl', '/usr/local/bin/kubectl'], 'apt-get install kubectl (or put kubectl v1.32 on /usr/bin)');
  if (!bin) return undefined;
  const sim = await startSim({ speed, behaviour: defaultBehaviour({ rules: STEADY_IMAGE_RULES }) });
  const dir = mkdtempSync(join(tmpdir(), 'rollscope-ops-'));
  const kubeconfig = join(dir, 'kubeconfig');
  sim.writeKubeconfig(kubeconfig);
  const env = { ...process.env, KUBECONFIG: kubeconfig, HOME: dir, KUBECACHEDIR: join(dir, 'cache') };
  const run = (file: string, args: readonly string[], timeoutMs: number, input?: string): Promise<Run> =>
    new Promise((resolve) => {
      const started = Date.now();
      const child = execFile(file, [...args], { env, timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
        const endedAt = Date.now();
        const code = err ? (typeof err.code === 'number' ? err.code : 124) : 0;
        resolve({ code, stdout, stderr, endedAt, durationMs: endedAt - started });
      });
      if (input !== undefined) child.stdin?.end(input);
    });
  const kubectl: OpsCluster['kubectl'] = (args, o = {}) => run(bin, ['--kubeconfig', kubeconfig, ...args], o.timeoutMs ?? 30_000, o.input);
  return {
    sim,
    kubeconfig,
    dir,
    kubectl,
    async kubectlOk(args, o = {}) {
      const r = await kubectl(args, o);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
      return r.stdout;
    },
    rollscope: (args, o = {}) => run(process.execPath, [MAIN, ...args, '--kubeconfig', kubeconfig], o.timeoutMs ?? 60_000),
    async stop() {
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Spawned is a running rollscope process. */
export interface Spawned {
  readonly done: Promise<Run>;
  /** The child process (tests that kill it: child.kill('SIGKILL')). */
  readonly child: ChildProcess;
  /** when resolves (with the real time) once stderr matches `pattern`: e.g. the first progress line, which says the watches have synced. */
  when(pattern: RegExp, timeoutMs?: number): Promise<number>;
}

/**
 * spawnRollscope starts the CLI without waiting for it. Tests that time it wait for its first
 * progress line (`when`) before changing the cluster, so Node's start-up time (long on a loaded
 * machine) is not counted against it.
 */
export function spawnRollscope(c: OpsCluster, args: readonly string[]): Spawned {
  const started = Date.now();
  const child = spawn(process.execPath, [MAIN, ...args, '--kubeconfig', c.kubeconfig], { env: { ...process.env, KUBECONFIG: c.kubeconfig } });
  let stdout = '';
  let stderr = '';
  let outputAt: number | undefined;
  child.stdout.on('data', (b: Buffer) => {
    outputAt ??= Date.now();
    stdout += b.toString();
  });
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  let closed = false;
  const done = new Promise<Run>((resolve) =>
    child.on('close', (code) => {
      closed = true;
      resolve({ code: code ?? 124, stdout, stderr, endedAt: Date.now(), durationMs: Date.now() - started, ...(outputAt === undefined ? {} : { outputAt }) });
    }),
  );
  return {
    done,
    child,
    async when(pattern, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(stderr)) {
        if (closed || Date.now() > deadline) throw new Error(`rollscope ${args.join(' ')} never printed ${String(pattern)}; stderr:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return Date.now();
    },
  };
}

/** READY is the first line a waiting `rollscope wait` prints once its watches have synced. */
export const READY = /^Waiting for /m;

/** WorkloadSpec describes a test workload manifest. */
export interface WorkloadSpec {
  readonly kind: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  readonly name: string;
  readonly image: string;
  readonly replicas?: number;
  /** Extra container fields as YAML flow, e.g. `resources: {requests: {cpu: "64"}}`. */
  readonly container?: string;
}

/**
 * manifest renders a workload with one container named like the workload. Deployments get a long
 * progress deadline (1 h simulated), so only rollscope's diagnosis — not the deadline — can end a
 * failing rollout early.
 */
export function manifest(w: WorkloadSpec): string {
  const spec = [
    w.kind === 'DaemonSet' ? '' : `  replicas: ${w.replicas ?? 3}`,
    w.kind === 'Deployment' ? '  progressDeadlineSeconds: 3600' : '',
    w.kind === 'StatefulSet' ? `  serviceName: ${w.name}` : '',
  ].filter((l) => l !== '');
  return `apiVersion: apps/v1
kind: ${w.kind}
metadata:
  name: ${w.name}
  labels: {app: ${w.name}}
spec:
${spec.join('\n')}
  selector:
    matchLabels: {app: ${w.name}}
  template:
    metadata:
      labels: {app: ${w.name}}
    spec:
      containers:
      - name: ${w.name}
        image: "${w.image}"${w.container ? `\n        ${w.container}` : ''}
`;
}

/** typeOf is kubectl's TYPE for a kind. */
export const typeOf = (kind: WorkloadSpec['kind']): string => kind.toLowerCase();
