// The container image, as a cluster would run it: built with buildah from the Containerfile (vfs
// storage, chroot isolation), started with its own entrypoint, user and environment, configured only
// as a pod is — KUBERNETES_SERVICE_HOST/PORT and the service account's token, CA and namespace mounted
// at /var/run/secrets/kubernetes.io/serviceaccount — against the simulated cluster over HTTPS with
// tokens and RBAC (the read-only tracker role of deploy/kustomize/base), writing its ledger to a data
// volume; it tracks a release. The image's size is printed.
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { eventually, startCluster } from '../sim/kubectl-support.ts';
import { simClockEnv } from '../e2e/fixtures/daemon.ts';
import { needComponent } from '../support/services.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..', '..');
const TAG = 'localhost/rollscope:e2e';

test('the image built with buildah runs serve as non-root with in-cluster configuration over HTTPS and tracks a release', { timeout: 600_000 }, async (t) => {
  const buildah = needComponent(t, 'buildah', ['/usr/bin/buildah'], 'apt-get install buildah');
  if (buildah === undefined) return;
  const b = (...args: string[]): Promise<{ stdout: string }> => run(buildah, ['--storage-driver', 'vfs', ...args], { maxBuffer: 16 << 20 });

  // Build: package, root filesystem, image.
  execFileSync(process.execPath, [join(root, 'scripts', 'image.ts'), '--build', TAG], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], timeout: 480_000 });
  const images = JSON.parse((await b('images', '--json')).stdout) as { names?: string[]; size: string }[];
  const size = images.find((i) => i.names?.includes(TAG))?.size;
  assert.ok(size !== undefined, `${TAG} is in buildah's image list`);
  process.stdout.write(`# image ${TAG}: ${size}\n`);
  const config = (JSON.parse((await b('inspect', '--type', 'image', TAG)).stdout) as { OCIv1: { config: { Entrypoint: string[]; Cmd: string[]; User: string } } }).OCIv1.config;
  assert.equal(config.User, '65532:65532', 'the image runs as a non-root user');
  assert.deepEqual(config.Cmd, ['serve']);

  const cluster = await startCluster(t, { speed: 40, secure: true });
  if (cluster === undefined) return;
  await cluster.kubectlOk(['create', 'namespace', 'rollscope']);
  await cluster.kubectlOk(['apply', '-n', 'rollscope', '-f', join(root, 'deploy', 'kustomize', 'base', 'serviceaccount.yaml'), '-f', join(root, 'deploy', 'kustomize', 'base', 'rbac-tracker.yaml')]);
  const dir = mkdtempSync(join(tmpdir(), 'rollscope-image-'));
  const data = join(dir, 'data');
  const sa = join(dir, 'serviceaccount');
  mkdirSync(data);
  mkdirSync(sa);
  writeFileSync(join(sa, 'token'), cluster.sim.auth!.serviceAccountToken('rollscope', 'rollscope'));
  writeFileSync(join(sa, 'ca.crt'), cluster.sim.caPem!);
  writeFileSync(join(sa, 'namespace'), 'rollscope');
  // The container's user (65532) reads them, as a projected service-account volume is readable to it.
  for (const f of ['token', 'ca.crt', 'namespace']) chmodSync(join(sa, f), 0o644);
  chmodSync(dir, 0o755);
  chmodSync(sa, 0o755);
  chmodSync(data, 0o777);
  const container = (await b('from', '--quiet', TAG)).stdout.trim();
  t.after(async () => {
    await b('rm', container).catch(() => undefined);
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  // What the kubelet and the Deployment's env would set; the listen address stays on loopback
  // (buildah's chroot isolation shares the host's network, where the simulated API server listens).
  const env = { ...simClockEnv(cluster.sim), ROLLSCOPE_LISTEN: '127.0.0.1:0', ROLLSCOPE_HEALTH_PROBE_BIND_ADDRESS: '127.0.0.1:0', ROLLSCOPE_CLUSTER: 'image', KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: new URL(cluster.sim.url).port };
  for (const [k, v] of Object.entries(env)) await b('config', '--env', `${k}=${v ?? ''}`, container);
  const child = spawn(buildah, ['--storage-driver', 'vfs', 'run', '--isolation', 'chroot', '-v', `${sa}:/var/run/secrets/kubernetes.io/serviceaccount:ro`, '-v', `${data}:/var/lib/rollscope`, container, '--', ...config.Entrypoint, ...config.Cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
  let logs = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (logs = (logs + d).slice(-20_000)));
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  t.after(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
  });
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`serve in the image printed no URL in 60 s:\n${logs}`)), 60_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /listening on (http:\/\/\S+?) /.exec(out);
      if (m?.[1] !== undefined) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    void exited.then((code) => fail(new Error(`serve in the image exited ${code}:\n${logs}`)));
  });

  await cluster.kubectlOk(['create', 'deployment', 'web', '--image=web:1', '--replicas=2']);
  const release = await eventually('the release to be recorded and succeed', async () => {
    const res = await fetch(`${url}/api/v1/releases?namespace=default`);
    const body = (await res.json()) as { items: { workload: { name: string }; outcome: string; cluster?: string }[] };
    return body.items.find((r) => r.workload.name === 'web' && r.outcome === 'succeeded');
  }, 30_000);
  assert.ok(release, `the tracker in the image recorded the release:\n${logs}`);
  // The kubelet's view: the probe listener answers without a token, bare.
  const probes = /"healthProbes":"(http:\/\/[^"]+)"/.exec(logs)?.[1];
  assert.ok(probes, `serve logged its probe listener:\n${logs}`);
  const ready = await fetch(`${probes}/readyz`);
  assert.deepEqual([ready.status, await ready.text()], [200, 'ok\n']);
  // buildah does not forward signals to what it runs; the kubelet signals the container's process
  // itself, and so does this test (chroot isolation shares the host's process table).
  const cmdline = (pid: string): string => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      return ''; // exited meanwhile
    }
  };
  const pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p) && cmdline(p).startsWith(`${config.Entrypoint.join(' ')} serve`));
  assert.equal(pids.length, 1, 'one serve process runs from the image');
  process.kill(Number(pids[0]), 'SIGTERM');
  const code = await exited;
  assert.equal(code, 0, `serve in the image exits 0 on SIGTERM (got ${code}):\n${logs.slice(-2000)}`);
});
