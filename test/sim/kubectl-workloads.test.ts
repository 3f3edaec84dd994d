// Conformance of simulated StatefulSets and DaemonSets with the real kubectl: apply, rollout status,
// set image, rollout history, undo (with ControllerRevision renumbering) and restart.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rowsOf, startCluster, type Cluster } from './kubectl-support.ts';

const statefulSetYaml = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  replicas: 2
  serviceName: db
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      terminationGracePeriodSeconds: 5
      containers:
      - name: db
        image: postgres:16.3
`;

const daemonSetYaml = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      terminationGracePeriodSeconds: 5
      containers:
      - name: agent
        image: fluent-bit:3.0
`;

/** revisions lists the ControllerRevisions owned by `owner` as [revision, image] pairs, by revision. */
async function revisions(c: Cluster, owner: string): Promise<[number, string][]> {
  const list = JSON.parse(await c.kubectlOk(['get', 'controllerrevisions', '-o', 'json'])) as {
    items: { metadata: { ownerReferences?: { name: string }[] }; revision: number; data: { spec: { template: { spec: { containers: { image: string }[] } } } } }[];
  };
  return list.items
    .filter((cr) => cr.metadata.ownerReferences?.some((o) => o.name === owner))
    .map((cr): [number, string] => [cr.revision, cr.data.spec.template.spec.containers[0]?.image ?? ''])
    .sort((a, b) => a[0] - b[0]);
}

/** historyNumbers reads `kubectl rollout history` (header `<kind>.apps/<name>`, then a REVISION table) as revision numbers. */
async function historyNumbers(c: Cluster, target: string, header: string): Promise<string[]> {
  const out = await c.kubectlOk(['rollout', 'history', target]);
  const lines = out.split('\n');
  assert.equal(lines[0]?.trim(), header);
  const rows = rowsOf(lines.slice(1).join('\n'));
  assert.equal(rows[0]?.[0], 'REVISION');
  return rows.slice(1).map((r) => r[0] ?? '');
}

const status = (c: Cluster, target: string): Promise<string> => c.kubectlOk(['rollout', 'status', target, '--timeout=15s'], { timeoutMs: 20_000 });

test('kubectl with StatefulSets and DaemonSets against rollscope sim', async (t) => {
  const c = await startCluster(t);
  if (!c) return;
  t.after(() => c.stop());

  await t.test('StatefulSet: apply, ordered pods, rollout status', async () => {
    assert.equal(await c.kubectlOk(['apply', '-f', '-'], { input: statefulSetYaml }), 'statefulset.apps/db created\n');
    assert.match(await status(c, 'statefulset/db'), /partitioned roll out complete: 2 new pods have been updated\.\.\.\n$/);
    const pods = rowsOf(await c.kubectlOk(['get', 'pods', '-l', 'app=db', '--no-headers']));
    assert.deepEqual(pods.map((r) => [r[0], r[2]]), [['db-0', 'Running'], ['db-1', 'Running']]);
    const sts = rowsOf(await c.kubectlOk(['get', 'statefulsets']));
    assert.deepEqual(sts[0], ['NAME', 'READY', 'AGE']);
    assert.deepEqual(sts[1]?.slice(0, 2), ['db', '2/2']);
  });

  await t.test('StatefulSet: set image, history, undo renumbers, restart', async () => {
    assert.equal(await c.kubectlOk(['set', 'image', 'statefulset/db', 'db=postgres:16.4']), 'statefulset.apps/db image updated\n');
    await status(c, 'statefulset/db');
    assert.deepEqual(await historyNumbers(c, 'statefulset/db', 'statefulset.apps/db'), ['1', '2']);
    assert.deepEqual(await revisions(c, 'db'), [[1, 'postgres:16.3'], [2, 'postgres:16.4']]);
    const two = await c.kubectlOk(['rollout', 'history', 'statefulset/db', '--revision=2']);
    assert.match(two, /^statefulset\.apps\/db with revision #2\nPod Template:\n/);
    assert.match(two, /^\s+Image:\s+postgres:16\.4$/m);
    assert.equal(await c.kubectlOk(['rollout', 'undo', 'statefulset/db']), 'statefulset.apps/db rolled back\n');
    await status(c, 'statefulset/db');
    assert.deepEqual(await revisions(c, 'db'), [[2, 'postgres:16.4'], [3, 'postgres:16.3']], 'revision 1 becomes 3');
    assert.deepEqual(await historyNumbers(c, 'statefulset/db', 'statefulset.apps/db'), ['2', '3']);
    const current = await c.kubectlOk(['get', 'statefulset', 'db', '-o', 'jsonpath={.status.currentRevision} {.status.updateRevision}']);
    const [cur, upd] = current.split(' ');
    assert.equal(cur, upd, 'currentRevision catches up with updateRevision');
    assert.equal(await c.kubectlOk(['rollout', 'restart', 'statefulset/db']), 'statefulset.apps/db restarted\n');
    await status(c, 'statefulset/db');
    assert.equal((await revisions(c, 'db')).at(-1)?.[0], 4);
  });

  await t.test('StatefulSet: scale through the scale subresource; pause is not supported', async () => {
    assert.equal(await c.kubectlOk(['scale', 'statefulset', 'db', '--replicas=3']), 'statefulset.apps/db scaled\n');
    await status(c, 'statefulset/db');
    assert.deepEqual(rowsOf(await c.kubectlOk(['get', 'pods', '-l', 'app=db', '--no-headers'])).map((r) => r[0]), ['db-0', 'db-1', 'db-2']);
    assert.equal(await c.kubectlOk(['get', 'statefulset', 'db', '-o', 'jsonpath={.status.readyReplicas}']), '3');
    const pause = await c.kubectl(['rollout', 'pause', 'statefulset/db']);
    assert.notEqual(pause.code, 0);
    assert.match(pause.stderr, /statefulsets\.apps "db" pausing is not supported/);
  });

  await t.test('DaemonSet: apply, one pod per node, rollout status', async () => {
    assert.equal(await c.kubectlOk(['apply', '-f', '-'], { input: daemonSetYaml }), 'daemonset.apps/agent created\n');
    assert.match(await status(c, 'daemonset/agent'), /daemon set "agent" successfully rolled out\n$/);
    const nodes = rowsOf(await c.kubectlOk(['get', 'nodes', '--no-headers'])).length;
    const ds = rowsOf(await c.kubectlOk(['get', 'daemonsets']));
    assert.deepEqual(ds[0], ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE']);
    assert.deepEqual(ds[1]?.slice(0, 6), ['agent', ...Array<string>(5).fill(String(nodes))]);
    const podNodes = rowsOf(await c.kubectlOk(['get', 'pods', '-l', 'app=agent', '-o', 'wide', '--no-headers'])).map((r) => r[6]);
    assert.equal(new Set(podNodes).size, nodes, 'one pod on every node');
  });

  await t.test('DaemonSet: set image, history, undo renumbers, restart', async () => {
    assert.equal(await c.kubectlOk(['set', 'image', 'daemonset/agent', 'agent=fluent-bit:3.1']), 'daemonset.apps/agent image updated\n');
    await status(c, 'daemonset/agent');
    assert.deepEqual(await historyNumbers(c, 'daemonset/agent', 'daemonset.apps/agent'), ['1', '2']);
    assert.equal(await c.kubectlOk(['rollout', 'undo', 'daemonset/agent', '--to-revision=1']), 'daemonset.apps/agent rolled back\n');
    await status(c, 'daemonset/agent');
    assert.deepEqual(await revisions(c, 'agent'), [[2, 'fluent-bit:3.1'], [3, 'fluent-bit:3.0']], 'revision 1 becomes 3');
    assert.deepEqual(await historyNumbers(c, 'daemonset/agent', 'daemonset.apps/agent'), ['2', '3']);
    assert.equal(await c.kubectlOk(['rollout', 'restart', 'daemonset/agent']), 'daemonset.apps/agent restarted\n');
    await status(c, 'daemonset/agent');
    assert.equal((await revisions(c, 'agent')).at(-1)?.[0], 4);
  });

  await t.test('delete cascades to the pods and ControllerRevisions', async () => {
    assert.equal(await c.kubectlOk(['delete', 'statefulset', 'db']), 'statefulset.apps "db" deleted\n');
    assert.equal(await c.kubectlOk(['delete', 'daemonset', 'agent']), 'daemonset.apps "agent" deleted\n');
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && (await c.kubectlOk(['get', 'pods', '-o', 'name'])) !== '') await new Promise((r) => setTimeout(r, 100));
    assert.equal(await c.kubectlOk(['get', 'pods', '-o', 'name']), '');
    assert.equal(await c.kubectlOk(['get', 'controllerrevisions', '-o', 'name']), '');
  });
});
