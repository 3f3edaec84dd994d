// Who drives a canary, end to end with a real Prometheus and real traffic (fixtures/canary.ts):
// 1. The CLI driver SIGKILLed at three seeded random points, rerun each time, against an
//    uninterrupted run of the same canary side by side: the same replica counts in the same order
//    (no flapping, no step repeated or skipped), each step reached and each pause deadline written
//    once, the same final state, and the same ledger entry and releases in the tracker's API.
// 2. `serve` drives (its canary Runnable, heartbeat Lease fresh): `rollscope canary` records the
//    canary and only attaches — it never claims or writes a step — and exits with the outcome.
import assert from 'node:assert/strict';
import { after, before, test, type TestContext } from 'node:test';
import type { CanaryStatus } from '../../src/canary/record.ts';
import type { CanaryView } from '../../src/model/view/canary-view.ts';
import { seededRandom } from '../../src/lib/seeded-random.ts';
import type { StoredChange } from '../../src/sim/core/store-api.ts';
import { spawnRollscope, type OpsCluster } from '../ops/ops-support.ts';
import { startInProcessTracker, type InProcessTracker } from './fixtures/daemon.ts';
import { analysisFile, deployment, loadCodes, prometheus, setup, startCanaryCluster, statusOf, stopCanaryCluster, TOTAL } from './fixtures/canary.ts';

/** SEED fixes the kill points (seededRandom); change it to explore others. */
const SEED = 13;
const LEASE = '4s';

let c: OpsCluster | undefined;
let tracker: InProcessTracker | undefined;
before(async (t) => {
  c = await startCanaryCluster(t as unknown as TestContext);
  if (!c) return;
  // the tracker ledgers canaries but drives none: the CLI is the only driver in test 1
  tracker = await startInProcessTracker(c.sim, c.kubeconfig, { daemon: { canaryDriver: { leaseNamespace: 'default', leaseName: 'rollscope', drive: false } } });
});
after(async () => {
  await tracker?.stop();
  await stopCanaryCluster();
});

interface Recording {
  /** (canary, stable) spec.replicas after every change of either (canary 0 while absent), deduplicated. */
  readonly replicas: [number, number][];
  /** (phase, stepIndex) after every status change, deduplicated. */
  readonly steps: string[];
  /** Every distinct value each step's stepReachedAt and pauseUntil took (must be one each). */
  readonly reachedAt: Map<number, Set<number>>;
  readonly pauseUntil: Map<number, Set<number>>;
  readonly holders: Set<string>;
  stop(): void;
}

/** record follows Deployments web and web-canary of `ns` in the simulator's store: every change, in commit order. */
function record(ns: string): Recording {
  const r = { replicas: [] as [number, number][], steps: [] as string[], reachedAt: new Map<number, Set<number>>(), pauseUntil: new Map<number, Set<number>>(), holders: new Set<string>() };
  let canary = 0;
  let stable = TOTAL;
  const add = (m: Map<number, Set<number>>, k: number, v: number | null): void => {
    if (v === null) return;
    if (!m.has(k)) m.set(k, new Set());
    m.get(k)!.add(v);
  };
  const off = c!.sim.store.subscribe('deployments.apps', (ch: StoredChange) => {
    const o = ch.object as { metadata: { namespace?: string; name?: string; annotations?: Record<string, string> }; spec?: { replicas?: number } };
    if (o.metadata.namespace !== ns) return;
    if (o.metadata.name === 'web-canary') canary = ch.type === 'DELETED' ? 0 : (o.spec?.replicas ?? 0);
    else if (o.metadata.name === 'web') {
      stable = o.spec?.replicas ?? 0;
      const text = o.metadata.annotations?.['rollscope.io/canary-status'];
      if (text !== undefined) {
        const st = JSON.parse(text) as CanaryStatus;
        const s = `${st.phase}@${st.stepIndex}`;
        if (r.steps.at(-1) !== s) r.steps.push(s);
        add(r.reachedAt, st.stepIndex, st.stepReachedAt);
        add(r.pauseUntil, st.stepIndex, st.pauseUntil);
        if (st.holder !== '') r.holders.add(st.holder);
      }
    } else return;
    const last = r.replicas.at(-1);
    if (last === undefined || last[0] !== canary || last[1] !== stable) r.replicas.push([canary, stable]);
  });
  return { ...r, stop: off };
}

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${tracker!.daemon.url}${path}`);
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  return (await res.json()) as T;
}

/** ledgerOf is what must be equal between runs: the canary's ledger entry (times reduced to presence) and the releases' triggers. */
async function ledgerOf(ns: string): Promise<unknown> {
  const until = Date.now() + 20_000;
  for (;;) {
    const res = await fetch(`${tracker!.daemon.url}/api/v1/canaries/${ns}/web`);
    const v = res.status === 200 ? ((await res.json()) as CanaryView) : null;
    if (v !== null && v.canary.state === 'promoted' && v.promoteReleaseId !== null) {
      const releases = await api<{ items: { trigger: string; images: { image: string }[]; outcome: string }[] }>(`/api/v1/releases?namespace=${ns}&name=web`);
      return {
        state: v.canary.state,
        outcome: v.canary.outcome,
        attempt: v.canary.attempt,
        steps: v.steps.map((s) => ({ weight: s.weight, canary: s.canaryReplicas, stable: s.stableReplicas, reached: s.reachedAt !== null, left: s.leftAt !== null, paused: s.pauseUntil !== null })),
        // the analysis judged each analysed step on three successful measurements per metric, none failed
        judged: [0, 1].map((i) => ['success-rate', 'latency-p99'].map((m) => v.measurements.filter((x) => x.step === i && x.metric === m && x.verdict === 'successful').length)),
        failed: v.measurements.filter((x) => x.verdict === 'failed').length,
        releases: releases.items.map((r) => [r.trigger, r.images.map((i) => i.image).join(','), r.outcome]),
      };
    }
    if (Date.now() > until) throw new Error(`the promoted canary of ${ns} with its release never showed in the ledger: ${JSON.stringify(v?.canary)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const canaryArgs = (ns: string, analysis: string): string[] => ['canary', 'deployment/web', '-n', ns, '--image', 'app=web:2', '--steps', '25,50', '--pause', '2s', '--prometheus', prometheus().url, '--analysis', analysis, '--lease', LEASE];

test('SIGKILL of the CLI driver at three seeded random points: the same replica counts, steps, pause deadlines, final state and ledger as an uninterrupted run', { timeout: 150_000 }, async () => {
  if (!c) return;
  const [refNs, killNs] = ['ck-ref', 'ck-kill'];
  const loads = [(await setup(refNs))!, (await setup(killNs))!];
  const analysis = analysisFile('drivers');
  const rec = { ref: record(refNs), kill: record(killNs) };
  const started = Date.now();
  const reference = c.rollscope(canaryArgs(refNs, analysis), { timeoutMs: 120_000 });

  // three kill moments spread over the run: seeded, 2–30 s after the first start, at least 3 s apart
  const random = seededRandom(SEED);
  const at = [0, 1, 2].map((i) => Math.round(2000 + i * 9000 + random() * 6000));
  const kills: string[] = [];
  for (const [i, t] of at.entries()) {
    const cli = spawnRollscope(c, canaryArgs(killNs, analysis));
    await new Promise((r) => setTimeout(r, Math.max(0, started + t - Date.now())));
    const st = statusOf(await deployment(killNs, 'web'));
    cli.child.kill('SIGKILL');
    const end = await cli.done;
    assert.notEqual(end.code, 0, `run ${i + 1} was killed before the canary ended:\n${end.stderr}`);
    kills.push(`at +${t} ms → ${st === null ? 'before the start' : `${st.phase} step ${st.stepIndex + 1}${st.pauseUntil !== null ? ' (pausing)' : ''}`} (${end.stderr.split('\n').filter((l) => l !== '').at(-1) ?? 'no output yet'})`);
  }
  const last = await c.rollscope(canaryArgs(killNs, analysis), { timeoutMs: 120_000 });
  const ref = await reference;
  await Promise.all(loads.map((l) => l.stop()));
  rec.ref.stop();
  rec.kill.stop();
  process.stdout.write(`# seed ${SEED}: SIGKILL ${kills.join('; ')}; the rerun finished ${Math.round((Date.now() - started) / 1000)} s after the reference started\n`);
  assert.equal(ref.code, 0, ref.stderr);
  assert.equal(last.code, 0, last.stderr);
  assert.match(last.stdout, /PROMOTED/);

  // no replica flapping, no step repeated or skipped: the same counts in the same order
  assert.deepEqual(rec.kill.replicas, rec.ref.replicas, `replica counts (canary, stable) over time\nkilled: ${JSON.stringify(rec.kill.replicas)}\nreference: ${JSON.stringify(rec.ref.replicas)}`);
  assert.deepEqual(rec.kill.steps, rec.ref.steps);
  // each step reached once and its pause deadline written once (a rerun keeps the recorded deadline)
  for (const r of [rec.ref, rec.kill]) {
    for (const [i, s] of r.reachedAt) assert.equal(s.size, 1, `step ${i + 1} reached at ${[...s].join(', ')}`);
    for (const [i, s] of r.pauseUntil) assert.equal(s.size, 1, `step ${i + 1} pause deadline ${[...s].join(', ')}`);
  }
  assert.deepEqual([...rec.kill.pauseUntil.keys()], [...rec.ref.pauseUntil.keys()], 'the same steps paused');
  assert.ok(rec.kill.holders.size >= 2, `the reruns took over from the killed drivers: ${[...rec.kill.holders].join(', ')}`);

  // the same final state …
  for (const ns of [refNs, killNs]) {
    const web = await deployment(ns, 'web');
    assert.deepEqual([web?.spec.replicas, web?.spec.template.spec.containers.map((x) => x.image), statusOf(web).phase], [TOTAL, ['web:2'], 'promoted'], ns);
    assert.equal(await deployment(ns, 'web-canary'), null, `${ns}: the canary Deployment is gone`);
  }
  // … no failed client request in either …
  for (const l of loads) assert.deepEqual(Object.keys(loadCodes(l)), ['200'], JSON.stringify(loadCodes(l)));
  // … and the same ledger
  const [lr, lk] = [await ledgerOf(refNs), await ledgerOf(killNs)];
  assert.deepEqual(lk, lr);
  assert.deepEqual((lr as { releases: unknown }).releases, [['canary-promote', 'web:2', 'succeeded'], ['create', 'web:1', 'succeeded']]);
});

test('serve drives: rollscope canary records the canary and attaches (never claims it), shows its progress and exits 0 on promotion', { timeout: 90_000 }, async () => {
  if (!c) return;
  const ns = 'ck-serve';
  const load = (await setup(ns))!;
  const rec = record(ns);
  const serve = await startInProcessTracker(c.sim, c.kubeconfig, { daemon: { canaryDriver: { leaseNamespace: 'default', leaseName: 'rollscope', intervalMs: 500, leaseMs: 3_000 } } });
  try {
    const run = await c.rollscope([...canaryArgs(ns, analysisFile('serve')), '-o', 'json'], { timeoutMs: 80_000 });
    await load.stop();
    rec.stop();
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /rollscope serve serve-\S+ leads: it drives the canary; attaching/);
    assert.match(run.stderr, /for the leading rollscope serve to drive/);
    assert.match(run.stderr, /serve-\S+: step 2\/3: 50% \(5\/10 pods\) reached/, 'the attached CLI shows the driver\'s progress');
    assert.equal((JSON.parse(run.stdout) as { result: string }).result, 'promoted');
    assert.deepEqual([...rec.holders].map((h) => h.replace(/^(serve-).*/, '$1')), ['serve-'], `only serve ever claimed the canary: ${[...rec.holders].join(', ')}`);
    const web = await deployment(ns, 'web');
    assert.deepEqual([web?.spec.replicas, web?.spec.template.spec.containers.map((x) => x.image), statusOf(web).phase], [TOTAL, ['web:2'], 'promoted']);
    assert.equal(web?.metadata.annotations?.['rollscope.io/canary-status']?.includes('"promoted"'), true);
    assert.equal((web as unknown as { metadata: { labels?: Record<string, string> } }).metadata.labels?.['rollscope.io/canary-active'], undefined, 'the finished canary is no longer listed for drivers');
    assert.deepEqual(Object.keys(loadCodes(load)), ['200']);
  } finally {
    await serve.stop();
  }
});
