// End-to-end tests of `rollscope migrate-selector` on the simulated cluster with the real kubectl
// and the CLI as a child process. Throughout each run a sampler reads the Service's ready endpoints
// (EndpointSlices where the simulator serves them, else the Ready pods the Service selects, the
// endpoint-slice controller's rule) and — where the Service has a cluster IP on this machine —
// a client sends requests through it; both must never fall below the floor / never fail.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startInProcessTracker } from '../e2e/fixtures/daemon.ts';
import { MAIN, startOpsCluster, type OpsCluster, type Run } from './ops-support.ts';

let c: OpsCluster | undefined;

before(async (t) => {
  c = await startOpsCluster(t as never, 80);
});
after(async () => {
  await c?.stop();
});

const base = (): string => c!.sim.url;

async function getJson(path: string): Promise<Record<string, unknown> | null> {
  const res = await fetch(base() + path);
  if (res.status === 404) return null;
  return (await res.json()) as Record<string, unknown>;
}

interface Item {
  metadata: { name: string; uid: string; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: { uid: string; controller?: boolean }[] };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

async function list(path: string): Promise<Item[]> {
  const body = await getJson(path);
  return ((body?.items as Item[] | undefined) ?? []);
}

/** readyEndpoints counts a Service's ready endpoints: EndpointSlices if served, else Ready selected pods. */
async function readyEndpoints(ns: string, svc: string): Promise<number> {
  const slices = await getJson(`/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3D${svc}`);
  if (slices !== null) {
    let n = 0;
    for (const s of (slices.items as { endpoints?: { conditions?: { ready?: boolean } }[] }[] | undefined) ?? []) for (const e of s.endpoints ?? []) if (e.conditions?.ready === true) n++;
    return n;
  }
  const service = (await getJson(`/api/v1/namespaces/${ns}/services/${svc}`)) as { spec?: { selector?: Record<string, string> } } | null;
  const sel = service?.spec?.selector ?? {};
  const pods = await list(`/api/v1/namespaces/${ns}/pods`);
  return pods.filter((p) => {
    const labels = p.metadata.labels ?? {};
    const ready = ((p.status?.conditions as { type: string; status: string }[] | undefined) ?? []).some((x) => x.type === 'Ready' && x.status === 'True');
    return ready && !(p.metadata as { deletionTimestamp?: string }).deletionTimestamp && Object.entries(sel).every(([k, v]) => labels[k] === v);
  }).length;
}

/** Watch samples ready endpoints every 20 ms and, if the Service has a loopback cluster IP, sends requests through it. */
class Watch {
  lowest = Number.POSITIVE_INFINITY;
  samples = 0;
  requests = 0;
  failures: string[] = [];
  #stop = false;
  #loops: Promise<void>[] = [];
  constructor(ns: string, svc: string) {
    this.#loops.push(this.#sample(ns, svc));
    this.#loops.push(this.#traffic(ns, svc));
  }
  async #sample(ns: string, svc: string): Promise<void> {
    while (!this.#stop) {
      this.lowest = Math.min(this.lowest, await readyEndpoints(ns, svc));
      this.samples++;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  async #traffic(ns: string, svc: string): Promise<void> {
    const service = (await getJson(`/api/v1/namespaces/${ns}/services/${svc}`)) as { spec?: { clusterIP?: string; ports?: { port: number }[] } } | null;
    const ip = service?.spec?.clusterIP ?? '';
    const port = service?.spec?.ports?.[0]?.port ?? 80;
    if (!ip.startsWith('127.')) return; // the simulator gives this Service no address on this machine
    while (!this.#stop) {
      this.requests++;
      try {
        const res = await fetch(`http://${ip}:${port}/`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.status >= 500) this.failures.push(`HTTP ${res.status}`);
      } catch (e) {
        this.failures.push(e instanceof Error ? `${e.message} ${String((e.cause as Error | undefined)?.message ?? '')}` : String(e));
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  async stop(): Promise<this> {
    this.#stop = true;
    await Promise.all(this.#loops);
    return this;
  }
}

function app(ns: string, name: string, opts: { replicas?: number; selector?: string; labels?: string; meta?: string; strategy?: string } = {}): string {
  const selector = opts.selector ?? `{app: ${name}, version: v1}`;
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
${opts.meta ?? ''}spec:
  replicas: ${opts.replicas ?? 3}
  progressDeadlineSeconds: 3600
${opts.strategy ?? ''}  selector:
    matchLabels: ${selector}
  template:
    metadata:
      labels: ${opts.labels ?? selector}
    spec:
      containers:
      - name: app
        image: "web:1"
        ports: [{containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}}
spec:
  selector: {app: ${name}}
  ports: [{port: 80, targetPort: 8080}]
`;
}

async function setup(ns: string, yaml: string): Promise<void> {
  await c!.kubectlOk(['apply', '-f', '-'], { input: `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n---\n${yaml}` });
  for (const [, name, where] of yaml.matchAll(/^kind: Deployment\nmetadata:\n {2}name: (\S+)\n {2}namespace: (\S+)/gm)) await c!.kubectlOk(['rollout', 'status', `deploy/${name!}`, '-n', where ?? ns, '--timeout', '60s']);
}

/** migrate runs the CLI to its end with -o json; returns the run and the parsed document. */
async function migrate(args: readonly string[]): Promise<{ run: Run; doc: { migrations: { name: string; namespace: string; result: string; path: string; reason: string; hint: string; lowestReady: number | null; backups: string[] }[] } | null }> {
  const run = await c!.rollscope(['migrate-selector', ...args, '-o', 'json', '--backup-dir', join(c!.dir, 'backups')], { timeoutMs: 120_000 });
  let doc = null;
  try {
    doc = JSON.parse(run.stdout) as never;
  } catch {
    // not JSON: the assertions below show stdout/stderr
  }
  return { run, doc };
}

/** finalState reads what must hold after every successful migration and returns a comparable summary. */
async function finalState(ns: string, name: string): Promise<string> {
  const d = (await getJson(`/apis/apps/v1/namespaces/${ns}/deployments/${name}`)) as unknown as Item | null;
  assert.ok(d, `deployment ${ns}/${name} exists`);
  const rs = await list(`/apis/apps/v1/namespaces/${ns}/replicasets`);
  const pods = await list(`/api/v1/namespaces/${ns}/pods`);
  const deployments = await list(`/apis/apps/v1/namespaces/${ns}/deployments`);
  assert.deepEqual(deployments.map((x) => x.metadata.name).filter((n) => n.endsWith('-migrating')), [], 'no temporary copy left');
  for (const r of rs) assert.equal(r.metadata.ownerReferences?.find((o) => o.controller)?.uid, d.metadata.uid, `replicaset ${r.metadata.name} is owned by the Deployment (no orphan left)`);
  for (const r of [d, ...rs]) assert.equal(r.metadata.annotations?.['rollscope.io/migrate-selector'], undefined, `no migration record left on ${r.metadata.name}`);
  assert.equal(pods.filter((p) => p.metadata.labels?.['rollscope.io/migration-copy'] !== undefined).length, 0, 'no copy pod left');
  const status = d.status as { readyReplicas?: number; replicas?: number };
  return JSON.stringify({ selector: (d.spec as { selector: unknown }).selector, ready: status.readyReplicas, replicas: (d.spec as { replicas: number }).replicas, template: ((d.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels) });
}

const cases = [
  { ns: 'add', flags: ['--add-label', 'tier=frontend'], path: 'adopt', selector: { app: 'web', tier: 'frontend', version: 'v1' } },
  { ns: 'remove', flags: ['--remove-label', 'version'], path: 'adopt', selector: { app: 'web' } },
  { ns: 'change', flags: ['--set-selector', 'app=web,version=v2'], path: 'copy', selector: { app: 'web', version: 'v2' } },
];

describe('one Deployment per kind of change (run side by side, one namespace each)', { concurrency: true }, () => {
for (const k of cases) {
  test(`migrate-selector ${k.flags.join(' ')}: ${k.path} path, same name, new selector, 3 ready, floor kept, no leftovers, backup`, async () => {
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
    assert.ok(m?.backups.some((b) => b.endsWith(`${k.ns}.deployment.web.yaml`) && existsSync(b)), 'backup written');
    assert.match(readFileSync(m.backups[0]!, 'utf8'), /kind: Deployment[\s\S]*version: v1/);
  });
}
});

/** The writes of each path, in order, as the CLI prints them (one progress line each). */
const WRITES: Record<string, readonly string[]> = {
  adopt: ['start', 'orphan-original', 'recreate', 'delete-leftovers', 'finalize'],
  copy: ['start', 'create-copy', 'delete-original', 'recreate', 'delete-copy', 'finalize'],
};

/** killAt starts the CLI and SIGKILLs it as soon as it prints the write `step` (the write may or may not have been sent). */
function killAt(args: readonly string[], step: string): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, 'migrate-selector', ...args, '--kubeconfig', c!.kubeconfig, '--backup-dir', join(c!.dir, 'backups')], { env: { ...process.env, KUBECONFIG: c!.kubeconfig } });
    let err = '';
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      if (new RegExp(`: ${step}: `).test(err)) child.kill('SIGKILL');
    });
    child.on('close', (_code, sig) => resolve(`${String(sig)}\n${err}`));
  });
}

test('SIGKILL at each step boundary, then a rerun: the same final state, floor kept, no failed requests', async () => {
  if (!c) return;
  const runs = [
    ...WRITES.adopt!.map((step) => ({ path: 'adopt', step, flags: ['--add-label', 'tier=frontend'] })),
    ...WRITES.copy!.map((step) => ({ path: 'copy', step, flags: ['--set-selector', 'app=web,version=v2'] })),
  ];
  const expected: Record<string, string> = {};
  await Promise.all(
    runs.map(async (r, i) => {
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

/** waitFor polls `check` until it returns true (real time). */
async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('rollscope history shows the releases continuing across the recreate, on both paths', async () => {
  const cl = c;
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
      const { run } = await migrate(['deploy/web', '-n', ns, ...flags]);
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
    }));
  } finally {
    await tracker.stop();
  }
});
