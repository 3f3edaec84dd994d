// `rollscope wait` against the simulated cluster, side by side with the real `kubectl rollout
// status`: failing rollouts end within seconds with the precise diagnosis (kubectl only gives up at
// its --timeout), healthy rollouts finish no later than kubectl — for Deployments, StatefulSets
// and DaemonSets. Each rollscope process is started first (with --grace, before its workload
// exists) and the workloads are created once it has synced, so Node's start-up time — long on a
// loaded machine — is not what is measured; kubectl starts right after the creation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manifest, READY, spawnRollscope, startOpsCluster, typeOf, type OpsCluster, type Run, type Spawned, type WorkloadSpec } from './ops-support.ts';

/** KUBECTL_TIMEOUT_S is kubectl's --timeout for failing rollouts: it can only give up then. */
const KUBECTL_TIMEOUT_S = 10;

interface JsonWorkload {
  readonly state: string;
  readonly reason: string;
  readonly message: string;
  readonly diagnosis: { readonly code: string; readonly message: string; readonly exitCode?: number } | null;
}

function workloadOf(r: Run): JsonWorkload {
  try {
    const w = (JSON.parse(r.stdout) as { result: string; workloads: JsonWorkload[] }).workloads[0];
    assert.ok(w);
    return w;
  } catch {
    throw new Error(`rollscope printed no JSON result (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}

const target = (w: WorkloadSpec): string => `${typeOf(w.kind)}/${w.name}`;

/** startWaiting starts `rollscope wait` on workloads that do not exist yet and resolves once every one has synced. */
async function startWaiting(c: OpsCluster, runs: readonly { readonly w: WorkloadSpec; readonly flags: readonly string[] }[]): Promise<Spawned[]> {
  const spawned = runs.map((r) => spawnRollscope(c, ['wait', target(r.w), '--grace', '60s', '--timeout', '60s', ...r.flags]));
  await Promise.all(spawned.map((s) => s.when(READY)));
  return spawned;
}

/**
 * create applies the workloads and returns, per workload (`Kind/name`), the real instant the
 * simulated API server stored it — what "fails N ms after the workload was applied" is measured
 * from. (The instant `kubectl apply` was started is not: a loaded machine spends a second or more
 * starting kubectl and discovering the API before the objects exist.)
 */
async function create(c: OpsCluster, workloads: readonly WorkloadSpec[]): Promise<ReadonlyMap<string, number>> {
  const createdAt = new Map<string, number>();
  const off = c.sim.store.subscribe('*', (change) => {
    const key = `${change.object.kind ?? ''}/${change.object.metadata.name ?? ''}`;
    if (change.type === 'ADDED' && workloads.some((w) => `${w.kind}/${w.name}` === key) && !createdAt.has(key)) createdAt.set(key, Date.now());
  });
  try {
    await c.kubectlOk(['apply', '-f', '-'], { input: workloads.map(manifest).join('---\n') });
  } finally {
    off();
  }
  for (const w of workloads) assert.ok(createdAt.has(`${w.kind}/${w.name}`), `the API server stored ${w.kind}/${w.name}`);
  return createdAt;
}

/** answeredAt is when a `rollscope wait` printed its result (not when its process finished exiting). */
const answeredAt = (r: Run): number => r.outputAt ?? r.endedAt;

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
    // The kubelet's event (`Failed to pull image "web:missing": rpc error…`) or the container's waiting
    // message (`rpc error… "docker.io/library/web:missing"…`, `Back-off pulling image "web:missing"`),
    // whichever the diagnosis saw first: both name the image and the pull.
    check: (w) => assert.match(w.diagnosis?.message ?? '', /pull.*web:missing/i) },
  { name: 'deployment: crash loop → CrashLoop with the exit code', workload: { kind: 'Deployment', name: 'crash', image: 'app:crashfast' }, code: 'CrashLoop',
    check: (w) => assert.equal(w.diagnosis?.exitCode, 3) },
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

  await t.test('failing rollouts fail fast with the precise diagnosis; kubectl only gives up at its timeout', async (tt) => {
    const ours = await startWaiting(c, FAILURES.map((f) => ({ w: f.workload, flags: ['-o', 'json', ...(f.flags ?? [])] })));
    const created = await create(c, FAILURES.map((f) => f.workload));
    const theirs = FAILURES.map((f) => (f.withKubectl ? c.kubectl(['rollout', 'status', target(f.workload), `--timeout=${KUBECTL_TIMEOUT_S}s`]) : undefined));
    await Promise.all(
      FAILURES.map(async (f, i) => {
        const r = await ours[i]?.done;
        assert.ok(r);
        const w = workloadOf(r);
        assert.equal(r.code, 1, `${f.name}: exit code\n${r.stderr}`);
        assert.equal(w.state, 'Failed', f.name);
        assert.equal(w.diagnosis?.code, f.code, `${f.name}: ${JSON.stringify(w)}`);
        assert.equal(w.reason, f.code, f.name);
        f.check?.(w);
        const createdAt = created.get(`${f.workload.kind}/${f.workload.name}`) ?? assert.fail('creation time');
        const oursMs = answeredAt(r) - createdAt;
        tt.diagnostic(`${target(f.workload)}: rollscope wait failed with ${w.diagnosis?.code} ${oursMs} ms after the workload was applied`);
        const kubectlRun = theirs[i];
        if (!kubectlRun) return;
        const k = await kubectlRun;
        const theirsMs = k.endedAt - createdAt;
        assert.notEqual(k.code, 0, `${f.name}: kubectl rollout status should not succeed`);
        assert.match(k.stderr, /timed out waiting for the condition/, f.name);
        assert.ok(theirsMs >= (KUBECTL_TIMEOUT_S - 1) * 1000, `${f.name}: kubectl gave up after ${theirsMs} ms`);
        assert.ok(oursMs < (KUBECTL_TIMEOUT_S * 1000) / 2, `${f.name}: rollscope took ${oursMs} ms`);
        tt.diagnostic(`${target(f.workload)}: kubectl rollout status gave up after ${theirsMs} ms; rollscope wait answered ${(theirsMs / oursMs).toFixed(1)}× sooner`);
      }),
    );
  });

  await t.test('healthy rollouts finish no later than kubectl rollout status', async (tt) => {
    const ours = await startWaiting(c, HEALTHY.map((w) => ({ w, flags: [] })));
    await create(c, HEALTHY);
    const theirs = HEALTHY.map((w) => c.kubectl(['rollout', 'status', target(w), '--timeout=60s']));
    await Promise.all(
      HEALTHY.map(async (w, i) => {
        const [r, k] = await Promise.all([ours[i]?.done, theirs[i]]);
        assert.ok(r && k);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(k.code, 0, k.stderr);
        assert.match(r.stdout, /successfully rolled out/);
        const lagMs = r.endedAt - k.endedAt;
        tt.diagnostic(`${target(w)}: rollscope finished ${lagMs} ms after kubectl (negative = earlier); kubectl took ${k.durationMs} ms`);
        assert.ok(lagMs <= 1000, `${target(w)}: rollscope finished ${lagMs} ms after kubectl`);
      }),
    );
  });
});
