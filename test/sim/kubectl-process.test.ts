// The real `rollscope sim` / `rollscope demo` processes: start, print the URL as one line, serve the
// real kubectl through the written kubeconfig, and exit 0 on SIGTERM/SIGINT. Bad flags exit 3 with a hint.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test, type TestContext } from 'node:test';
import { createKubeHttp, loadKubeConfig } from '../../src/kube/client.ts';
import { needComponent } from '../support/services.ts';
import { eventually, KUBECTL_CANDIDATES } from './kubectl-support.ts';

const root = resolve(import.meta.dirname, '..', '..');
const main = join(root, 'src', 'cli', 'main.ts');

interface Started {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  readonly stderr: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** startCli runs `node src/cli/main.ts ARGS` and resolves once its first stdout line (the URL) arrives. */
function startCli(args: readonly string[], cwd: string): Promise<Started> {
  const child = spawn(process.execPath, [main, ...args], { cwd });
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('exit', (code, signal) => done({ code, signal })));
  return new Promise((ok, fail) => {
    let out = '';
    const onData = (b: Buffer): void => {
      out += b.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      child.stdout.off('data', onData);
      ok({ child, url: out.slice(0, nl), stderr: () => err, exited });
    };
    child.stdout.on('data', onData);
    void exited.then((e) => fail(new Error(`rollscope exited early (${e.code ?? e.signal}) before printing its URL:\n${err}`)));
  });
}

function kubectl(bin: string, kubeconfig: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) =>
    execFile(bin, ['--kubeconfig', kubeconfig, ...args], { timeout: 15_000 }, (e, stdout, stderr) =>
      done({ code: e ? (typeof e.code === 'number' ? e.code : 124) : 0, stdout, stderr }),
    ),
  );
}

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'rollscope-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('rollscope sim: URL line, kubectl works, SIGTERM exits 0', async (t) => {
  const bin = needComponent(t, 'kubectl', KUBECTL_CANDIDATES, 'apt-get install kubectl');
  if (!bin) return;
  const dir = tempDir(t);
  const kubeconfig = join(dir, 'sim.kubeconfig');
  const sim = await startCli(['sim', '--listen', '127.0.0.1:0', '--kubeconfig-out', kubeconfig, '--scenario', 'web', '--speed', '40'], dir);
  t.after(() => sim.child.kill('SIGKILL'));
  assert.match(sim.url, /^https:\/\/127\.0\.0\.1:\d+$/, 'one line: the URL');
  assert.ok(existsSync(kubeconfig));
  await eventually('the kubectl hint on stderr', () => (sim.stderr().includes(`export KUBECONFIG=${kubeconfig}`) ? true : undefined));
  const version = await kubectl(bin, kubeconfig, ['version', '-o', 'json']);
  assert.equal(version.code, 0, version.stderr);
  assert.ok((JSON.parse(version.stdout) as { serverVersion?: unknown }).serverVersion, 'server version answered');
  const ready = await eventually('deployment web ready', async () => {
    const r = await kubectl(bin, kubeconfig, ['get', 'deployment', 'web', '-o', 'jsonpath={.status.readyReplicas}']);
    return r.stdout === '3' ? r : undefined;
  });
  assert.equal(ready.code, 0);
  sim.child.kill('SIGTERM');
  assert.deepEqual(await sim.exited, { code: 0, signal: null });
});

test('rollscope sim: SIGINT also exits 0; default kubeconfig path is ./.rollscope/sim.kubeconfig', async (t) => {
  const dir = tempDir(t);
  const sim = await startCli(['sim'], dir);
  t.after(() => sim.child.kill('SIGKILL'));
  assert.ok(existsSync(join(dir, '.rollscope', 'sim.kubeconfig')));
  // HTTPS: the server's certificate verifies against the CA written into the kubeconfig.
  const http = createKubeHttp(loadKubeConfig({ kubeconfig: join(dir, '.rollscope', 'sim.kubeconfig') }));
  const res = await http.get('/version', {}, { verb: 'get', resource: 'version', namespace: '' }, AbortSignal.timeout(5000));
  assert.equal(res.status, 200);
  sim.child.kill('SIGINT');
  assert.deepEqual(await sim.exited, { code: 0, signal: null });
});

test('rollscope sim --scenario demo: Services in front of the HTTP workloads, steady traffic through their cluster IPs, counted on /metrics', async (t) => {
  const bin = needComponent(t, 'kubectl', KUBECTL_CANDIDATES, 'apt-get install kubectl');
  if (!bin) return;
  const dir = tempDir(t);
  const kubeconfig = join(dir, 'sim.kubeconfig');
  const sim = await startCli(['sim', '--listen', '127.0.0.1:0', '--kubeconfig-out', kubeconfig, '--scenario', 'demo', '--insecure-http'], dir);
  t.after(() => sim.child.kill('SIGKILL'));
  const services = await kubectl(bin, kubeconfig, ['get', 'services', '-n', 'shop', '-o', 'jsonpath={.items[*].metadata.name}']);
  assert.deepEqual(services.stdout.split(' ').sort(), ['cart', 'checkout', 'frontend', 'search']);
  // The simulator's own /metrics counts the load generator's outcomes: 200s through shop/frontend's cluster IP.
  const served = await eventually('200s through shop/frontend', async () => {
    const text = await (await fetch(`${sim.url}/metrics`)).text();
    const m = /rollscope_sim_load_requests_total\{namespace="shop",service="frontend",code="200"\} (\d+)/.exec(text);
    return m && Number(m[1]) >= 20 ? text : undefined;
  }, 30_000);
  assert.match(served, /service="cart",code="200"/, 'every Service gets traffic');
  // The pods behind it saw the requests on their own /metrics (what Prometheus scrapes, found by the prometheus.io annotations).
  const pods = await kubectl(bin, kubeconfig, ['get', 'pods', '-n', 'shop', '-l', 'app=frontend', '-o', 'jsonpath={range .items[*]}{.status.podIP} {.metadata.annotations.prometheus\\.io/port}{"\\n"}{end}']);
  const [ip, port] = pods.stdout.trim().split('\n')[0]!.split(' ');
  assert.equal(port, '8080');
  const podMetrics = await (await fetch(`http://${ip}:${port}/metrics`)).text();
  assert.match(podMetrics, /http_requests_total\{code="200",method="get"\} [1-9]/);
  sim.child.kill('SIGTERM');
  assert.deepEqual(await sim.exited, { code: 0, signal: null });
});

test('rollscope demo: the demo namespaces appear; SIGTERM exits 0', async (t) => {
  const bin = needComponent(t, 'kubectl', KUBECTL_CANDIDATES, 'apt-get install kubectl');
  if (!bin) return;
  const dir = tempDir(t);
  const kubeconfig = join(dir, 'demo.kubeconfig');
  const demo = await startCli(['demo', '--listen', '127.0.0.1:0', '--kubeconfig-out', kubeconfig], dir);
  t.after(() => demo.child.kill('SIGKILL'));
  await eventually('the kubectl hint on stderr', () => (demo.stderr().includes(`export KUBECONFIG=${kubeconfig}`) ? true : undefined));
  const ns = await kubectl(bin, kubeconfig, ['get', 'namespaces', '-o', 'name']);
  for (const name of ['shop', 'payments', 'platform']) assert.match(ns.stdout, new RegExp(`^namespace/${name}$`, 'm'));
  const deploys = await kubectl(bin, kubeconfig, ['get', 'deployments', '-A', '--no-headers']);
  assert.ok(deploys.stdout.trim().split('\n').length >= 5, deploys.stdout);
  demo.child.kill('SIGTERM');
  assert.deepEqual(await demo.exited, { code: 0, signal: null });
});

const badFlags = [
  { args: ['--listen', 'nowhere'], flag: '--listen' },
  { args: ['--speed', '0'], flag: '--speed' },
  { args: ['--nodes', '3 nodes please'], flag: '--nodes' },
  { args: ['--scenario', 'nope'], flag: 'scenario' },
] as const;
for (const row of badFlags)
  test(`rollscope sim ${row.args.join(' ')} exits 3 with an error and a hint`, async (t) => {
    const dir = tempDir(t);
    const r = await new Promise<{ code: number; stderr: string }>((done) =>
      execFile(process.execPath, [main, 'sim', ...row.args], { cwd: dir, timeout: 15_000 }, (e, _out, stderr) => done({ code: e ? Number(e.code) : 0, stderr })),
    );
    assert.equal(r.code, 3);
    assert.match(r.stderr, new RegExp(`^error: .*${row.flag}`, 'm'));
    assert.match(r.stderr, /^hint: /m);
  });

test('rollscope sim --listen on a port in use exits 3 and says so', async (t) => {
  const dir = tempDir(t);
  const blocker = createServer();
  await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', ok));
  t.after(() => blocker.close());
  const port = (blocker.address() as AddressInfo).port;
  const r = await new Promise<{ code: number; stderr: string }>((done) =>
    execFile(process.execPath, [main, 'sim', '--listen', `127.0.0.1:${port}`], { cwd: dir, timeout: 15_000 }, (e, _out, stderr) => done({ code: e ? Number(e.code) : 0, stderr })),
  );
  assert.equal(r.code, 3);
  assert.match(r.stderr, new RegExp(`^error: cannot listen on 127\\.0\\.0\\.1:${port}: the address is already in use$`, 'm'));
  assert.match(r.stderr, /^hint: .*--listen 127\.0\.0\.1:0/m);
});
