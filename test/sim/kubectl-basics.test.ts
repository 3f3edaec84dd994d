// Conformance of the simulated cluster with the real kubectl: create, apply, get/describe, get -w,
// scale, label, annotate, the three patch types, and delete with cascading garbage collection.
// Outputs are asserted as a real cluster prints them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deploymentYaml, eventually, rowsOf, startCluster } from './kubectl-support.ts';

const HASH = '[bcdfghjklmnpqrstvwxz2456789]{1,10}';
const POD_SUFFIX = '[bcdfghjklmnpqrstvwxz2456789]{5}';

const apiYaml = (image: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels: {app: api}
spec:
  replicas: 2
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: api
        image: ${image}
        ports:
        - containerPort: 8080
`;

test('kubectl basics against rollscope sim', async (t) => {
  const c = await startCluster(t);
  if (!c) return;
  t.after(() => c.stop());

  // kubectl create sends the object as protobuf (application/vnd.kubernetes.protobuf), unlike apply.
  await t.test('create deployment, then rollout status succeeds', async () => {
    assert.equal(await c.kubectlOk(['create', 'deployment', 'hello', '--image=nginx:1.27', '--replicas=2']), 'deployment.apps/hello created\n');
    const out = await c.kubectlOk(['rollout', 'status', 'deployment/hello', '--timeout=15s'], { timeoutMs: 20_000 });
    assert.match(out, /deployment "hello" successfully rolled out\n$/);
    const container = JSON.parse(await c.kubectlOk(['get', 'deployment', 'hello', '-o', 'jsonpath={.spec.template.spec.containers[0]}'])) as { name: string; image: string };
    assert.deepEqual([container.name, container.image], ['nginx', 'nginx:1.27']);
    assert.equal(await c.kubectlOk(['delete', 'deployment', 'hello']), 'deployment.apps "hello" deleted\n');
  });

  await t.test('apply a Deployment; rollout status waits, then succeeds', async () => {
    assert.equal(await c.kubectlOk(['apply', '-f', '-'], { input: deploymentYaml('web', 'nginx:1.27', 3) }), 'deployment.apps/web created\n');
    const out = await c.kubectlOk(['rollout', 'status', 'deployment/web', '--timeout=15s'], { timeoutMs: 20_000 });
    const lines = out.trimEnd().split('\n');
    assert.equal(lines.at(-1), 'deployment "web" successfully rolled out');
    for (const line of lines.slice(0, -1))
      assert.match(line, /^Waiting for deployment "web" rollout to finish: (\d+ out of 3 new replicas have been updated|\d+ of 3 updated replicas are available)\.\.\.$/);
  });

  await t.test('get deployments / replicasets / pods print the real columns', async () => {
    const deploy = rowsOf(await c.kubectlOk(['get', 'deployments', '-l', 'app=web']));
    assert.deepEqual(deploy[0], ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    assert.deepEqual(deploy[1]?.slice(0, 4), ['web', '3/3', '3', '3']);
    const rs = rowsOf(await c.kubectlOk(['get', 'replicasets', '-l', 'app=web']));
    assert.deepEqual(rs[0], ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
    assert.match(rs[1]?.[0] ?? '', new RegExp(`^web-${HASH}$`));
    assert.deepEqual(rs[1]?.slice(1, 4), ['3', '3', '3']);
    const pods = rowsOf(await c.kubectlOk(['get', 'pods', '-l', 'app=web']));
    assert.deepEqual(pods[0], ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    assert.equal(pods.length, 4);
    for (const row of pods.slice(1)) {
      assert.match(row[0] ?? '', new RegExp(`^${rs[1]?.[0]}-${POD_SUFFIX}$`));
      assert.deepEqual(row.slice(1, 4), ['1/1', 'Running', '0']);
    }
    const wide = await c.kubectlOk(['get', 'pods', '-o', 'wide']);
    assert.match(wide, /sim-node-\d/);
  });

  await t.test('get events shows the controllers, scheduler and kubelet at work', async () => {
    const out = await c.kubectlOk(['get', 'events']);
    assert.match(out.split('\n')[0] ?? '', /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    assert.match(out, new RegExp(`Normal\\s+ScalingReplicaSet\\s+deployment/web\\s+Scaled up replica set web-${HASH} to 3`));
    assert.match(out, new RegExp(`Normal\\s+SuccessfulCreate\\s+replicaset/web-${HASH}\\s+Created pod: web-${HASH}-${POD_SUFFIX}`));
    assert.match(out, /Normal\s+Scheduled\s+pod\/web-\S+\s+Successfully assigned default\/web-\S+ to sim-node-\d/);
    assert.match(out, /Normal\s+Pulled\s+pod\/web-\S+\s+/);
    assert.match(out, /Normal\s+Started\s+pod\/web-\S+\s+Started container web/);
    const v1 = await c.kubectlOk(['get', 'events.events.k8s.io', '--field-selector', 'reason=ScalingReplicaSet']);
    assert.match(v1, /Scaled up replica set web-\S+ to 3/);
    const described = await c.kubectlOk(['describe', 'events']);
    assert.match(described, /^Reason:\s+ScalingReplicaSet$/m);
    assert.match(described, /^Message:\s+Scaled up replica set web-\S+ to 3$/m);
    assert.match(described, /^Source:\n\s+Component:\s+deployment-controller$/m);
    assert.match(described, /^Involved Object:\n(\s+.*\n)*?\s+Kind:\s+Deployment$/m);
  });

  await t.test('describe deployment, replicaset and pod', async () => {
    const d = await c.kubectlOk(['describe', 'deployment', 'web']);
    assert.match(d, /^Name:\s+web$/m);
    assert.match(d, /^Namespace:\s+default$/m);
    assert.match(d, /^Replicas:\s+3 desired \| 3 updated \| 3 total \| 3 available \| 0 unavailable$/m);
    assert.match(d, /^StrategyType:\s+RollingUpdate$/m);
    assert.match(d, /^RollingUpdateStrategy:\s+25% max unavailable, 25% max surge$/m);
    assert.match(d, new RegExp(`^NewReplicaSet:\\s+web-${HASH} \\(3/3 replicas created\\)$`, 'm'));
    assert.match(d, /^\s+Available\s+True\s+MinimumReplicasAvailable$/m);
    assert.match(d, /^\s+Progressing\s+True\s+NewReplicaSetAvailable$/m);
    assert.match(d, /Normal\s+ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set web-\S+ to 3/);
    const rs = await c.kubectlOk(['describe', 'replicaset', '-l', 'app=web']);
    assert.match(rs, /^Controlled By:\s+Deployment\/web$/m);
    assert.match(rs, /^Replicas:\s+3 current \/ 3 desired$/m);
    assert.match(rs, /^Pods Status:\s+3 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed$/m);
    assert.match(rs, /Normal\s+SuccessfulCreate\s+\S+\s+replicaset-controller\s+Created pod: web-/);
    const pod = await c.kubectlOk(['describe', 'pod', '-l', 'app=web']);
    assert.match(pod, /^Status:\s+Running$/m);
    assert.match(pod, /^Controlled By:\s+ReplicaSet\/web-/m);
    assert.match(pod, /^\s+Image:\s+nginx:1\.27$/m);
    assert.match(pod, /^\s+State:\s+Running$/m);
    assert.match(pod, /^\s+Ready\s+True\s*$/m);
    assert.match(pod, /Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned default\/web-/);
    assert.match(pod, /Normal\s+Started\s+\S+\s+kubelet\s+Started container web/);
  });

  await t.test('apply -f creates, updates, then reports unchanged', async () => {
    assert.equal(await c.kubectlOk(['apply', '-f', '-'], { input: apiYaml('registry.acme.io/api:1.0.0') }), 'deployment.apps/api created\n');
    assert.equal(await c.kubectlOk(['apply', '-f', '-'], { input: apiYaml('registry.acme.io/api:1.1.0') }), 'deployment.apps/api configured\n');
    assert.equal(await c.kubectlOk(['apply', '-f', '-'], { input: apiYaml('registry.acme.io/api:1.1.0') }), 'deployment.apps/api unchanged\n');
    assert.equal(await c.kubectlOk(['get', 'deployment', 'api', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), 'registry.acme.io/api:1.1.0');
    const lastApplied = await c.kubectlOk(['get', 'deployment', 'api', '-o', 'jsonpath={.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}']);
    assert.match(lastApplied, /"image":"registry\.acme\.io\/api:1\.1\.0"/);
    await c.kubectlOk(['rollout', 'status', 'deployment/api', '--timeout=15s'], { timeoutMs: 20_000 });
  });

  await t.test('get -w shows a change arrive, and scale reports scaled', async () => {
    const watcher = c.spawnKubectl(['get', 'deployment', 'web', '-w', '--no-headers', '-o', 'custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas']);
    let seen = '';
    watcher.stdout.on('data', (b: Buffer) => (seen += b.toString()));
    try {
      await eventually('the initial watch line', () => (/^web\s+3$/m.test(seen) ? true : undefined));
      assert.equal(await c.kubectlOk(['scale', 'deployment', 'web', '--replicas=5']), 'deployment.apps/web scaled\n');
      await eventually('the scaled line from the watch', () => (/^web\s+5$/m.test(seen) ? true : undefined));
    } finally {
      watcher.kill();
    }
    await eventually('5 ready replicas', async () => ((await c.kubectlOk(['get', 'deployment', 'web', '-o', 'jsonpath={.status.readyReplicas}'])) === '5' ? true : undefined));
  });

  await t.test('label and annotate', async () => {
    assert.equal(await c.kubectlOk(['label', 'deployment', 'web', 'tier=frontend']), 'deployment.apps/web labeled\n');
    assert.match(await c.kubectlOk(['get', 'deployments', '-l', 'tier=frontend', '-o', 'name']), /^deployment\.apps\/web\n$/);
    assert.equal(await c.kubectlOk(['annotate', 'deployment', 'web', 'owner=team-shop']), 'deployment.apps/web annotated\n');
    assert.equal(await c.kubectlOk(['get', 'deployment', 'web', '-o', 'jsonpath={.metadata.annotations.owner}']), 'team-shop');
    const clash = await c.kubectl(['label', 'deployment', 'web', 'tier=backend']);
    assert.notEqual(clash.code, 0);
    assert.match(clash.stderr, /'tier' already has a value \(frontend\), and --overwrite is false/);
  });

  await t.test('patch: merge, strategic and json', async () => {
    assert.equal(await c.kubectlOk(['patch', 'deployment', 'web', '--type=merge', '-p', '{"spec":{"minReadySeconds":1}}']), 'deployment.apps/web patched\n');
    assert.equal(await c.kubectlOk(['patch', 'deployment', 'web', '--type=merge', '-p', '{"spec":{"minReadySeconds":1}}']), 'deployment.apps/web patched (no change)\n');
    const strategic = '{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"MODE","value":"blue"}]}]}}}}';
    assert.equal(await c.kubectlOk(['patch', 'deployment', 'web', '-p', strategic]), 'deployment.apps/web patched\n');
    const containers = JSON.parse(await c.kubectlOk(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers}'])) as { name: string; image: string; env?: unknown }[];
    assert.equal(containers.length, 1, 'strategic merge keeps the container list merged by name');
    assert.equal(containers[0]?.image, 'nginx:1.27');
    assert.deepEqual(containers[0]?.env, [{ name: 'MODE', value: 'blue' }]);
    assert.equal(await c.kubectlOk(['patch', 'deployment', 'web', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":2}]']), 'deployment.apps/web patched\n');
    assert.equal(await c.kubectlOk(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}']), '2');
    const bad = await c.kubectl(['patch', 'deployment', 'web', '--type=json', '-p', '[{"op":"test","path":"/spec/replicas","value":9}]']);
    assert.notEqual(bad.code, 0);
    const immutable = await c.kubectl(['patch', 'deployment', 'web', '--type=merge', '-p', '{"spec":{"selector":{"matchLabels":{"app":"other"}}}}']);
    assert.notEqual(immutable.code, 0);
    assert.match(immutable.stderr, /field is immutable/);
  });

  await t.test('delete cascades to ReplicaSets and Pods', async () => {
    await c.kubectlOk(['rollout', 'status', 'deployment/web', '--timeout=15s'], { timeoutMs: 20_000 });
    assert.equal(await c.kubectlOk(['delete', 'deployment', 'web']), 'deployment.apps "web" deleted\n');
    await eventually('web ReplicaSets gone', async () => ((await c.kubectl(['get', 'rs', '-l', 'app=web', '-o', 'name'])).stdout === '' ? true : undefined));
    await eventually('web Pods gone', async () => ((await c.kubectl(['get', 'pods', '-l', 'app=web', '-o', 'name'])).stdout === '' ? true : undefined), 15_000);
    const none = await c.kubectl(['get', 'rs', '-l', 'app=web']);
    assert.equal(none.stderr, 'No resources found in default namespace.\n');
  });

  await t.test('delete in the background removes the ReplicaSet before its pods finish terminating', async () => {
    await c.kubectlOk(['apply', '-f', '-'], { input: deploymentYaml('slow', 'nginx:1.27', 2, { terminationGracePeriodSeconds: 120 }) });
    await c.kubectlOk(['rollout', 'status', 'deployment/slow', '--timeout=15s'], { timeoutMs: 20_000 });
    assert.equal(await c.kubectlOk(['delete', 'deployment', 'slow']), 'deployment.apps "slow" deleted\n');
    await eventually('slow ReplicaSets gone', async () => ((await c.kubectl(['get', 'rs', '-l', 'app=slow', '-o', 'name'])).stdout === '' ? true : undefined));
    // Background deletion: the garbage collector deletes the ReplicaSet at once (Background too), while
    // its pods are still in their 120 s grace period (3 real seconds here).
    assert.match(await c.kubectlOk(['get', 'pods', '-l', 'app=slow']), /\sTerminating\s/, 'the ReplicaSet went before its terminating pods');
  });

  await t.test('delete --cascade=orphan keeps the ReplicaSets and Pods', async () => {
    const rsBefore = await c.kubectlOk(['get', 'rs', '-l', 'app=api', '-o', 'name']);
    assert.notEqual(rsBefore, '');
    assert.equal(await c.kubectlOk(['delete', 'deployment', 'api', '--cascade=orphan']), 'deployment.apps "api" deleted\n');
    const missing = await c.kubectl(['get', 'deployment', 'api']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'Error from server (NotFound): deployments.apps "api" not found\n');
    assert.equal(await c.kubectlOk(['get', 'rs', '-l', 'app=api', '-o', 'name']), rsBefore, 'orphaned ReplicaSets stay');
    const owners = await c.kubectlOk(['get', 'rs', '-l', 'app=api', '-o', 'jsonpath={.items[*].metadata.ownerReferences}']);
    assert.equal(owners, '', 'orphaned ReplicaSets lose their owner reference');
    assert.equal(rowsOf(await c.kubectlOk(['get', 'pods', '-l', 'app=api', '--no-headers'])).length, 2, 'their pods stay too');
  });
});
