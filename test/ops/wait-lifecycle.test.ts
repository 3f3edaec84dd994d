// `rollscope wait` over a workload's lifecycle on the simulated cluster: a constant number of API
// requests however long it waits (watches, never polling), not found (and --grace), deleted,
// paused, superseded by a newer revision, and RBAC refusals (exit 5 with the rule to grant).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manifest, READY, spawnRollscope, startOpsCluster, type OpsCluster, type Run } from './ops-support.ts';

/** usage sums the simulator's requests per verb since the last reset (discovery excluded). */
function usage(c: OpsCluster): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of c.sim.accounting.rows()) if (r.resource !== '') out[`${r.verb} ${r.resource}`] = (out[`${r.verb} ${r.resource}`] ?? 0) + r.requests;
  return out;
}

const json = (r: Run): { result: string; workloads: { state: string; reason: string; superseded: boolean; diagnosis: { code: string } | null }[] } => JSON.parse(r.stdout) as never;

test('rollscope wait through a workload lifecycle', async (t) => {
  const c = await startOpsCluster(t);
  if (!c) return;
  t.after(() => c.stop());
  // Stuck but never failing: unschedulable, with no fail-fast rule for it.
  await c.kubectlOk(['apply', '-f', '-'], { input: manifest({ kind: 'Deployment', name: 'stuck', image: 'app:1', container: 'resources: {requests: {cpu: "64"}}' }) });

  await t.test('a 2 s and a 6 s wait make the same requests: one streaming list per kind (a 1.37 server)', async (tt) => {
    const runs: Record<string, number>[] = [];
    for (const timeout of ['2s', '6s']) {
      c.sim.accounting.reset();
      const r = await c.rollscope(['wait', 'deployment/stuck', '--timeout', timeout, '--fail-fast', 'Unschedulable=never', '-o', 'json']);
      assert.equal(r.code, 2, r.stderr);
      const out = json(r);
      assert.equal(out.result, 'timeout');
      assert.equal(out.workloads[0]?.state, 'Timeout');
      assert.equal(out.workloads[0]?.diagnosis?.code, 'Unschedulable', 'the last diagnosis is kept in the timeout result');
      runs.push(usage(c));
    }
    tt.diagnostic(`requests of a 2 s wait: ${JSON.stringify(runs[0])}; of a 6 s wait: ${JSON.stringify(runs[1])}`);
    assert.deepEqual(runs[0], runs[1]);
    for (const resource of ['deployments.apps', 'replicasets.apps', 'pods', 'events']) {
      assert.equal(runs[1]?.[`list ${resource}`], undefined, `no LIST of ${resource}`);
      assert.equal(runs[1]?.[`watch ${resource}`], 1, `one WATCH of ${resource}: the streaming list that lists and then watches`);
    }
  });

  await t.test('not found → exit 4 at once; with --grace it waits for the workload to appear', async () => {
    const missing = await c.rollscope(['wait', 'deployment/later']);
    assert.equal(missing.code, 4);
    assert.match(missing.stderr, /^error: deployment later not found in namespace default\nhint: .*--grace/m);
    const waiting = spawnRollscope(c, ['wait', 'deployment/later', '--grace', '30s', '--timeout', '60s']);
    await waiting.when(READY);
    await c.kubectlOk(['apply', '-f', '-'], { input: manifest({ kind: 'Deployment', name: 'later', image: 'app:1', replicas: 1 }) });
    const r = await waiting.done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /deployment "later" successfully rolled out/);
  });

  await t.test('deleted during the wait → exit 1, reason Deleted', async () => {
    await c.kubectlOk(['apply', '-f', '-'], { input: manifest({ kind: 'Deployment', name: 'doomed', image: 'app:1', container: 'resources: {requests: {cpu: "64"}}' }) });
    const waiting = spawnRollscope(c, ['wait', 'deployment/doomed', '--fail-fast', 'none', '-o', 'json']);
    await waiting.when(READY);
    await c.kubectlOk(['delete', 'deployment', 'doomed', '--wait=false']);
    const r = await waiting.done;
    assert.equal(r.code, 1, r.stderr);
    assert.equal(json(r).workloads[0]?.reason, 'Deleted');
    assert.match(r.stderr, /error: deployment default\/doomed failed: deployment default\/doomed (was|is being) deleted/);
  });

  await t.test('paused → exit 1 with reason Paused at once, instead of waiting forever like kubectl', async () => {
    await c.kubectlOk(['apply', '-f', '-'], { input: manifest({ kind: 'Deployment', name: 'held', image: 'app:1', replicas: 1 }) });
    await c.kubectlOk(['rollout', 'status', 'deployment/held', '--timeout=30s']);
    await c.kubectlOk(['rollout', 'pause', 'deployment/held']);
    await c.kubectlOk(['set', 'image', 'deployment/held', 'held=app:2']);
    const r = await c.rollscope(['wait', 'deployment/held', '-o', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const w = json(r).workloads[0];
    assert.equal(w?.state, 'Paused');
    assert.equal(w?.reason, 'Paused');
    assert.match(r.stderr, /hint: resume it with: rollscope resume deployment\/held -n default/);
  });

  await t.test('superseded by a newer revision during the wait → waits for the newest and says so', async () => {
    await c.kubectlOk(['apply', '-f', '-'], { input: manifest({ kind: 'Deployment', name: 'next', image: 'app:1', container: 'resources: {requests: {cpu: "64"}}' }) });
    const waiting = spawnRollscope(c, ['wait', 'deployment/next', '--fail-fast', 'none', '-o', 'json']);
    await waiting.when(READY);
    await c.kubectlOk(['patch', 'deployment', 'next', '--type=json', '-p', '[{"op":"remove","path":"/spec/template/spec/containers/0/resources"}]']);
    const r = await waiting.done;
    assert.equal(r.code, 0, r.stderr);
    const w = json(r).workloads[0];
    assert.equal(w?.state, 'Current');
    assert.equal(w?.superseded, true);
  });

  await t.test('RBAC refusal of the pods sync → exit 5 naming verb, resource and namespace', async () => {
    // The simulator serves as 1.37 does, so the sync is a streaming list: a watch request.
    const remove = c.sim.faults.fail({ resource: 'pods', verb: ['list', 'watch'] }, { code: 403 });
    try {
      const r = await c.rollscope(['wait', 'deployment/stuck']);
      assert.equal(r.code, 5, r.stderr);
      assert.match(r.stderr, /^error: watch pods in namespace default failed: .*HTTP 403/m);
      assert.match(r.stderr, /^hint: grant verb "watch" on resource "pods" in apiGroup "" via a Role in namespace default/m);
    } finally {
      remove();
    }
  });

  await t.test('ambiguous bare name → exit 3 naming the candidates', async () => {
    await c.kubectlOk(['apply', '-f', '-'], { input: manifest({ kind: 'DaemonSet', name: 'stuck', image: 'app:1' }) });
    const r = await c.rollscope(['wait', 'stuck']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /^error: "stuck" in namespace default names 2 workloads: deployment\/stuck, daemonset\/stuck\nhint: name the one you mean/m);
  });
});
