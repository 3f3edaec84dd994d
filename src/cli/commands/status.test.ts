// `rollscope status` end to end: the real CLI process, against files and against a stub API
// server on 127.0.0.1 (port 0) that serves the GET/LIST requests a one-shot status makes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { deployment, event, pod } from '../../track/status/testing/fixtures.ts';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'rollscope-status-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}
function rollscope(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { env: { ...process.env, KUBECONFIG: join(dir, 'none') } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

const rolling = deployment({ status: { updatedReplicas: 1, availableReplicas: 2, readyReplicas: 2 } });
const stuckPod = pod({
  status: { phase: 'Pending', conditions: [], containerStatuses: [{ name: 'app', image: 'web:bad', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "web:bad"' } } }] },
});
const pullFailed = event('Failed', 'Failed to pull image "web:bad": manifest unknown', 1);

describe('rollscope status --file', { concurrency: true }, () => {
  const manifest = join(dir, 'rollout.yaml');
  before(() => writeFileSync(manifest, [rolling, stuckPod, pullFailed].map((o) => stringify(o)).join('---\n')));

  test('native verdict from a file with the pods and events: fails fast with the pull error', async () => {
    const r = await rollscope('status', '--file', manifest, '-o', 'json');
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.deepEqual(out.object, { kind: 'Deployment', namespace: 'shop', name: 'web' });
    assert.equal(out.state, 'Failed');
    assert.equal(out.reason, 'ImagePullFailed');
    assert.equal(out.message, 'Failed to pull image "web:bad": manifest unknown', 'the code is the reason, not repeated in the message');
    assert.deepEqual(out.progress, { desired: 3, updated: 1, ready: 2, available: 2 });
    assert.deepEqual(out.diagnosis, { code: 'ImagePullFailed', reason: 'ImagePullBackOff', message: 'Failed to pull image "web:bad": manifest unknown', object: 'Pod shop/web-7d9f-a' });
  });

  test('human output is one line with verdict, diagnosis and counts', async () => {
    const r = await rollscope('status', 'deploy/web', '--file', manifest, '--fail-fast', 'ImagePullFailed=never');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      'Deployment shop/web: InProgress (LessUpdated) 1 of 3 replicas updated — ImagePullFailed: Failed to pull image "web:bad": manifest unknown [Pod shop/web-7d9f-a] · updated 1/3, ready 2/3, available 2/3\n',
    );
  });

  test('a failed verdict names its code once in the human line', async () => {
    const r = await rollscope('status', 'deploy/web', '--file', manifest);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, 'Deployment shop/web: Failed (ImagePullFailed) Failed to pull image "web:bad": manifest unknown [Pod shop/web-7d9f-a] · updated 1/3, ready 2/3, available 2/3\n');
  });

  test('a TYPE/NAME not in the file → exit 4 naming it', async () => {
    const r = await rollscope('status', 'sts/web', '--file', manifest);
    assert.equal(r.code, 4);
    assert.match(r.stderr, /^error: file .*rollout\.yaml holds no match\(es\) for statefulset\/web\nhint: /);
  });

  test('bad --fail-fast → exit 3 with a hint', async () => {
    const r = await rollscope('status', '--file', manifest, '--fail-fast', 'Soon=1s');
    assert.equal(r.code, 3);
    assert.match(r.stderr, /invalid --fail-fast rules/);
    assert.match(r.stderr, /hint: use Code=Duration pairs/);
  });

  test('--as kubectl with a human format prints kubectl\'s own message', async () => {
    const r = await rollscope('status', 'deploy/web', '--file', manifest, '--as', 'kubectl');
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...\n');
  });
});

describe('rollscope status against an API server', { concurrency: true }, () => {
  let server: Server;
  let kubeconfig = '';
  const requests: string[] = [];
  const list = (items: unknown[]) => ({ kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '100' }, items });
  const rs = { metadata: { name: 'web-7d9f', namespace: 'shop', uid: 'rs-1', resourceVersion: '3', labels: { 'pod-template-hash': '7d9f' }, annotations: { 'deployment.kubernetes.io/revision': '2' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd-1', controller: true }] } };
  const routes: Readonly<Record<string, unknown>> = {
    '/apis/apps/v1/namespaces/shop/deployments/web': { ...rolling, metadata: { ...(rolling.metadata as object), resourceVersion: '7' } },
    '/apis/apps/v1/namespaces/shop/replicasets': list([rs]),
    '/api/v1/namespaces/shop/pods': list([stuckPod]),
    '/api/v1/namespaces/shop/events': list([pullFailed]),
    // core discovery, which a client asks when a 404 needs telling apart from "no API server here"
    '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] },
  };

  before(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      requests.push(`${url.pathname}?${url.searchParams.toString()}`);
      const body = routes[url.pathname];
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404, message: `${url.pathname} not found` }));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const address = server.address();
    assert.ok(address && typeof address === 'object');
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'stub', cluster: { server: `http://127.0.0.1:${address.port}`, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'u', user: { token: 't' } }],
        contexts: [{ name: 'stub', context: { cluster: 'stub', user: 'u', namespace: 'shop' } }],
        'current-context': 'stub',
      }),
    );
  });
  after(() => new Promise<void>((done) => server.close(() => done())));

  test('reads the Deployment, its ReplicaSets, pods by selector and events, and diagnoses', async () => {
    const r = await rollscope('status', 'deployment/web', '--kubeconfig', kubeconfig, '-o', 'json');
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { state: string; diagnosis: { code: string; message: string } };
    assert.equal(out.state, 'Failed');
    assert.equal(out.diagnosis.code, 'ImagePullFailed');
    assert.equal(out.diagnosis.message, 'Failed to pull image "web:bad": manifest unknown');
    assert.ok(requests.includes('/api/v1/namespaces/shop/pods?labelSelector=app%3Dweb&limit=500'), requests.join('\n'));
  });

  test('the same object --as kstatus', async () => {
    const r = await rollscope('status', 'deployment/web', '--kubeconfig', kubeconfig, '--as', 'kstatus', '-o', 'json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { status: 'InProgress', message: 'Updated: 1/3', conditions: [{ type: 'Reconciling', status: 'True', reason: 'LessUpdated' }] });
  });

  test('a missing object → exit 4, one line naming it, and a hint', async () => {
    const r = await rollscope('status', 'sts/db', '--kubeconfig', kubeconfig, '-n', 'shop');
    assert.equal(r.code, 4);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^error: statefulset db not found in shop\nhint: check the name and the namespace/);
  });
});
