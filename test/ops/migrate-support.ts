// Shared helpers of the migrate-selector end-to-end files: a simulated cluster with kubectl and the
// CLI, manifests, a sampler of the Service's ready endpoints (EndpointSlices where the simulator
// serves them, else the Ready pods the Service selects — the endpoint-slice controller's rule) and,
// where the Service has a cluster IP on this machine, a client sending requests through it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { get as httpGet } from 'node:http';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { MAIN, startOpsCluster, type OpsCluster, type Run } from './ops-support.ts';

let c: OpsCluster | undefined;

/** useSimulator starts one simulated cluster (80x) for the calling test file and returns a getter (undefined when kubectl is missing). */
export function useSimulator(): () => OpsCluster | undefined {
  before(async (t) => {
    c = await startOpsCluster(t as never, 80);
  });
  after(async () => {
    await c?.stop();
  });
  return () => c;
}

const base = (): string => c!.sim.url;

export async function getJson(path: string): Promise<Record<string, unknown> | null> {
  const res = await fetch(base() + path);
  if (res.status === 404) return null;
  return (await res.json()) as Record<string, unknown>;
}

export interface Item {
  metadata: { name: string; uid: string; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: { uid: string; controller?: boolean }[] };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

export async function list(path: string): Promise<Item[]> {
  const body = await getJson(path);
  return ((body?.items as Item[] | undefined) ?? []);
}

/** readyEndpoints counts a Service's ready endpoints: EndpointSlices if served, else Ready selected pods. */
export async function readyEndpoints(ns: string, svc: string): Promise<number> {
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

/** Watch samples ready endpoints every 40 ms (at 80x a dip lasting one simulated pod start-up spans several samples) and, if the Service has a loopback cluster IP, sends requests through it. */
export class Watch {
  lowest = Number.POSITIVE_INFINITY;
  samples = 0;
  requests = 0;
  failures: string[] = [];
  /** `ip:port` the client sends to, or null while the simulator gives Services no loopback address. */
  trafficTarget: string | null = null;
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
      await new Promise((r) => setTimeout(r, 40));
    }
  }
  async #traffic(ns: string, svc: string): Promise<void> {
    const service = (await getJson(`/api/v1/namespaces/${ns}/services/${svc}`)) as { spec?: { clusterIP?: string; ports?: { port: number }[] } } | null;
    const ip = service?.spec?.clusterIP ?? '';
    const port = service?.spec?.ports?.[0]?.port ?? 80;
    if (!ip.startsWith('127.')) return; // the simulator gives this Service no address on this machine
    this.trafficTarget = `${ip}:${port}`;
    // One connection per request (no keep-alive): the Service picks an endpoint per connection, as kube-proxy does.
    const once = (): Promise<string | null> =>
      new Promise((resolve) => {
        const req = httpGet({ host: ip, port, path: '/', agent: false, timeout: 2000 }, (res) => {
          res.resume();
          res.on('end', () => resolve((res.statusCode ?? 0) >= 500 ? `HTTP ${res.statusCode ?? 0}` : null));
          res.on('error', (e) => resolve(e.message));
        });
        req.on('timeout', () => req.destroy(new Error('timed out after 2 s')));
        req.on('error', (e) => resolve(e.message));
      });
    while (!this.#stop) {
      this.requests++;
      const failure = await once();
      if (failure !== null) this.failures.push(failure);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  async stop(): Promise<this> {
    this.#stop = true;
    await Promise.all(this.#loops);
    return this;
  }
}

export function app(ns: string, name: string, opts: { replicas?: number; selector?: string; labels?: string; meta?: string; strategy?: string } = {}): string {
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

export async function setup(ns: string, yaml: string): Promise<void> {
  await c!.kubectlOk(['apply', '-f', '-'], { input: `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n---\n${yaml}` });
  for (const [, name, where] of yaml.matchAll(/^kind: Deployment\nmetadata:\n {2}name: (\S+)\n {2}namespace: (\S+)/gm)) await c!.kubectlOk(['rollout', 'status', `deploy/${name!}`, '-n', where ?? ns, '--timeout', '60s']);
}

/** migrate runs the CLI to its end with -o json; returns the run and the parsed document. */
export async function migrate(args: readonly string[]): Promise<{ run: Run; doc: { migrations: { name: string; namespace: string; result: string; path: string; reason: string; hint: string; lowestReady: number | null; backups: string[] }[] } | null }> {
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
export async function finalState(ns: string, name: string): Promise<string> {
  const d = (await getJson(`/apis/apps/v1/namespaces/${ns}/deployments/${name}`)) as unknown as Item | null;
  assert.ok(d, `deployment ${ns}/${name} exists`);
  const rs = await list(`/apis/apps/v1/namespaces/${ns}/replicasets`);
  const pods = await list(`/api/v1/namespaces/${ns}/pods`);
  const deployments = await list(`/apis/apps/v1/namespaces/${ns}/deployments`);
  assert.deepEqual(deployments.map((x) => x.metadata.name).filter((n) => n.endsWith('-migrating')), [], 'no temporary copy left');
  for (const r of rs) assert.equal(r.metadata.ownerReferences?.find((o) => o.controller)?.uid, d.metadata.uid, `replicaset ${r.metadata.name} is owned by the Deployment (no orphan left)`);
  for (const r of [d, ...rs]) {
    assert.equal(r.metadata.annotations?.['rollscope.io/migrate-selector'], undefined, `no migration record left on ${r.metadata.name}`);
    assert.equal(r.metadata.labels?.['rollscope.io/migration'], undefined, `no migration label left on ${r.metadata.name}`);
  }
  assert.equal(pods.filter((p) => p.metadata.labels?.['rollscope.io/migration-copy'] !== undefined).length, 0, 'no copy pod left');
  const status = d.status as { readyReplicas?: number; replicas?: number };
  return JSON.stringify({ selector: (d.spec as { selector: unknown }).selector, ready: status.readyReplicas, replicas: (d.spec as { replicas: number }).replicas, template: ((d.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels) });
}


/** waitFor polls `check` until it returns true (real time). */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}


/** The writes of each path, in order, as the CLI prints them (one progress line each). */
export const WRITES: Record<string, readonly string[]> = {
  adopt: ['start', 'mark-carrier', 'orphan-original', 'recreate', 'delete-leftovers', 'finalize'],
  copy: ['start', 'create-copy', 'delete-original', 'recreate', 'delete-copy', 'finalize'],
};

/** killAt starts the CLI and SIGKILLs it as soon as it prints the write `step` (the write may or may not have been sent). */
export function killAt(args: readonly string[], step: string): Promise<string> {
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


