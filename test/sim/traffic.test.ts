// Traffic in the simulated cluster, with real clients and a real Prometheus: the canary field report's
// Service and Deployments (pods labelled with `release`, annotated for scraping), the report's
// relabel rules with http_sd_configs swapped in, requests through the Service's cluster IP; the
// traffic share follows the ready-replica share, an -errors30 image shows a 5xx ratio of 0.30;
// EndpointSlices through a rolling update and a pod deletion; a client looping on the cluster IP sees
// no failure in a maxUnavailable: 0 rolling update and the gap (refused connections) in a Recreate one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { prometheusConfig } from '../../src/sim/network/prometheus-config.ts';
import { PROMETHEUS_SD_PATH } from '../../src/sim/apiserver/http/prometheus-sd.ts';
import { PROMETHEUS_CANDIDATES, startPrometheusWith } from '../e2e/fixtures/prometheus.ts';
import { needComponent } from '../support/services.ts';
import { eventually, startCluster, type Cluster } from './kubectl-support.ts';

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: myapp-svc
  labels: {appname: myapp-svc}
spec:
  type: ClusterIP
  ports: [{name: tomcat-http, port: 8080, targetPort: 8080}]
  selector: {appname: myapp}
`;

function release(name: string, version: string, image: string, replicas: number, extra = ''): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: {appname: myapp}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {appname: myapp, release: "${version}"}
  template:
    metadata:
      labels: {appname: myapp, release: "${version}"}
      annotations: {prometheus.io/scrape: "true", prometheus.io/port: "8080"}
    spec:
      containers:
      - name: myapp
        image: ${image}
        ports: [{name: http, containerPort: 8080, protocol: TCP}]
${extra}`;
}

/** Load sends requests through the Service, one connection each (kube-proxy balances connections), until stopped. */
class Load {
  ok = 0;
  failed: string[] = [];
  #stop = false;
  readonly #done: Promise<void>;
  constructor(url: string, pauseMs = 5) {
    this.#done = (async () => {
      while (!this.#stop) {
        try {
          const res = await fetch(url, { headers: { connection: 'close' }, signal: AbortSignal.timeout(3000) });
          await res.arrayBuffer();
          if (res.status === 200) this.ok++;
          else this.failed.push(`HTTP ${res.status}`);
        } catch (e) {
          this.failed.push(String((e as { cause?: { code?: string } }).cause?.code ?? e));
        }
        await new Promise((r) => setTimeout(r, pauseMs));
      }
    })();
  }
  async stop(): Promise<this> {
    this.#stop = true;
    await this.#done;
    return this;
  }
}

async function clusterIP(c: Cluster, svc: string): Promise<string> {
  return (await c.kubectlOk(['get', 'service', svc, '-o', 'jsonpath={.spec.clusterIP}'])).trim();
}

async function readyPods(c: Cluster, selector: string, n: number): Promise<void> {
  await eventually(`${n} ready pods for ${selector}`, async () => {
    const out = await c.kubectlOk(['get', 'pods', '-l', selector, '-o', 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}']);
    return out.split('\n').filter((l) => l === 'True').length === n ? true : undefined;
  }, 30_000);
}

test('Prometheus over http_sd with the report\'s relabel rules: rate per release, 1 of 4 ready pods gets 25 %, -errors30 is 0.30 of requests', { timeout: 180_000 }, async (t) => {
  const prom = needComponent(t, 'prometheus', PROMETHEUS_CANDIDATES, 'apt-get install prometheus');
  if (prom === undefined) return;
  const c = await startCluster(t, { speed: 20 });
  if (c === undefined) return;
  t.after(() => c.stop());
  await c.kubectlOk(['apply', '-f', '-'], { input: `${SERVICE}---\n${release('myapp-v1', '1.0.0', 'myapp:1.0.0', 3)}---\n${release('myapp-v2', '2.0.0', 'myapp:2.0.0-errors30', 1)}` });
  await readyPods(c, 'appname=myapp', 4);
  const ip = await clusterIP(c, 'myapp-svc');
  assert.match(ip, /^127\./, 'the Service has a loopback cluster IP');

  const prometheus = await startPrometheusWith(prom, prometheusConfig({ sdUrl: `${c.sim.url}${PROMETHEUS_SD_PATH}`, scrapeInterval: '1s' }), 'the myapp pods', 40_000);
  t.after(() => prometheus.stop());
  const load = new Load(`http://${ip}:8080/`, 2);
  await new Promise((r) => setTimeout(r, 12_000));
  const shares = await eventually('rates per release', async () => {
    const rows = await prometheus.query('sum(rate(http_requests_total[10s])) by (release)');
    return rows.length === 2 ? rows : undefined;
  }, 20_000);
  const ratio5xx = await prometheus.query('sum(rate(http_requests_total{code=~"5..",release="2.0.0"}[1m])) / sum(rate(http_requests_total{release="2.0.0"}[1m]))');
  const up = await prometheus.query('up{kubernetes_namespace="default"}');
  const result = await load.stop();
  const total = shares.reduce((a, s) => a + s.value, 0);
  const v2 = shares.find((s) => s.metric.release === '2.0.0')?.value ?? 0;
  process.stdout.write(`# release 2.0.0 share ${(100 * v2 / total).toFixed(1)} %, 5xx ratio ${ratio5xx[0]?.value.toFixed(3)}, ${result.ok} ok / ${result.failed.length} failed client requests\n`);
  assert.equal(up.length, 4, 'the four annotated pods are scraped, found through http_sd');
  assert.ok(Math.abs(v2 / total - 0.25) <= 0.05, `1 of 4 ready pods gets 25 % ± 5 points (got ${(100 * v2 / total).toFixed(1)} %)`);
  assert.ok(ratio5xx[0] !== undefined && Math.abs(ratio5xx[0].value - 0.3) <= 0.05, `the -errors30 release answers 30 % ± 5 with 5xx (got ${ratio5xx[0]?.value})`);
  assert.ok(up.every((s) => s.metric.appname === 'myapp' && s.metric.release !== undefined && s.metric.kubernetes_pod_name?.startsWith('myapp-v')), 'labelmap and the replace rules labelled every target');
});

test('curl through the cluster IP; scaled to 0 the connection is refused; EndpointSlices through a rolling update and a deletion', { timeout: 120_000 }, async (t) => {
  const c = await startCluster(t, { speed: 20 });
  if (c === undefined) return;
  t.after(() => c.stop());
  await c.kubectlOk(['apply', '-f', '-'], { input: `${SERVICE}---\n${release('myapp-v1', '1.0.0', 'myapp:1.0.0', 2)}` });
  await readyPods(c, 'appname=myapp', 2);
  const ip = await clusterIP(c, 'myapp-svc');
  const curl = await new Promise<{ code: number; out: string }>((resolve) => {
    void import('node:child_process').then(({ execFile }) => execFile('curl', ['-sS', `http://${ip}:8080/`], (e, out) => resolve({ code: e ? 1 : 0, out })));
  });
  assert.equal(curl.code, 0, 'curl reaches the Service from a shell');
  assert.match(curl.out, /^OK from myapp-v1-/);

  const slices = async (): Promise<{ name: string; ready: boolean; serving: boolean; terminating: boolean }[]> => {
    const doc = parseYaml(await c.kubectlOk(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=myapp-svc', '-o', 'yaml'])) as { items: { endpoints?: { targetRef: { name: string }; conditions: { ready: boolean; serving: boolean; terminating: boolean } }[]; metadata: { ownerReferences: { kind: string; name: string }[] } }[] };
    assert.ok(doc.items.every((s) => s.metadata.ownerReferences[0]?.kind === 'Service' && s.metadata.ownerReferences[0].name === 'myapp-svc'), 'owned by the Service');
    return doc.items.flatMap((s) => (s.endpoints ?? []).map((e) => ({ name: e.targetRef.name, ...e.conditions })));
  };
  assert.deepEqual((await slices()).map((e) => [e.ready, e.serving, e.terminating]), [[true, true, false], [true, true, false]]);

  // A deleted pod turns terminating (not ready) at once, while its grace period runs.
  const victim = (await slices())[0]!.name;
  await c.kubectlOk(['delete', 'pod', victim, '--wait=false']);
  const during = await eventually('the deleted pod terminating in its slice', async () => (await slices()).find((e) => e.name === victim && e.terminating));
  assert.equal(during.ready, false, 'a terminating endpoint is not ready');
  await eventually('the slice without the deleted pod', async () => ((await slices()).some((e) => e.name === victim) ? undefined : true), 60_000);

  // A rolling update: new pods join as they become ready, old ones leave.
  await c.kubectlOk(['set', 'image', 'deployment/myapp-v1', 'myapp=myapp:1.0.1']);
  await c.kubectlOk(['rollout', 'status', 'deployment/myapp-v1', '--timeout=60s'], { timeoutMs: 70_000 });
  await eventually('two ready endpoints of the new ReplicaSet', async () => {
    const eps = await slices();
    const pods = (await c.kubectlOk(['get', 'pods', '-l', 'appname=myapp', '-o', 'jsonpath={range .items[?(@.spec.containers[0].image=="myapp:1.0.1")]}{.metadata.name}{"\\n"}{end}'])).split('\n').filter(Boolean);
    return eps.filter((e) => e.ready && pods.includes(e.name)).length === 2 && eps.filter((e) => e.ready).length === 2 ? true : undefined;
  }, 60_000);

  await c.kubectlOk(['scale', 'deployment/myapp-v1', '--replicas=0']);
  await eventually('no ready endpoint', async () => ((await slices()).some((e) => e.ready) ? undefined : true), 60_000);
  const refused = await fetch(`http://${ip}:8080/`).then(() => 'answered', (e: { cause?: { code?: string } }) => e.cause?.code ?? 'error');
  assert.equal(refused, 'ECONNREFUSED', 'with no ready endpoint the connection is refused');
});

test('a client looping on the cluster IP sees no failure in a maxUnavailable: 0 rolling update, and the gap in a Recreate one', { timeout: 150_000 }, async (t) => {
  const c = await startCluster(t, { speed: 20 });
  if (c === undefined) return;
  t.after(() => c.stop());
  const probe = '        readinessProbe: {httpGet: {path: /, port: http}, periodSeconds: 1}\n';
  await c.kubectlOk(['apply', '-f', '-'], {
    input: `${SERVICE}---\n${release('rolling', '1', 'myapp:1', 3, probe).replace('  replicas: 3\n', '  replicas: 3\n  strategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}\n')}`,
  });
  await readyPods(c, 'appname=myapp', 3);
  const ip = await clusterIP(c, 'myapp-svc');
  let load = new Load(`http://${ip}:8080/`);
  await c.kubectlOk(['set', 'image', 'deployment/rolling', 'myapp=myapp:2']);
  await c.kubectlOk(['rollout', 'status', 'deployment/rolling', '--timeout=90s'], { timeoutMs: 100_000 });
  let seen = await load.stop();
  process.stdout.write(`# RollingUpdate maxUnavailable 0: ${seen.ok} ok, ${seen.failed.length} failed\n`);
  assert.ok(seen.ok > 20, `the client kept sending (${seen.ok})`);
  assert.deepEqual(seen.failed, [], 'no failed request during the rolling update');

  await c.kubectlOk(['patch', 'deployment/rolling', '--type=merge', '-p', '{"spec":{"strategy":{"type":"Recreate","rollingUpdate":null}}}']);
  await c.kubectlOk(['rollout', 'status', 'deployment/rolling', '--timeout=60s'], { timeoutMs: 70_000 });
  load = new Load(`http://${ip}:8080/`);
  await c.kubectlOk(['set', 'image', 'deployment/rolling', 'myapp=myapp:3']);
  await c.kubectlOk(['rollout', 'status', 'deployment/rolling', '--timeout=90s'], { timeoutMs: 100_000 });
  await new Promise((r) => setTimeout(r, 500));
  seen = await load.stop();
  process.stdout.write(`# Recreate: ${seen.ok} ok, ${seen.failed.length} failed (${[...new Set(seen.failed)].join(', ')})\n`);
  assert.ok(seen.failed.length > 0, 'Recreate leaves a gap with no pod serving');
  // The gap is refused connections (kube-proxy's REJECT); the one connection in flight when the
  // proxy's listener closes may be reset instead (service-proxy.ts), so a reset is allowed at the
  // edges of the gap, never a timeout, an HTTP error or a gap made of resets.
  const refused = seen.failed.filter((f) => f === 'ECONNREFUSED').length;
  assert.deepEqual(seen.failed.filter((f) => f !== 'ECONNREFUSED' && f !== 'ECONNRESET'), [], 'nothing but refused or reset connections');
  assert.ok(refused >= 0.9 * seen.failed.length, `the gap shows as refused connections (${refused} of ${seen.failed.length})`);
});
