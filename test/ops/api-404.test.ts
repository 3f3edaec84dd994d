// A server that is up but answers 404 to everything — a web server, a proxy, a wrong path in the
// kubeconfig's server URL — is "API server unavailable" (exit 5) with its URL and a hint, in every
// command that talks to a cluster, like kubectl's "couldn't get current server API group list";
// never "deployment … not found" (exit 4). And a 401 names the real way rollscope reads
// credentials (the kubeconfig), never a flag that does not exist. Real CLI processes, real HTTP.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';

const MAIN = join(resolve(import.meta.dirname, '..', '..'), 'src', 'cli', 'main.ts');
const dir = mkdtempSync(join(tmpdir(), 'rollscope-404-'));

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function rollscope(args: readonly string[]): Promise<Run> {
  return new Promise((done) => {
    const env = { ...process.env, HOME: dir, KUBECONFIG: join(dir, 'none'), ROLLSCOPE_DB: '' };
    execFile(process.execPath, [MAIN, ...args], { env, cwd: dir, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

/** serveStatus starts a loopback HTTP server that answers every request with `status` and `body`. */
async function serveStatus(status: number, body: string, contentType: string): Promise<{ server: Server; url: string; kubeconfig: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': contentType });
    res.end(body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const kubeconfig = join(dir, `kubeconfig-${status}`);
  writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "${url}"}}]\nusers: [{name: u, user: {token: not-accepted}}]\ncontexts: [{name: ctx${status}, context: {cluster: c, user: u, namespace: default}}]\ncurrent-context: ctx${status}\n`);
  return { server, url, kubeconfig };
}

const close = (s: Server): Promise<void> => new Promise((done) => s.close(() => done()));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('a server that answers 404 to everything', { concurrency: 4 }, () => {
  let stub: Awaited<ReturnType<typeof serveStatus>>;
  before(async () => {
    stub = await serveStatus(404, '404 page not found\n', 'text/plain');
  });
  after(() => close(stub.server));

  const commands: readonly (readonly string[])[] = [
    ['wait', 'deployment/web', '--timeout', '2m'],
    ['wait', 'deployment/web', '--timeout', '2m', '-o', 'json'],
    ['status', 'deployment/web'],
    ['status', 'deployment/web', '-o', 'json'],
    ['canary', 'deployment/web', '--image', 'web=registry.example/web:2'],
    ['migrate-selector', 'deployment/web', '--add-label', 'track=stable'],
    ['restart', 'deployment/web'],
    ['undo', 'deployment/web'],
    ['pause', 'deployment/web'],
    ['resume', 'deployment/web'],
    ['set-image', 'deployment/web', 'web=registry.example/web:2'],
    ['serve', '--listen', '127.0.0.1:0', '--db', `sqlite:${join(dir, 'serve-ledger.db')}`],
  ];
  for (const args of commands)
    test(`rollscope ${args.join(' ')} → exit 5, API server unavailable, with the URL and a hint`, async () => {
      const r = await rollscope([...args, '--kubeconfig', stub.kubeconfig]);
      assert.equal(r.code, 5, `exit code; stderr: ${r.stderr}`);
      const url = stub.url.replace(/[.]/g, '\\.');
      assert.match(r.stderr, new RegExp(`^error: API server unavailable: ${url} is not a Kubernetes API server — GET ${url}/api answered HTTP 404 \\(the server could not find the requested resource; cannot get the API group list\\)$`, 'm'));
      assert.match(r.stderr, /^hint: check the server URL \(and any path after the host\) of kubeconfig context ctx404 \(.*kubeconfig-404\): it must point at the Kubernetes API server, not a proxy or web page; test it with: kubectl --context ctx404 version$/m);
      assert.doesNotMatch(r.stderr, /not found in|deployment web not found/, 'not mistaken for a missing Deployment');
    });
});

test('a 401 from the API server names the kubeconfig credentials, not a flag that does not exist', async () => {
  const stub = await serveStatus(401, JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 }), 'application/json');
  try {
    const r = await rollscope(['status', 'deployment/web', '--kubeconfig', stub.kubeconfig]);
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /^error: get deployments\.apps in namespace default failed: Unauthorized \(HTTP 401 Unauthorized\)$/m);
    assert.match(r.stderr, /^hint: the API server rejected the credentials of the kubeconfig user: renew its token, tokenFile, client certificate or exec-plugin login in the kubeconfig in use \(--kubeconfig, else \$KUBECONFIG, else ~\/\.kube\/config; another user: --context NAME\); check with the same kubeconfig: kubectl auth can-i list deployments$/m);
    assert.doesNotMatch(r.stderr, /--token/, 'rollscope has no token flag');
    const help = await rollscope(['status', '--help']);
    for (const flag of ['--kubeconfig', '--context']) assert.ok(help.stdout.includes(flag), `the hint's ${flag} is a real flag of status`);
  } finally {
    await close(stub.server);
  }
});
