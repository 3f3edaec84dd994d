// The simulator as `rollscope sim` serves it by default: HTTPS with a CA made at start (in the
// kubeconfig), bearer tokens and RBAC, answering 401 and 403 as kube-apiserver does — so the tracker's
// least-privilege role and in-cluster configuration can be exercised for real.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { loadKubeConfig } from '../../src/kube/kubeconfig.ts';
import { createKubeHttp } from '../../src/kube/client.ts';
import { isTrackerError } from '../../src/lib/errors.ts';
import { startCluster } from './kubectl-support.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..', '..');

test('HTTPS with the CA in the kubeconfig; no or a wrong token is 401; RBAC decides, 403 names user, verb and resource', async (t) => {
  const cluster = await startCluster(t, { secure: true });
  if (cluster === undefined) return;
  const dir = mkdtempSync(join(tmpdir(), 'rollscope-auth-'));
  t.after(async () => {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  assert.match(cluster.sim.url, /^https:\/\//);
  await cluster.kubectlOk(['create', 'deployment', 'web', '--image=web:1']);

  // No token, or one the server never issued.
  const anonymous = await fetch(`${cluster.sim.url}/api/v1/pods`).catch((e: unknown) => e);
  assert.ok(anonymous instanceof Error, 'a client that does not trust the simulator CA cannot connect');
  const badToken = await cluster.kubectl(['get', 'pods', '--token', 'not-a-real-token']);
  assert.notEqual(badToken.code, 0);
  assert.match(badToken.stderr, /You must be logged in to the server \(the server has asked for the client to provide credentials\)/);

  // The tracker's service account with the read-only role from deploy/kustomize/base.
  await cluster.kubectlOk(['create', 'namespace', 'rollscope']);
  await cluster.kubectlOk(['apply', '-n', 'rollscope', '-f', join(root, 'deploy', 'kustomize', 'base', 'serviceaccount.yaml'), '-f', join(root, 'deploy', 'kustomize', 'base', 'rbac-tracker.yaml')]);
  const token = cluster.sim.auth?.serviceAccountToken('rollscope', 'rollscope');
  assert.ok(token !== undefined);
  const list = await cluster.kubectlOk(['get', 'deployments', '-A', '--token', token, '-o', 'name']);
  assert.match(list, /deployment.apps\/web/);
  const scale = await cluster.kubectl(['scale', 'deployment/web', '--replicas=3', '--token', token]);
  assert.notEqual(scale.code, 0);
  assert.match(scale.stderr, /deployments\.apps "web" is forbidden: User "system:serviceaccount:rollscope:rollscope" cannot patch resource "deployments\/scale" in API group "apps" in the namespace "default"/);

  // Our own client, configured as in a pod: KUBERNETES_SERVICE_HOST/PORT, token, ca.crt, namespace.
  writeFileSync(join(dir, 'token'), token);
  writeFileSync(join(dir, 'ca.crt'), cluster.sim.caPem ?? '');
  writeFileSync(join(dir, 'namespace'), 'rollscope');
  const port = new URL(cluster.sim.url).port;
  const access = loadKubeConfig({ env: { HOME: dir, KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: port }, serviceAccountDir: dir });
  const http = createKubeHttp(access);
  const res = await http.get('/apis/apps/v1/deployments', {}, { verb: 'list', resource: 'deployments.apps', namespace: '' }, AbortSignal.timeout(5000));
  const body = (await res.json()) as { items: { metadata: { name: string } }[] };
  assert.deepEqual(body.items.map((d) => d.metadata.name), ['web']);
  await assert.rejects(http.get('/api/v1/secrets', {}, { verb: 'list', resource: 'secrets', namespace: '' }, AbortSignal.timeout(5000)), (e) => isTrackerError(e) && e.code === 'KUBE_FORBIDDEN');
  const { stdout } = await run('kubectl', ['--kubeconfig', cluster.kubeconfig, 'config', 'view', '--raw', '-o', 'jsonpath={.clusters[0].cluster.certificate-authority-data}']);
  assert.equal(Buffer.from(stdout, 'base64').toString(), cluster.sim.caPem, 'the kubeconfig carries the CA');
});
