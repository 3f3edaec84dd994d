// `rollscope wait` against the simulated cluster, side by side with the real `kubectl rollout
// status`: failing rollouts end within seconds with the precise diagnosis (kubectl only gives up at
// its --timeout), healthy rollouts finish no later than kubectl — for Deployments, StatefulSets
// and DaemonSets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manifest, startOpsCluster, typeOf, type OpsCluster, type Run, type WorkloadSpec } from './ops-support.ts';

/** KUBECTL_TIMEOUT is kubectl's --timeout for failing rollouts: it can only give up then. */
const KUBECTL_TIMEOUT_S = 15;

interface JsonWorkload {
  readonly state: string;
  readonly reason: string;
  readonly message: string;
  readonly diagnosis: { readonly code: string; readonly message: string; readonly exitCode?: number } | null;
}
interface JsonResult {
  readonly result: string;
  readonly workloads: readonly JsonWorkload[];
}

function parsed(r: Run): JsonResult {
  try {
    return JSON.parse(r.stdout) as JsonResult;
  } catch {
    throw new Error(`rollscope printed no JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}

async function apply(c: OpsCluster, w: WorkloadSpec): Promise<void> {
  await c.kubectlOk(['apply', '-f', '-'], { input: manifest(w) });
}

const waitJson = (c: OpsCluster, w: WorkloadSpec, ...flags: string[]): Promise<Run> => c.rollscope(['wait', `${typeOf(w.kind)}/${w.name}`, '--timeout', '60s', '-o', 'json', ...flags]);

interface FailureCase {
  readonly name: string;
  readonly workload: WorkloadSpec;
  readonly flags?: readonly string[];
  readonly code: string;
  readonly check?: (w: JsonWorkload) => void;
  /** Also run kubectl rollout status on it and compare durations. */
  readonly withKubectl?: boolean;
}

const FAILURES: readonly FailureCase[] = [
  { name: 'deployment: image cannot be pulled → ImagePullFailed', workload: { kind: 'Deployment', name: 'pull', image: 'web:missing' }, code: 'ImagePullFailed', withKubectl: true,
    check: (w) => assert.match(w.diagnosis?.message ?? '', /Failed to pull image "web:missing"/) },
  { name: 'deployment: crash loop → CrashLoop with the exit code', workload: { kind: 'Deployment', name: 'crash', image: 'app:crash' }, code: 'CrashLoop',
    check: (w) => assert.equal(w.diagnosis?.exitCode, 1) },
  { name: 'deployment: too big for any node → Unschedulable with the scheduler message', workload: { kind: 'Deployment', name: 'huge', image: 'app:1', container: 'resources: {requests: {cpu: "64"}}' }, flags: ['--fail-fast', 'Unschedulable=0s'], code: 'Unschedulable',
    check: (w) => assert.match(w.diagnosis?.message ?? '', /^0\/3 nodes are available: .*Insufficient cpu/) },
  { name: 'deployment: readiness probe keeps failing → ReadinessFailing', workload: { kind: 'Deployment', name: 'unready', image: 'app:unready' }, flags: ['--fail-fast', 'ReadinessFailing=1s'], code: 'ReadinessFailing',
    check: (w) => assert.match(w.diagnosis?.message ?? '', /Readiness probe failed/) },
  { name: 'deployment: missing ConfigMap → ConfigError', workload: { kind: 'Deployment', name: 'config', image: 'app:1', container: 'envFrom: [{configMapRef: {name: app-settings}}]' }, flags: ['--fail-fast', 'ConfigError=0s'], code: 'ConfigError',
    check: (w) => assert.match(w.diagnosis?.message ?? '', /configmap "app-settings" not found/) },
  { name: 'statefulset: image cannot be pulled → ImagePullFailed', workload: { kind: 'StatefulSet', name: 'db-pull', image: 'db:missing', replicas: 2 }, code: 'ImagePullFailed', withKubectl: true },
  { name: 'daemonset: image cannot be pulled → ImagePullFailed', workload: { kind: 'DaemonSet', name: 'agent-pull', image: 'agent:missing' }, code: 'ImagePullFailed', withKubectl: true },
];

const HEALTHY: readonly WorkloadSpec[] = [
  { kind: 'Deployment', name: 'web', image: 'web:steady' },
  { kind: 'StatefulSet', name: 'db', image: 'db:steady', replicas: 2 },
  { kind: 'DaemonSet', name: 'agent', image: 'agent:steady' },
];

test('rollscope wait vs kubectl rollout status on the simulated cluster', async (t) => {
  const c = await startOpsCluster(t);
  if (!c) return;
  t.after(() => c.stop());

  await t.test('failing rollouts fail fast with the precise diagnosis', async (tt) => {
    await Promise.all(FAILURES.map((f) => apply(c, f.workload)));
    // kubectl can only give up at its timeout, so its runs start first and overlap everything else;
    // rollscope's runs go two at a time so CPU contention from Node start-up stays out of the timings.
    const kubectlRuns = new Map(
      FAILURES.filter((f) => f.withKubectl).map((f) => [f.name, c.kubectl(['rollout', 'status', `${typeOf(f.workload.kind)}/${f.workload.name}`, `--timeout=${KUBECTL_TIMEOUT_S}s`])]),
    );
    const queue = [...FAILURES];
    const worker = async (): Promise<void> => {
      for (let f = queue.shift(); f !== undefined; f = queue.shift()) await checkFailure(f, kubectlRuns.get(f.name));
    };
    const checkFailure = async (f: FailureCase, kubectlRun: Promise<Run> | undefined): Promise<void> => {
      const target = `${typeOf(f.workload.kind)}/${f.workload.name}`;
      const ours = await waitJson(c, f.workload, ...(f.flags ?? []));
      const out = parsed(ours);
      const w = out.workloads[0];
      assert.ok(w, f.name);
      assert.equal(ours.code, 1, `${f.name}: exit code\n${ours.stderr}`);
      assert.equal(out.result, 'failed', f.name);
      assert.equal(w.state, 'Failed', f.name);
      assert.equal(w.diagnosis?.code, f.code, `${f.name}: ${JSON.stringify(w)}`);
      assert.equal(w.reason, f.code, f.name);
      f.check?.(w);
      tt.diagnostic(`${target}: rollscope wait failed with ${w.diagnosis?.code} after ${ours.durationMs} ms (process start included)`);
      if (!kubectlRun) return;
      assert.ok(ours.durationMs < 5000, `${f.name}: rollscope took ${ours.durationMs} ms`);
      const theirs = await kubectlRun;
      assert.notEqual(theirs.code, 0, `${f.name}: kubectl rollout status should not succeed`);
      assert.match(theirs.stderr, /timed out waiting for the condition/, f.name);
      assert.ok(theirs.durationMs >= (KUBECTL_TIMEOUT_S - 1) * 1000, `${f.name}: kubectl gave up after ${theirs.durationMs} ms`);
      tt.diagnostic(`${target}: kubectl rollout status gave up after ${theirs.durationMs} ms; rollscope wait answered ${(theirs.durationMs / ours.durationMs).toFixed(1)}× sooner`);
    };
    await Promise.all([worker(), worker()]);
  });

  for (const w of HEALTHY) {
    await t.test(`healthy ${w.kind} rolls out no later than kubectl rollout status`, async (tt) => {
      await apply(c, w);
      const target = `${typeOf(w.kind)}/${w.name}`;
      const [ours, theirs] = await Promise.all([c.rollscope(['wait', target, '--timeout', '60s']), c.kubectl(['rollout', 'status', target, '--timeout=60s'])]);
      assert.equal(ours.code, 0, ours.stderr);
      assert.equal(theirs.code, 0, theirs.stderr);
      assert.match(ours.stdout, /successfully rolled out/);
      const lagMs = ours.endedAt - theirs.endedAt;
      tt.diagnostic(`${target}: rollscope finished ${lagMs} ms after kubectl (negative = earlier); rollout took ${theirs.durationMs} ms`);
      assert.ok(lagMs <= 700, `rollscope finished ${lagMs} ms after kubectl`);
    });
  }
});
