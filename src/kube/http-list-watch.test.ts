// HttpListerWatcher and KubeHttp against a tiny HTTP server started by the test (127.0.0.1, port 0).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { isTrackerError } from '../lib/errors.ts';
import { createKubeHttp, loadKubeConfig } from './client.ts';
import { kubeConfigFromYaml } from './kubeconfig.ts';
import { apiFailureOf } from './http-errors.ts';
import { HttpListerWatcher } from './http-list-watch.ts';
import type { WatchItem } from './list-watch.ts';
import { RESOURCES } from './resources.ts';
import { PROTOBUF_MEDIA_TYPE } from '../lib/kube-protobuf/schema.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;
let handler: Handler = (_req, res) => res.end();
const seen: { url: URL; headers: IncomingMessage['headers'] }[] = [];
let closedSockets = 0;
let server: Server;
let port = 0;

before(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push({ url, headers: req.headers });
    req.socket.once('close', () => closedSockets++);
    handler(req, res, url);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

function kubeConfig(p = port): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'sim', server: `http://127.0.0.1:${p}`, skipTLSVerify: true }],
    users: [{ name: 'ci', token: 'sekret-token' }],
    contexts: [{ name: 'sim', cluster: 'sim', user: 'ci' }],
    currentContext: 'sim',
  });
  return kc;
}

const lwFor = (namespace = 'shop', p = port): HttpListerWatcher =>
  new HttpListerWatcher(createKubeHttp(kubeConfigFromYaml(kubeConfig(p).exportConfig())), { path: `/apis/apps/v1/namespaces/${namespace}/deployments`, resource: 'deployments.apps', namespace });

async function collect(it: AsyncIterable<WatchItem>): Promise<WatchItem[]> {
  const out: WatchItem[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

test('list sends limit/continue and the bearer token; returns items, resourceVersion and continue', async () => {
  handler = (_req, res) => json(res, 200, { kind: 'DeploymentList', apiVersion: 'apps/v1', metadata: { resourceVersion: '77', continue: 'tok2' }, items: [{ metadata: { name: 'web' } }] });
  const page = await lwFor().list({ limit: 500, continue: 'tok1' }, AbortSignal.timeout(10_000));
  assert.deepEqual(page, { items: [{ metadata: { name: 'web' } }], resourceVersion: '77', continue: 'tok2' });
  const req = seen.at(-1)!;
  assert.equal(req.url.pathname, '/apis/apps/v1/namespaces/shop/deployments');
  assert.equal(req.url.searchParams.get('limit'), '500');
  assert.equal(req.url.searchParams.get('continue'), 'tok1');
  assert.equal(req.headers.authorization, 'Bearer sekret-token');
});

test('a list that is not a Kubernetes list is a MALFORMED_OBJECT error', async () => {
  handler = (_req, res) => json(res, 200, { hello: 'world' });
  await assert.rejects(lwFor().list({}, AbortSignal.timeout(10_000)), (e) => isTrackerError(e) && e.code === 'MALFORMED_OBJECT' && /list deployments.apps in shop/.test(e.message));
});

test('watch streams events split across arbitrary chunks, with bookmarks', async () => {
  const events = [
    { type: 'ADDED', object: { kind: 'Deployment', metadata: { name: 'web', resourceVersion: '78' }, note: 'é😀' } },
    { type: 'BOOKMARK', object: { kind: 'Deployment', apiVersion: 'apps/v1', metadata: { resourceVersion: '90' } } },
    { type: 'DELETED', object: { kind: 'Deployment', metadata: { name: 'web', resourceVersion: '91' } } },
  ];
  handler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const bytes = Buffer.from(events.map((e) => `${JSON.stringify(e)}\n`).join(''));
    let i = 0;
    const step = (): void => {
      if (i >= bytes.length) return void res.end();
      res.write(bytes.subarray(i, i + 13)); // 13-byte chunks cut through lines and characters
      i += 13;
      setImmediate(step);
    };
    step();
  };
  const items = await collect(lwFor().watch({ resourceVersion: '77', timeoutSeconds: 321, allowWatchBookmarks: true }, AbortSignal.timeout(10_000)));
  assert.deepEqual(items, [
    { type: 'ADDED', object: events[0]!.object },
    { type: 'BOOKMARK', resourceVersion: '90' },
    { type: 'DELETED', object: events[2]!.object },
  ]);
  const q = seen.at(-1)!.url.searchParams;
  assert.deepEqual([q.get('watch'), q.get('resourceVersion'), q.get('allowWatchBookmarks'), q.get('timeoutSeconds')], ['true', '77', 'true', '321']);
});

test('an ERROR event with the pinned 410 Expired Status throws KUBE_WATCH_EXPIRED', async () => {
  handler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 12345 (12400)', reason: 'Expired', code: 410 } })}\n`);
  };
  await assert.rejects(
    collect(lwFor().watch({ resourceVersion: '12345', timeoutSeconds: 300, allowWatchBookmarks: true }, AbortSignal.timeout(10_000))),
    (e) => isTrackerError(e) && e.code === 'KUBE_WATCH_EXPIRED' && /too old resource version: 12345 \(12400\)/.test(e.message),
  );
});

test('a line that is not JSON ends the watch with MALFORMED_OBJECT (the reflector re-watches from its cursor)', async () => {
  handler = (_req, res) => {
    res.writeHead(200);
    res.end('{"type":"ADDED","object":{}}\nnot json\n');
  };
  await assert.rejects(collect(lwFor().watch({ resourceVersion: '1', timeoutSeconds: 300, allowWatchBookmarks: true }, AbortSignal.timeout(10_000))), (e) => isTrackerError(e) && e.code === 'MALFORMED_OBJECT');
});

test('breaking out of a watch closes its connection', async () => {
  handler = (_req, res) => {
    res.writeHead(200);
    res.write(`${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a' } } })}\n`); // and never ends on its own
  };
  const before = closedSockets;
  for await (const item of lwFor().watch({ resourceVersion: '1', timeoutSeconds: 300, allowWatchBookmarks: true }, AbortSignal.timeout(10_000))) {
    assert.equal(item.type, 'ADDED');
    break;
  }
  for (let i = 0; i < 1000 && closedSockets === before; i++) await new Promise((r) => setImmediate(r));
  assert.equal(closedSockets, before + 1, 'the server saw the socket close');
});

test('aborting the signal ends a watch quietly', async () => {
  handler = (_req, res) => {
    res.writeHead(200);
    res.write('');
  };
  const ac = new AbortController();
  const items = collect(lwFor().watch({ resourceVersion: '1', timeoutSeconds: 300, allowWatchBookmarks: true }, ac.signal));
  setTimeout(() => ac.abort(), 20);
  assert.deepEqual(await items, []);
});

const failures: readonly { name: string; status: number; body: string; headers?: Record<string, string>; code: string; check?: (e: unknown) => boolean }[] = [
  { name: '401', status: 401, body: '{"kind":"Status","code":401,"reason":"Unauthorized","message":"Unauthorized"}', code: 'KUBE_UNAUTHORIZED' },
  { name: '403 with the RBAC hint', status: 403, body: '{"kind":"Status","code":403,"reason":"Forbidden","message":"forbidden"}', code: 'KUBE_FORBIDDEN', check: (e) => isTrackerError(e) && /grant verb "watch" on resource "deployments" in apiGroup "apps"/.test(e.details.hint ?? '') },
  { name: '410 before the stream', status: 410, body: '{"kind":"Status","code":410,"reason":"Expired","message":"too old"}', code: 'KUBE_WATCH_EXPIRED' },
  { name: '429 with Retry-After', status: 429, body: 'Too many requests, please try again later.', headers: { 'retry-after': '2' }, code: 'KUBE_UNAVAILABLE', check: (e) => apiFailureOf(e)?.retryAfterMs === 2000 },
  { name: '503', status: 503, body: '', code: 'KUBE_UNAVAILABLE' },
];
for (const row of failures) {
  test(`watch fails with HTTP ${row.name} → ${row.code}`, async () => {
    handler = (_req, res) => {
      res.writeHead(row.status, row.headers ?? {});
      res.end(row.body);
    };
    await assert.rejects(collect(lwFor().watch({ resourceVersion: '1', timeoutSeconds: 300, allowWatchBookmarks: true }, AbortSignal.timeout(10_000))), (e) => isTrackerError(e) && e.code === row.code && (row.check?.(e) ?? true));
  });
}

test('connection refused → KUBE_UNAVAILABLE naming the server', async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const deadPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  await assert.rejects(lwFor('shop', deadPort).list({}, AbortSignal.timeout(10_000)), (e) => isTrackerError(e) && e.code === 'KUBE_UNAVAILABLE' && e.message.includes(`127.0.0.1:${deadPort}`));
});

test('loadKubeConfig: an unknown context is a CONFIG_INVALID error listing the known ones', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rollscope-kc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'config');
  writeFileSync(file, kubeConfig().exportConfig());
  assert.equal(loadKubeConfig({ kubeconfig: file, context: 'sim' }).contextName, 'sim');
  assert.throws(() => loadKubeConfig({ kubeconfig: file, context: 'prod' }), (e) => isTrackerError(e) && e.code === 'CONFIG_INVALID' && /choose one of: sim/.test(e.details.hint ?? ''));
  assert.throws(() => loadKubeConfig({ kubeconfig: join(dir, 'missing') }), (e) => isTrackerError(e) && e.code === 'CONFIG_INVALID');
});

test('a silent watch is closed once the server timeout plus the grace period has passed (half-open connection)', { timeout: 10_000 }, async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  handler = (_req, res) => {
    res.writeHead(200);
    res.write(''); // headers only, then silence
  };
  const items = collect(lwFor().watch({ resourceVersion: '1', timeoutSeconds: 1, allowWatchBookmarks: true }, new AbortController().signal));
  for (let i = 0; i < 1000 && seen.at(-1)?.url.searchParams.get('timeoutSeconds') !== '1'; i++) await new Promise((r) => setImmediate(r));
  for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r)); // let the response headers arrive
  t.mock.timers.tick(1000 + 30_000);
  assert.deepEqual(await items, []);
});

test('a list body that is not JSON is MALFORMED_OBJECT; one cut off mid-way is KUBE_UNAVAILABLE', async () => {
  handler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('<html>proxy error</html>');
  };
  await assert.rejects(lwFor().list({}, AbortSignal.timeout(10_000)), (e) => isTrackerError(e) && e.code === 'MALFORMED_OBJECT' && /is not JSON/.test(e.message));
  handler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100000' });
    res.write('{"items":[');
    setImmediate(() => res.destroy());
  };
  await assert.rejects(lwFor().list({}, AbortSignal.timeout(10_000)), (e) => isTrackerError(e) && e.code === 'KUBE_UNAVAILABLE' && /connection broke/.test(e.message));
});

test('a protobuf list body cut off mid-way is KUBE_UNAVAILABLE (read from the node stream)', async () => {
  handler = (_req, res) => {
    res.writeHead(200, { 'content-type': PROTOBUF_MEDIA_TYPE, 'content-length': '100000' });
    res.write(Buffer.from([0x6b, 0x38, 0x73, 0x00]));
    setImmediate(() => res.destroy());
  };
  const lw = new HttpListerWatcher(createKubeHttp(kubeConfigFromYaml(kubeConfig().exportConfig())), { path: '/apis/apps/v1/namespaces/shop/deployments', resource: 'deployments.apps', namespace: 'shop', protobuf: RESOURCES.Deployment.protobuf });
  await assert.rejects(lw.list({}, AbortSignal.timeout(10_000)), (e) => isTrackerError(e) && e.code === 'KUBE_UNAVAILABLE' && /connection broke/.test(e.message));
});
