// Conformance of the simulated Deployment rollouts with the real kubectl: set image, rollout status
// (success, and running into --timeout on an image that cannot be pulled), history (--revision),
// undo (--to-revision) with the renumbering real clusters show, pause/resume/restart.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deploymentYaml, eventually, rowsOf, startCluster, type Cluster } from './kubectl-support.ts';

interface RsView {
  readonly name: string;
  readonly image: string;
  readonly revision: string;
  readonly history: string | undefined;
}

async function replicaSets(c: Cluster, app: string): Promise<RsView[]> {
  const list = JSON.parse(await c.kubectlOk(['get', 'rs', '-l', `app=${app}`, '-o', 'json'])) as {
    items: { metadata: { name: string; annotations?: Record<string, string> }; spec: { template: { spec: { containers: { image: string }[] } } } }[];
  };
  return list.items
    .map((rs) => ({
      name: rs.metadata.name,
      image: rs.spec.template.spec.containers[0]?.image ?? '',
      revision: rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? '',
      history: rs.metadata.annotations?.['deployment.kubernetes.io/revision-history'],
    }))
    .sort((a, b) => Number(a.revision) - Number(b.revision));
}

/** historyRevisions reads `kubectl rollout history` as [revision, change-cause] rows, checking its header. */
async function historyRows(c: Cluster, target: string): Promise<string[][]> {
  const out = await c.kubectlOk(['rollout', 'history', target]);
  const lines = out.split('\n');
  assert.equal(lines[0], `${target.replace('deployment/', 'deployment.apps/')} `);
  const rows = rowsOf(lines.slice(1).join('\n'));
  assert.deepEqual(rows[0], ['REVISION', 'CHANGE-CAUSE']);
  return rows.slice(1);
}

const status = (c: Cluster, name: string): Promise<string> => c.kubectlOk(['rollout', 'status', `deployment/${name}`, '--timeout=15s'], { timeoutMs: 20_000 });

test('kubectl rollout against rollscope sim', async (t) => {
  const c = await startCluster(t);
  if (!c) return;
  t.after(() => c.stop());

  await t.test('set image makes revisions 2 and 3; rollout status waits, then succeeds', async () => {
    await c.kubectlOk(['apply', '-f', '-'], { input: deploymentYaml('web', 'nginx:1.27', 3) });
    assert.match(await status(c, 'web'), /deployment "web" successfully rolled out\n$/);
    assert.equal(await c.kubectlOk(['set', 'image', 'deployment/web', 'web=nginx:1.28']), 'deployment.apps/web image updated\n');
    const lines = (await status(c, 'web')).trimEnd().split('\n');
    assert.equal(lines.at(-1), 'deployment "web" successfully rolled out');
    for (const line of lines.slice(0, -1))
      assert.match(line, /^Waiting for deployment "web" rollout to finish: \d+ (out of 3 new replicas have been updated|old replicas are pending termination|of 3 updated replicas are available)\.\.\.$/);
    await c.kubectlOk(['set', 'image', 'deployment/web', 'web=nginx:1.29']);
    await status(c, 'web');
    assert.deepEqual((await replicaSets(c, 'web')).map((rs) => [rs.revision, rs.image]), [['1', 'nginx:1.27'], ['2', 'nginx:1.28'], ['3', 'nginx:1.29']]);
    assert.equal(await c.kubectlOk(['get', 'deployment', 'web', '-o', 'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}']), '3');
  });

  await t.test('rollout history lists revisions; --revision=N shows that template', async () => {
    assert.deepEqual(await historyRows(c, 'deployment/web'), [['1', '<none>'], ['2', '<none>'], ['3', '<none>']]);
    const two = await c.kubectlOk(['rollout', 'history', 'deployment/web', '--revision=2']);
    assert.match(two, /^deployment\.apps\/web with revision #2\nPod Template:\n/);
    assert.match(two, /^\s+Labels:\s+app=web\n\s+pod-template-hash=[bcdfghjklmnpqrstvwxz2456789]+$/m);
    assert.match(two, /^\s+Image:\s+nginx:1\.28$/m);
    const missing = await c.kubectl(['rollout', 'history', 'deployment/web', '--revision=9']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /unable to find the specified revision/);
  });

  await t.test('rollout history shows kubernetes.io/change-cause', async () => {
    await c.kubectlOk(['apply', '-f', '-'], { input: deploymentYaml('noted', 'nginx:1.27', 1) });
    await status(c, 'noted');
    // As on a real cluster, the controller copies the Deployment's annotations to the newest
    // ReplicaSet only, so annotate after the change (annotating first would label revision 1).
    await c.kubectlOk(['set', 'image', 'deployment/noted', 'noted=nginx:1.28']);
    assert.equal(await c.kubectlOk(['annotate', 'deployment', 'noted', 'kubernetes.io/change-cause=upgrade to 1.28']), 'deployment.apps/noted annotated\n');
    await status(c, 'noted');
    await eventually('the change-cause copied to revision 2', async () =>
      (await c.kubectlOk(['rollout', 'history', 'deployment/noted'])).includes('upgrade to 1.28') ? true : undefined,
    );
    assert.deepEqual(await historyRows(c, 'deployment/noted'), [['1', '<none>'], ['2', 'upgrade to 1.28']]);
    await c.kubectlOk(['delete', 'deployment', 'noted']);
  });

  await t.test('rollout status fails fast once the progress deadline is exceeded', async () => {
    const yaml = deploymentYaml('stuck', 'nginx:missing', 2).replace('spec:\n  replicas: 2', 'spec:\n  progressDeadlineSeconds: 10\n  replicas: 2');
    await c.kubectlOk(['apply', '-f', '-'], { input: yaml });
    await eventually('Progressing=False', async () =>
      (await c.kubectlOk(['get', 'deployment', 'stuck', '-o', 'jsonpath={.status.conditions[?(@.type=="Progressing")].reason}'])) === 'ProgressDeadlineExceeded' ? true : undefined,
    );
    const r = await c.kubectl(['rollout', 'status', 'deployment/stuck', '--timeout=10s']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'error: deployment "stuck" exceeded its progress deadline\n');
    const message = await c.kubectlOk(['get', 'deployment', 'stuck', '-o', 'jsonpath={.status.conditions[?(@.type=="Progressing")].message}']);
    assert.match(message, /^ReplicaSet "stuck-[bcdfghjklmnpqrstvwxz2456789]+" has timed out progressing\.$/);
    await c.kubectlOk(['delete', 'deployment', 'stuck']);
  });

  await t.test('rollout undo re-promotes the old ReplicaSet with a new number (2 becomes 4)', async () => {
    assert.equal(await c.kubectlOk(['rollout', 'undo', 'deployment/web']), 'deployment.apps/web rolled back\n');
    await status(c, 'web');
    assert.deepEqual(await historyRows(c, 'deployment/web'), [['1', '<none>'], ['3', '<none>'], ['4', '<none>']]);
    const rs = await replicaSets(c, 'web');
    assert.deepEqual(rs.map((r) => [r.revision, r.image, r.history]), [['1', 'nginx:1.27', undefined], ['3', 'nginx:1.29', undefined], ['4', 'nginx:1.28', '2']]);
    assert.equal(await c.kubectlOk(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), 'nginx:1.28');
  });

  await t.test('rollout undo --to-revision=1 turns revision 1 into 5', async () => {
    assert.equal(await c.kubectlOk(['rollout', 'undo', 'deployment/web', '--to-revision=1']), 'deployment.apps/web rolled back\n');
    await status(c, 'web');
    assert.deepEqual((await historyRows(c, 'deployment/web')).map((r) => r[0]), ['3', '4', '5']);
    const rs = await replicaSets(c, 'web');
    assert.deepEqual(rs.find((r) => r.image === 'nginx:1.27')?.revision, '5');
    assert.deepEqual(rs.find((r) => r.image === 'nginx:1.27')?.history, '1');
    const gone = await c.kubectl(['rollout', 'undo', 'deployment/web', '--to-revision=2']);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /unable to find specified revision 2 in history/);
    const same = await c.kubectl(['rollout', 'undo', 'deployment/web', '--to-revision=5']);
    assert.match(same.stdout + same.stderr, /skipped rollback \(current template already matches revision 5\)/);
  });

  await t.test('pause stops rollouts; undo refuses; resume rolls the pending change', async () => {
    assert.equal(await c.kubectlOk(['rollout', 'pause', 'deployment/web']), 'deployment.apps/web paused\n');
    const rsBefore = (await replicaSets(c, 'web')).length;
    await c.kubectlOk(['set', 'image', 'deployment/web', 'web=nginx:1.30']);
    const waiting = await c.kubectl(['rollout', 'status', 'deployment/web', '--timeout=1s']);
    assert.notEqual(waiting.code, 0);
    assert.match(waiting.stdout, /Waiting for deployment "web" rollout to finish: 0 out of 3 new replicas have been updated\.\.\./);
    assert.match(waiting.stderr, /timed out waiting for the condition/);
    assert.equal((await replicaSets(c, 'web')).length, rsBefore, 'no new ReplicaSet while paused');
    const undo = await c.kubectl(['rollout', 'undo', 'deployment/web']);
    assert.notEqual(undo.code, 0);
    // kubectl checks this client-side; v1.32 words it without the resource name.
    assert.match(undo.stderr, /^error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume( deployment\/web)?' and try again\n$/);
    assert.equal(await c.kubectlOk(['rollout', 'resume', 'deployment/web']), 'deployment.apps/web resumed\n');
    await status(c, 'web');
    assert.equal((await replicaSets(c, 'web')).at(-1)?.image, 'nginx:1.30');
  });

  await t.test('rollout restart makes a new revision with the restartedAt annotation', async () => {
    const before = (await replicaSets(c, 'web')).at(-1)?.revision;
    assert.equal(await c.kubectlOk(['rollout', 'restart', 'deployment/web']), 'deployment.apps/web restarted\n');
    await status(c, 'web');
    const after = (await replicaSets(c, 'web')).at(-1);
    assert.equal(Number(after?.revision), Number(before) + 1);
    const at = await c.kubectlOk(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}']);
    assert.match(at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
  });

  await t.test('rollout status runs into its --timeout on an image that cannot be pulled', async () => {
    await c.kubectlOk(['set', 'image', 'deployment/web', 'web=nginx:missing']);
    const r = await c.kubectl(['rollout', 'status', 'deployment/web', '--timeout=3s'], { timeoutMs: 10_000 });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated\.\.\./m);
    assert.equal(r.stderr, 'error: timed out waiting for the condition\n');
    const pods = await c.kubectlOk(['get', 'pods', '-l', 'app=web']);
    await eventually('a pod in ErrImagePull/ImagePullBackOff', async () =>
      /ErrImagePull|ImagePullBackOff/.test(await c.kubectlOk(['get', 'pods', '-l', 'app=web'])) ? true : undefined,
    );
    assert.ok(pods.length > 0);
  });
});
