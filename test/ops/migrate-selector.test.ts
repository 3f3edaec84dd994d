// End-to-end tests of `rollscope migrate-selector` on the simulated cluster with the real kubectl
// and the CLI as a child process: the three paths, SIGKILL at every step boundary, HPA, the
// pre-flight stops and --all. Throughout each run a sampler reads the Service's ready endpoints and,
// where the Service has a cluster IP on this machine, a client sends requests through it.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { app, finalState, getJson, killAt, list, migrate, setup, useSimulator, Watch, WRITES } from './migrate-support.ts';

const cluster = useSimulator();
const cases = [
  { ns: 'add', flags: ['--add-label', 'tier=frontend'], path: 'adopt', selector: { app: 'web', tier: 'frontend', version: 'v1' } },
  { ns: 'remove', flags: ['--remove-label', 'version'], path: 'adopt', selector: { app: 'web' } },
  { ns: 'change', flags: ['--set-selector', 'app=web,version=v2'], path: 'copy', selector: { app: 'web', version: 'v2' } },
];

describe('one Deployment per kind of change (run side by side, one namespace each)', { concurrency: true }, () => {
for (const k of cases) {
  test(`migrate-selector ${k.flags.join(' ')}: ${k.path} path, same name, new selector, 3 ready, floor kept, no leftovers, backup`, async () => {
    const c = cluster();
  if (!c) return;
    await setup(k.ns, app(k.ns, 'web'));
    const plan = await migrate(['deploy/web', '-n', k.ns, ...k.flags, '--dry-run']);
    assert.equal(plan.run.code, 0, plan.run.stderr);
    assert.equal(plan.doc?.migrations[0]?.path, k.path, 'the plan names the path');
    const watch = new Watch(k.ns, 'web');
    const { run, doc } = await migrate(['deploy/web', '-n', k.ns, ...k.flags]);
    await watch.stop();
    assert.equal(run.code, 0, run.stderr);
    const m = doc?.migrations[0];
    assert.equal(m?.result, 'migrated');
    assert.equal(m?.path, k.path, 'it took the path the plan said');
    const state = JSON.parse(await finalState(k.ns, 'web')) as { selector: { matchLabels: Record<string, string> }; ready: number };
    assert.deepEqual(state.selector.matchLabels, k.selector);
    assert.equal(state.ready, 3);
    assert.ok(watch.samples > 5, `sampled ${watch.samples} times`);
    assert.ok(watch.lowest >= 3, `ready endpoints fell to ${watch.lowest} (minimum 3)`);
    assert.deepEqual(watch.failures, [], `${watch.failures.length} of ${watch.requests} requests failed`);
    assert.ok(watch.trafficTarget !== null && watch.requests > 20, `only ${watch.requests} requests went through the cluster IP (${watch.trafficTarget ?? 'none'})`);
    assert.ok(m?.backups.some((b) => b.endsWith(`${k.ns}.deployment.web.yaml`) && existsSync(b)), 'backup written');
    assert.match(readFileSync(m.backups[0]!, 'utf8'), /kind: Deployment[\s\S]*version: v1/);
  });
}
});

test('SIGKILL at each step boundary, then a rerun: the same final state, floor kept, no failed requests', async () => {
  const c = cluster();
  if (!c) return;
  const runs = [
    ...WRITES.adopt!.map((step) => ({ path: 'adopt', step, flags: ['--add-label', 'tier=frontend'] })),
    ...WRITES.copy!.map((step) => ({ path: 'copy', step, flags: ['--set-selector', 'app=web,version=v2'] })),
  ];
  const expected: Record<string, string> = {};
  // Four at a time: each run has its own namespace, sampler and traffic client, and the simulator
  // shares this process's event loop with all of them.
  const batches: (typeof runs)[] = [];
  for (let i = 0; i < runs.length; i += 4) batches.push(runs.slice(i, i + 4));
  let index = 0;
  for (const batch of batches) await Promise.all(
    batch.map(async (r) => {
      const i = index++;
      const ns = `kill-${i}`;
      await setup(ns, app(ns, 'web'));
      const watch = new Watch(ns, 'web');
      const killed = await killAt(['deploy/web', '-n', ns, ...r.flags], r.step);
      assert.match(killed, /^SIGKILL/, `${r.path}/${r.step}: the CLI was killed (it printed:\n${killed})`);
      const { run, doc } = await migrate(['deploy/web', '-n', ns, ...r.flags]);
      await watch.stop();
      assert.equal(run.code, 0, `${r.path}/${r.step} rerun: ${run.stderr}`);
      assert.match(doc?.migrations[0]?.result ?? '', /^(migrated|unchanged)$/);
      const state = await finalState(ns, 'web');
      expected[r.path] ??= state;
      assert.equal(state, expected[r.path], `${r.path}/${r.step}: same final state as the other runs`);
      assert.ok(watch.lowest >= 3, `${r.path}/${r.step}: ready endpoints fell to ${watch.lowest}`);
      assert.deepEqual(watch.failures, [], `${r.path}/${r.step}: failed requests`);
    }),
  );
});

test('an HPA-targeted Deployment keeps its live replica count and the HPA still targets it', async () => {
  const c = cluster();
  if (!c) return;
  const ns = 'hpa';
  await setup(ns, app(ns, 'web'));
  await c.kubectlOk(['apply', '-f', '-'], {
    input: `apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web, namespace: ${ns}}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 2\n  maxReplicas: 10\n`,
  });
  await c.kubectlOk(['scale', 'deploy/web', '-n', ns, '--replicas', '5']);
  await c.kubectlOk(['rollout', 'status', 'deploy/web', '-n', ns, '--timeout', '60s']);
  for (const flags of [['--add-label', 'tier=frontend'], ['--set-selector', 'app=web,tier=frontend,version=v2']]) {
    const { run, doc } = await migrate(['deploy/web', '-n', ns, ...flags]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(doc?.migrations[0]?.result, 'migrated');
    const state = JSON.parse(await finalState(ns, 'web')) as { replicas: number; ready: number };
    assert.deepEqual([state.replicas, state.ready], [5, 5], `${flags.join(' ')}: the live count 5 is carried`);
  }
  const hpa = (await getJson(`/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers/web`)) as { spec: { scaleTargetRef: { name: string } } } | null;
  assert.equal(hpa?.spec.scaleTargetRef.name, 'web');
  const backups = readdirSync(join(c.dir, 'backups'));
  assert.ok(backups.includes(`${ns}.horizontalpodautoscaler.web.yaml`), 'the HPA is backed up too');
});

test('a PDB, an Argo CD tracking annotation and an overlapping selector each stop the pre-flight, naming the object and the fix', async () => {
  const c = cluster();
  if (!c) return;
  await setup('pdb', app('pdb', 'web'));
  await c.kubectlOk(['apply', '-f', '-'], { input: 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web-pdb, namespace: pdb}\nspec:\n  minAvailable: 2\n  selector: {matchLabels: {app: web}}\n' });
  await setup('argo', app('argo', 'web', { meta: '  annotations: {argocd.argoproj.io/tracking-id: "shop-web:apps/Deployment:argo/web"}\n' }));
  await setup('overlap', app('overlap', 'web') + '---\n' + app('overlap', 'web-canary', { selector: '{app: web, version: canary}' }).split('---\n')[0]);
  const cases2: [string[], RegExp, RegExp][] = [
    [['-n', 'pdb', '--set-selector', 'app=web,version=v2'], /poddisruptionbudget\/web-pdb \(minAvailable 2\)/, /--min-ready 2 --force/],
    [['-n', 'argo', '--add-label', 'tier=frontend'], /Argo CD application shop-web/, /argocd app set shop-web --sync-policy none/],
    [['-n', 'overlap', '--remove-label', 'version'], /would also match the pods of deployment\/web-canary/, /tell deployment\/web and deployment\/web-canary apart/],
  ];
  for (const [args, message, fix] of cases2) {
    const before = await list(`/apis/apps/v1/namespaces/${args[1]!}/deployments`);
    const { run, doc } = await migrate(['deploy/web', ...args]);
    assert.equal(run.code, 1, `${args.join(' ')}: ${run.stderr}`);
    const m = doc?.migrations[0];
    assert.equal(m?.result, 'blocked');
    assert.match(m?.reason ?? '', message);
    assert.match(m?.hint ?? '', fix);
    const afterList = await list(`/apis/apps/v1/namespaces/${args[1]!}/deployments`);
    assert.deepEqual(afterList.map((d) => d.metadata.uid), before.map((d) => d.metadata.uid), 'nothing was changed');
  }
  const sts = await c.rollscope(['migrate-selector', 'statefulset/db', '-n', 'pdb', '--add-label', 'a=b']);
  assert.equal(sts.code, 3);
  assert.match(sts.stderr, /StatefulSets are not migrated/);
});

test('--all -A -l app.kubernetes.io/part-of=shop --concurrency 3 migrates 20 Deployments and reports each', async () => {
  const c = cluster();
  if (!c) return;
  const yaml: string[] = [];
  for (let i = 0; i < 20; i++) {
    const ns = i % 2 === 0 ? 'shop-a' : 'shop-b';
    yaml.push(app(ns, `svc${i}`, { replicas: 1, selector: `{app: svc${i}}`, meta: '  labels: {app.kubernetes.io/part-of: shop}\n' }));
  }
  yaml.push(app('shop-a', 'unrelated', { replicas: 1, selector: '{app: unrelated}' }));
  await c.kubectlOk(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop-a}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: shop-b}\n' });
  await setup('shop-a', yaml.join('---\n'));
  const { run, doc } = await migrate(['--all', '-A', '-l', 'app.kubernetes.io/part-of=shop', '--concurrency', '3', '--add-label', 'tier=frontend']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(doc?.migrations.length, 20);
  assert.ok(doc?.migrations.every((m) => m.result === 'migrated'), JSON.stringify(doc?.migrations.map((m) => [m.name, m.result, m.reason])));
  assert.match(run.stderr, /svc0: migrated/, 'a progress line per Deployment');
  const unrelated = (await getJson('/apis/apps/v1/namespaces/shop-a/deployments/unrelated')) as { spec: { selector: { matchLabels: Record<string, string> } } } | null;
  assert.deepEqual(unrelated?.spec.selector.matchLabels, { app: 'unrelated' }, 'a Deployment outside -l is untouched');
});

