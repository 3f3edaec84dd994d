// Issue 9, "Done when" 4: a StatefulSet rolled out under a `partition`, a StatefulSet and a
// DaemonSet with `OnDelete` — the cases where some pods keep the old revision on purpose — end
// `succeeded` in the ledger of a real `rollscope serve` exactly when `rollscope status` says Current:
// never while it says InProgress, and within seconds once it says Current. Everything is driven
// with the real kubectl on the simulated cluster, whose controllers must honour partition and
// OnDelete as Kubernetes does (kubernetes.md §3, pkg/controller/statefulset and daemon): only
// ordinals ≥ partition are replaced; with OnDelete nothing is replaced until a pod is deleted, and
// a deleted pod comes back at the newest revision.
//
// How "exactly when" is sampled without a race: each sample reads the ledger first and then runs
// `rollscope status`; a release already `succeeded` before a status read that says anything but
// Current would be a release finished too early. Each scenario opens a window in which the status
// is InProgress for seconds (a pod of the new revision pulling a `*:gated` image: 100 s simulated,
// 5 s real), and the test insists it saw that window with the release not yet succeeded. Each
// scenario has its own gated image, so no node has it cached.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultBehaviour } from '../../src/sim/node/behaviour.ts';
import { eventually, startCluster, type Cluster } from '../sim/kubectl-support.ts';
import { fetchReleases, REPO_ROOT, simClockEnv, startServe, waitReady, type ReleaseJson, type ServeProcess } from './fixtures/daemon.ts';

const SPEED = 20;
/** GATED: a pull of 100 s simulated (5 s real at SPEED), then ready at once: the InProgress window. */
const GATED = defaultBehaviour({ rules: [{ image: '*:gated', behaviour: { pullMs: 100_000, readyAfterMs: 1_000 } }] });
const MAIN = join(REPO_ROOT, 'src', 'cli', 'main.ts');

interface Verdict {
  readonly state: string;
  readonly reason: string;
}

/** Sample is one look at both sides: the ledger's outcome for the release (read first), then the status verdict. */
interface Sample {
  readonly at: number;
  readonly outcome: string | null;
  readonly status: Verdict;
}

async function rollscopeStatus(c: Cluster, ns: string, ref: string): Promise<Verdict> {
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, [MAIN, 'status', ref, '-n', ns, '-o', 'json', '--kubeconfig', c.kubeconfig], { timeout: 30_000 }, (err, out, errOut) =>
      err && typeof err.code === 'number' && err.code > 1 ? reject(new Error(`rollscope status ${ref} exited ${err.code}: ${errOut}`)) : resolve(out),
    ),
  );
  const json = JSON.parse(stdout) as { verdict?: Verdict; state?: string; reason?: string };
  const v = json.verdict ?? json;
  return { state: String(v.state), reason: String(v.reason) };
}

/** releaseOf is the ledger's release of `kind/name` whose images include `image`, if it exists yet. */
async function releaseOf(p: ServeProcess, ns: string, kind: string, name: string, image: string): Promise<ReleaseJson | undefined> {
  return (await fetchReleases(p.url)).find((r) => r.namespace === ns && r.kind === kind && r.name === name && r.images.some((i) => i.image === image));
}

/**
 * followRelease samples both sides until the status says Current, then polls the ledger until the
 * release is succeeded. Asserts that no sample had the release succeeded while the status was not
 * yet Current, that the InProgress window was seen with the release unfinished, and that the
 * ledger followed within 5 s of the status read that first said Current (lagMs).
 */
async function followRelease(c: Cluster, p: ServeProcess, what: { ns: string; kind: string; name: string; image: string }): Promise<{ samples: Sample[]; lagMs: number }> {
  const ref = `${what.kind.toLowerCase()}/${what.name}`;
  const samples: Sample[] = [];
  const trace = (): string => samples.map((s) => `${s.status.state}/${s.status.reason} ledger=${s.outcome ?? '-'}`).join('\n');
  const outcomeNow = async (): Promise<string | null> => (await releaseOf(p, what.ns, what.kind, what.name, what.image))?.outcome ?? null;
  const deadline = Date.now() + 40_000;
  for (;;) {
    const outcome = await outcomeNow();
    const status = await rollscopeStatus(c, what.ns, ref);
    samples.push({ at: Date.now(), outcome, status });
    assert.ok(!(outcome === 'succeeded' && status.state !== 'Current'), `${ref}: the ledger said succeeded before rollscope status said Current:\n${trace()}\nserve logs:\n${p.logs().slice(-2000)}`);
    assert.notEqual(outcome, 'failed', `${ref}: release failed:\n${trace()}`);
    if (status.state === 'Current') break;
    assert.ok(Date.now() < deadline, `${ref}: rollscope status did not say Current within 40 s:\n${trace()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(samples.some((s) => s.status.state === 'InProgress' && s.outcome !== 'succeeded'), `${ref}: the InProgress window was not seen:\n${trace()}`);
  const currentAt = samples.at(-1)!.at;
  for (;;) {
    const outcome = await outcomeNow();
    if (outcome === 'succeeded') break;
    assert.ok(Date.now() - currentAt <= 5_000, `${ref}: rollscope status said Current, but the release is still ${outcome ?? 'missing'} 5 s later:\n${trace()}\nserve logs:\n${p.logs().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { samples, lagMs: Math.max(0, Date.now() - currentAt) };
}

/** revisionsOf maps each pod of `app` to its controller-revision-hash label. */
async function revisionsOf(c: Cluster, ns: string, app: string): Promise<Record<string, string>> {
  const list = JSON.parse(await c.kubectlOk(['get', 'pods', '-n', ns, '-l', `app=${app}`, '-o', 'json'])) as { items: { metadata: { name: string; labels: Record<string, string>; deletionTimestamp?: string } }[] };
  return Object.fromEntries(list.items.filter((p) => p.metadata.deletionTimestamp === undefined).map((p) => [p.metadata.name, p.metadata.labels['controller-revision-hash'] ?? '']));
}

const jsonpath = async (c: Cluster, ns: string, ref: string, path: string): Promise<string> => c.kubectlOk(['get', ref, '-n', ns, '-o', `jsonpath={${path}}`]);

const statefulSet = (ns: string, strategy: string): string => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: ${ns}}
spec:
  replicas: 3
  serviceName: db
  podManagementPolicy: Parallel
  selector: {matchLabels: {app: db}}
  updateStrategy: ${strategy}
  template:
    metadata: {labels: {app: db}}
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{name: app, image: "db:1"}]
`;

test('partition and OnDelete releases end succeeded exactly when rollscope status says Current', { timeout: 180_000 }, async (t) => {
  const c = await startCluster(t, { speed: SPEED, behaviour: GATED });
  if (!c) return;
  const dir = mkdtempSync(join(tmpdir(), 'rollscope-partition-'));
  t.after(async () => {
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  for (const ns of ['part', 'ondel', 'ds']) await c.kubectlOk(['create', 'namespace', ns]);
  const p = await startServe({ kubeconfig: c.kubeconfig, db: `sqlite:${join(dir, 'ledger.db')}`, env: simClockEnv(c.sim) });
  t.after(() => p.kill()); // after hooks run in reverse order: the tracker stops before the cluster
  await waitReady(p.url);

  await t.test('StatefulSet with partition 2: succeeded once ordinal 2 runs the new revision, ordinals 0 and 1 keep the old one', async () => {
    await c.kubectlOk(['apply', '-f', '-'], { input: statefulSet('part', '{type: RollingUpdate, rollingUpdate: {partition: 2}}') });
    await eventually('the first release to succeed', () => releaseOf(p, 'part', 'StatefulSet', 'db', 'db:1').then((r) => (r?.outcome === 'succeeded' ? r : undefined)), 30_000);
    const old = await jsonpath(c, 'part', 'statefulset/db', '.status.updateRevision');

    await c.kubectlOk(['set', 'image', 'statefulset/db', 'app=part/db:gated', '-n', 'part']);
    const { lagMs, samples } = await followRelease(c, p, { ns: 'part', kind: 'StatefulSet', name: 'db', image: 'part/db:gated' });
    const update = await jsonpath(c, 'part', 'statefulset/db', '.status.updateRevision');
    assert.notEqual(update, old);
    assert.deepEqual(await revisionsOf(c, 'part', 'db'), { 'db-0': old, 'db-1': old, 'db-2': update }, 'the controller replaced only the ordinals at or above the partition');
    assert.equal(await jsonpath(c, 'part', 'statefulset/db', '.status.currentRevision'), old, 'with a partition the current revision stays the old one (completeRollingUpdate)');
    t.diagnostic(`partition: ledger succeeded ${lagMs} ms after rollscope status first said Current (${samples.length} samples)`);

    // Lowering the partition rolls the lower ordinals too, highest first; the template is the same,
    // so there is no new release and the one we have stays succeeded.
    await c.kubectlOk(['patch', 'statefulset/db', '-n', 'part', '--type', 'merge', '-p', '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}']);
    await eventually('ordinal 0 to be replaced last', async () => {
      const revs = await revisionsOf(c, 'part', 'db');
      return revs['db-0'] === update && revs['db-1'] === update ? true : undefined;
    }, 30_000);
    const releases = (await fetchReleases(p.url)).filter((r) => r.namespace === 'part');
    assert.deepEqual(releases.map((r) => `${r.images.map((i) => i.image).join(',')} ${r.outcome}`).sort(), ['db:1 succeeded', 'part/db:gated succeeded']);
  });

  await t.test('StatefulSet with OnDelete: succeeded once all pods are ready, old ones untouched; a deleted pod returns at the new revision', async () => {
    await c.kubectlOk(['apply', '-f', '-'], { input: statefulSet('ondel', '{type: OnDelete}') });
    await eventually('the first release to succeed', () => releaseOf(p, 'ondel', 'StatefulSet', 'db', 'db:1').then((r) => (r?.outcome === 'succeeded' ? r : undefined)), 30_000);
    const old = await jsonpath(c, 'ondel', 'statefulset/db', '.status.updateRevision');

    // One write: a new image and a fourth replica, which starts at the new revision (slowly).
    await c.kubectlOk(['patch', 'statefulset/db', '-n', 'ondel', '--type', 'strategic', '-p', '{"spec":{"replicas":4,"template":{"spec":{"containers":[{"name":"app","image":"ondel/db:gated"}]}}}}']);
    const { lagMs, samples } = await followRelease(c, p, { ns: 'ondel', kind: 'StatefulSet', name: 'db', image: 'ondel/db:gated' });
    const update = await jsonpath(c, 'ondel', 'statefulset/db', '.status.updateRevision');
    assert.deepEqual(await revisionsOf(c, 'ondel', 'db'), { 'db-0': old, 'db-1': old, 'db-2': old, 'db-3': update }, 'OnDelete: the controller replaced no existing pod');
    t.diagnostic(`StatefulSet OnDelete: ledger succeeded ${lagMs} ms after rollscope status first said Current (${samples.length} samples)`);

    await c.kubectlOk(['delete', 'pod', 'db-1', '-n', 'ondel', '--wait=false']);
    await eventually('db-1 to come back at the new revision', async () => ((await revisionsOf(c, 'ondel', 'db'))['db-1'] === update ? true : undefined), 30_000);
  });

  await t.test('DaemonSet with OnDelete: succeeded once every node runs an available pod, old ones untouched; a deleted pod returns at the new revision', async () => {
    const nodes = (await c.kubectlOk(['get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}'])).split(' ').filter(Boolean);
    assert.ok(nodes.length >= 2, `the sim has ${nodes.length} nodes`);
    const tainted = nodes.at(-1)!;
    await c.kubectlOk(['taint', 'nodes', tainted, 'dedicated=agents:NoSchedule']);
    const agent = (image: string, tolerate: boolean): string => `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: ds}
spec:
  selector: {matchLabels: {app: agent}}
  updateStrategy: {type: OnDelete}
  template:
    metadata: {labels: {app: agent}}
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{name: agent, image: "${image}"}]
${tolerate ? '      tolerations: [{key: dedicated, operator: Equal, value: agents, effect: NoSchedule}]\n' : ''}`;
    await c.kubectlOk(['apply', '-f', '-'], { input: agent('agent:1', false) });
    await eventually('the first release to succeed', () => releaseOf(p, 'ds', 'DaemonSet', 'agent', 'agent:1').then((r) => (r?.outcome === 'succeeded' ? r : undefined)), 30_000);
    const before = await revisionsOf(c, 'ds', 'agent');
    assert.equal(Object.keys(before).length, nodes.length - 1, 'no daemon pod on the tainted node');

    // One write: a new image and a toleration for the tainted node, whose new pod starts at the new revision (slowly).
    await c.kubectlOk(['apply', '-f', '-'], { input: agent('agent:gated', true) });
    const { lagMs, samples } = await followRelease(c, p, { ns: 'ds', kind: 'DaemonSet', name: 'agent', image: 'agent:gated' });
    const after = await revisionsOf(c, 'ds', 'agent');
    const fresh = Object.keys(after).filter((name) => !(name in before));
    assert.equal(fresh.length, 1, 'one new pod, on the node that became eligible');
    for (const [name, hash] of Object.entries(before)) assert.equal(after[name], hash, `OnDelete: ${name} was not replaced`);
    const update = after[fresh[0]!]!;
    assert.notEqual(update, Object.values(before)[0]);
    t.diagnostic(`DaemonSet OnDelete: ledger succeeded ${lagMs} ms after rollscope status first said Current (${samples.length} samples)`);

    const victim = Object.keys(before)[0]!;
    await c.kubectlOk(['delete', 'pod', victim, '-n', 'ds', '--wait=false']);
    await eventually('the deleted pod to come back at the new revision', async () => {
      const now = await revisionsOf(c, 'ds', 'agent');
      return Object.keys(now).length === nodes.length && Object.values(now).filter((h) => h === update).length === 2 ? true : undefined;
    }, 30_000);
  });
});
