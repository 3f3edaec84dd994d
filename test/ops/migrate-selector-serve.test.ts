// End-to-end tests of `rollscope migrate-selector` with the tracker: history continuing across the
// recreate, the ledger record, a migration started through the API and driven by serve, and the
// roll-back when the temporary copy cannot be scheduled.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { startInProcessTracker } from '../e2e/fixtures/daemon.ts';
import { app, finalState, getJson, migrate, setup, useSimulator, waitFor, Watch, type Item } from './migrate-support.ts';

const cluster = useSimulator();
test('rollscope history shows the releases continuing across the recreate, on both paths', async () => {
  const cl = cluster();
  if (!cl) return;
  const db = `sqlite:${join(cl.dir, 'ledger.db')}`;
  const tracker = await startInProcessTracker(cl.sim, cl.kubeconfig, { db });
  try {
    const paths = [['hist-adopt', ['--add-label', 'tier=frontend']], ['hist-copy', ['--set-selector', 'app=web,version=v2']]] as const;
    await Promise.all(paths.map(async ([ns, flags]) => {
      await setup(ns, app(ns, 'web'));
      await cl.kubectlOk(['set', 'image', 'deploy/web', '-n', ns, 'app=web:2']);
      await cl.kubectlOk(['rollout', 'status', 'deploy/web', '-n', ns, '--timeout', '60s']);
      await waitFor(`${ns}: two releases recorded`, async () => (await tracker.ledger.queryReleases({ namespaces: [ns], name: 'web' })).items.length >= 2);
      const oldUid = (await tracker.ledger.queryReleases({ namespaces: [ns], name: 'web' })).items[0]!.workload.uid;
      const { run } = await migrate(['deploy/web', '-n', ns, ...flags, '--db', db, '--cluster', 'sim']);
      assert.equal(run.code, 0, run.stderr);
      const d = (await getJson(`/apis/apps/v1/namespaces/${ns}/deployments/web`)) as unknown as Item;
      assert.notEqual(d.metadata.uid, oldUid, 'the Deployment was recreated (new UID)');
      assert.equal(d.metadata.annotations?.['rollscope.io/continues-uid'], oldUid, 'the recreated Deployment names the one it continues');
      await waitFor(`${ns}: a release of the recreated Deployment`, async () => (await tracker.ledger.queryReleases({ namespaces: [ns], name: 'web' })).items.some((r) => r.workload.uid === d.metadata.uid));
      const hist = await cl.rollscope(['history', 'deploy/web', '-n', ns, '--db', db, '-o', 'json']);
      assert.equal(hist.code, 0, hist.stderr);
      const items = (JSON.parse(hist.stdout) as { items: { releaseNumber: number; workloadUid: string }[] }).items;
      const numbers = items.map((r) => r.releaseNumber).sort((a, b) => a - b);
      assert.deepEqual(numbers, [...new Set(numbers)], `${ns}: no release number twice (${numbers.join(',')})`);
      const oldMax = Math.max(...items.filter((r) => r.workloadUid === oldUid).map((r) => r.releaseNumber));
      const newMin = Math.min(...items.filter((r) => r.workloadUid === d.metadata.uid).map((r) => r.releaseNumber));
      assert.ok(oldMax >= 2, `${ns}: the original's releases are listed`);
      assert.equal(newMin, oldMax + 1, `${ns}: the recreated Deployment's first release continues at #${oldMax + 1}`);
      const events = await tracker.ledger.workloadEvents(d.metadata.uid);
      assert.ok(events.some((e) => e.type === 'migrate' && e.detail.previousUid === oldUid), `${ns}: the migration is a workload event`);
      const actions = await tracker.ledger.listActions({ namespace: ns });
      const started = actions.find((a) => a.action === 'migrate-selector' && a.detail?.phase === 'started');
      const finished = actions.find((a) => a.action === 'migrate-selector' && a.detail?.phase === 'finished');
      assert.equal((started?.detail?.original as { kind?: string } | undefined)?.kind, 'Deployment', `${ns}: the original is in the ledger`);
      assert.ok(Array.isArray(started?.detail?.backups) && (started.detail.backups as string[]).length > 0, `${ns}: the backup files are named in the ledger`);
      assert.equal(started?.workload.uid, oldUid);
      assert.deepEqual([finished?.result, finished?.workload.uid, finished?.detail?.continuesUid], ['ok', d.metadata.uid, oldUid], `${ns}: the ledger links the recreated Deployment to the original`);
    }));
  } finally {
    await tracker.stop();
  }
});

test('started through the API, serve drives the migration to the end; a dry run plans, the pre-flight refuses with 409', async () => {
  const cl = cluster();
  if (!cl) return;
  const token = 'operator-token-for-migrations';
  const tracker = await startInProcessTracker(cl.sim, cl.kubeconfig, { config: { tokens: [{ subject: 'ops', role: 'operator', token }] } });
  try {
    const ns = 'via-api';
    await setup(ns, app(ns, 'web'));
    const post = (name: string, body: unknown, auth = true): Promise<Response> =>
      fetch(`${tracker.daemon.url}/api/v1/migrations/${ns}/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    assert.equal((await post('web', { addLabel: ['tier=frontend'] }, false)).status, 401, 'an operator token is required');
    const dry = await post('web', { setSelector: 'app=web,version=v2', dryRun: true });
    assert.equal(dry.status, 200);
    const plan = (await dry.json()) as { result: string; path: string; plan: string };
    assert.deepEqual([plan.result, plan.path], ['planned', 'copy']);
    assert.match(plan.plan, /DELETE \/apis\/apps\/v1\/namespaces\/via-api\/deployments\/web \(propagationPolicy=Background/);
    await cl.kubectlOk(['apply', '-f', '-'], { input: `apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web, namespace: ${ns}}\nspec:\n  minAvailable: 2\n  selector: {matchLabels: {app: web}}\n` });
    const refused = await post('web', { setSelector: 'app=web,version=v2' });
    assert.equal(refused.status, 409);
    assert.match(((await refused.json()) as { reason: string }).reason, /poddisruptionbudget\/web/);
    const watch = new Watch(ns, 'web');
    const started = await post('web', { addLabel: ['tier=frontend'] });
    assert.equal(started.status, 202, await started.clone().text());
    assert.equal(((await started.json()) as { result: string }).result, 'started');
    await waitFor('serve to finish the migration', async () => {
      const d = (await getJson(`/apis/apps/v1/namespaces/${ns}/deployments/web`)) as unknown as Item | null;
      return d !== null && (d.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels.tier === 'frontend' && d.metadata.labels?.['rollscope.io/migration'] === undefined;
    }, 60_000);
    await watch.stop();
    const state = JSON.parse(await finalState(ns, 'web')) as { ready: number };
    assert.equal(state.ready, 3);
    assert.ok(watch.lowest >= 3, `ready endpoints fell to ${watch.lowest}`);
    assert.deepEqual(watch.failures, []);
    const actions = await tracker.ledger.listActions({ namespace: ns });
    assert.ok(actions.some((a) => a.action === 'migrate-selector' && a.who === 'ops' && a.result === 'ok'), 'the start is in the audit trail');
  } finally {
    await tracker.stop();
  }
});

test('a copy that cannot be scheduled rolls the migration back: copy deleted, original untouched and serving, exit 1 with the diagnosis', async () => {
  const c = cluster();
  if (!c) return;
  const ns = 'no-room';
  // Three pods of 3 CPUs fill the three 4-CPU nodes: the copy's pods can never be scheduled.
  const yaml = app(ns, 'web').replace('        ports: [{containerPort: 8080}]', '        ports: [{containerPort: 8080}]\n        resources: {requests: {cpu: "3"}}');
  await setup(ns, yaml);
  const before = (await getJson(`/apis/apps/v1/namespaces/${ns}/deployments/web`)) as unknown as Item;
  const watch = new Watch(ns, 'web');
  const { run, doc } = await migrate(['deploy/web', '-n', ns, '--set-selector', 'app=web,version=v2', '--diagnose-rules', 'Unschedulable=0s']);
  await watch.stop();
  assert.equal(run.code, 1, run.stderr);
  const m = doc?.migrations[0];
  assert.equal(m?.result, 'failed');
  assert.match(m?.reason ?? '', /deployment\/web-migrating failed: Unschedulable/);
  const after = (await getJson(`/apis/apps/v1/namespaces/${ns}/deployments/web`)) as unknown as Item;
  assert.equal(after.metadata.uid, before.metadata.uid, 'the original was never deleted');
  assert.deepEqual((after.spec as { selector: unknown }).selector, (before.spec as { selector: unknown }).selector);
  assert.equal(after.metadata.annotations?.['rollscope.io/migrate-selector'], undefined, 'the record is taken off');
  assert.equal(await getJson(`/apis/apps/v1/namespaces/${ns}/deployments/web-migrating`), null, 'the copy is deleted');
  assert.ok(watch.lowest >= 3, `ready endpoints fell to ${watch.lowest}`);
  assert.deepEqual(watch.failures, []);
});

