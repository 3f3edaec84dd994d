// Response compression as kube-apiserver does it (APIResponseCompression; k8s.io/apiserver
// responsewriters/writers.go): a non-watch answer over 128 KiB is gzipped for a request whose
// Accept-Encoding holds the token `gzip`, never below the threshold, never for a watch that resumes
// from a resourceVersion (streaming lists under WatchListCompression: watch-gzip.test.ts). Asserted on
// the raw bytes (node:http, which does not decompress) and on the server's accounting.
import assert from 'node:assert/strict';
import { request, type IncomingHttpHeaders } from 'node:http';
import { after, before, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { ManualClock } from '../../core/clock.ts';
import { startApiServer, type ApiServer } from '../apiserver.ts';
import { createSimStorage, type SimStorage } from '../storage.ts';
import { acceptsGzip, GZIP_THRESHOLD_BYTES } from './respond.ts';

let store: SimStorage;
let server: ApiServer;

before(async () => {
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
  store = createSimStorage(clock);
  for (const name of ['big', 'small']) store.create('namespaces', { metadata: { name } });
  // 300 ConfigMaps of ~1 KiB each (with some repetition, as real objects have): ~330 KiB listed.
  for (let i = 0; i < 300; i++) {
    store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: 'big', labels: { app: `app-${i % 7}` } }, data: { 'config.yaml': `replicas: ${i}\n${'feature: on\n'.repeat(60)}seed: ${(i * 7919) % 10007}\n` } });
  }
  store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'one', namespace: 'small' }, data: { a: 'b' } });
  // 300 Deployments (ConfigMaps have no protobuf schema here; Deployments do).
  for (let i = 0; i < 300; i++) {
    const labels = { app: `svc-${i}` };
    const env = Array.from({ length: 12 }, (_, k) => ({ name: `SETTING_${k}`, value: `value-${(i * 31 + k) % 97}` }));
    store.create('deployments.apps', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `svc-${i}`, namespace: 'big', labels }, spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: `registry.local/svc-${i}:1`, env }] } } } });
  }
  server = await startApiServer({ store, clock, bookmarkIntervalMs: 60_000 });
});
after(() => server.close());

interface Raw {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The body as it came off the wire (still compressed, if it was). */
  readonly body: Buffer;
}

/** get sends a GET with exactly these headers (node:http adds no Accept-Encoding) and returns the raw answer. */
function get(path: string, headers: Record<string, string>): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const BIG = '/api/v1/namespaces/big/configmaps';

test('a LIST over 128 KiB is gzipped (level 1) for a client that asks, with Vary and the compressed Content-Length', async () => {
  server.accounting.reset();
  const plain = await get(BIG, { Accept: 'application/json' });
  const zipped = await get(BIG, { Accept: 'application/json', 'Accept-Encoding': 'gzip' });
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.ok(plain.body.length > GZIP_THRESHOLD_BYTES, `the fixture list is ${plain.body.length} B`);
  assert.equal(zipped.status, 200);
  assert.equal(zipped.headers['content-encoding'], 'gzip');
  assert.equal(zipped.headers.vary, 'Accept-Encoding');
  assert.equal(zipped.headers['content-length'], String(zipped.body.length));
  assert.ok(zipped.body.length < plain.body.length / 4, `${zipped.body.length} B compressed of ${plain.body.length}`);
  assert.deepEqual(gunzipSync(zipped.body), plain.body, 'the same list, compressed');
  assert.equal((JSON.parse(plain.body.toString()) as { items: unknown[] }).items.length, 300);
  // The accounting counts the wire bytes, and the decoded bytes apart.
  assert.equal(server.accounting.bytes({ verb: 'list', resource: 'configmaps' }), plain.body.length + zipped.body.length);
  assert.equal(server.accounting.decodedBytes({ verb: 'list', resource: 'configmaps' }), 2 * plain.body.length);
  assert.equal(server.accounting.gzip({ verb: 'list', resource: 'configmaps' }), 1);
});

test('a protobuf LIST over 128 KiB is gzipped too', async () => {
  const accept = 'application/vnd.kubernetes.protobuf, application/json';
  const path = '/apis/apps/v1/namespaces/big/deployments';
  const plain = await get(path, { Accept: accept });
  const zipped = await get(path, { Accept: accept, 'Accept-Encoding': 'gzip, deflate' });
  assert.equal(plain.headers['content-type'], 'application/vnd.kubernetes.protobuf');
  assert.ok(plain.body.length > GZIP_THRESHOLD_BYTES);
  assert.equal(zipped.headers['content-encoding'], 'gzip');
  assert.deepEqual(gunzipSync(zipped.body), plain.body);
});

test('Accept-Encoding is read as kube-apiserver reads it: the bare token gzip, nothing else', async () => {
  for (const [header, gzip] of [
    ['gzip', true],
    [' deflate , gzip ', true],
    ['gzip;q=0', false],
    ['gzip;q=0.5', false], // the real server does no q-values: only the bare token counts
    ['*', false], // nor wildcards
    ['deflate, br', false],
    ['identity', false],
  ] as const) {
    assert.equal(acceptsGzip(header), gzip, header);
    const r = await get(BIG, { 'Accept-Encoding': header });
    assert.equal(r.headers['content-encoding'], gzip ? 'gzip' : undefined, `Accept-Encoding: ${header}`);
  }
  assert.equal(acceptsGzip(undefined), false);
  assert.equal(acceptsGzip(['deflate', 'gzip']), true);
});

test('answers at or below 128 KiB are sent plain, even to a client that asks', async () => {
  const list = await get('/api/v1/namespaces/small/configmaps', { 'Accept-Encoding': 'gzip' });
  const one = await get(`${BIG}/cm-1`, { 'Accept-Encoding': 'gzip' });
  for (const r of [list, one]) {
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-encoding'], undefined);
    assert.equal(r.headers.vary, undefined);
    assert.ok(JSON.parse(r.body.toString()));
  }
});

/** firstLine opens a watch with these headers and returns its response headers and first line (JSON), then hangs up. */
function firstLine(srv: ApiServer, path: string, headers: Record<string, string>): Promise<{ headers: IncomingHttpHeaders; first: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${srv.url}${path}`, { headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => {
        text += c.toString();
        if (text.includes('\n') && !req.destroyed) {
          resolve({ headers: res.headers, first: text.slice(0, text.indexOf('\n')) });
          req.destroy();
        }
      });
      res.on('error', () => {});
    });
    req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
    req.end();
  });
}

test('a watch from a resourceVersion is never compressed, whatever the client accepts (streaming lists: watch-gzip.test.ts)', async () => {
  server.accounting.reset();
  const rv = store.currentResourceVersion();
  const r = await firstLine(server, `${BIG}?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true&timeoutSeconds=1`, { 'Accept-Encoding': 'gzip' });
  assert.equal(r.headers['content-encoding'], undefined);
  // Nothing changes: the watch's first line is the BOOKMARK sent before its timeout, plain JSON.
  assert.equal((JSON.parse(r.first) as { type: string }).type, 'BOOKMARK');
  assert.equal(server.accounting.gzip({ verb: 'watch' }), 0);
});

test('before WatchListCompression (every release before 1.37) no watch is compressed, not even a streaming list', async () => {
  const old = await startApiServer({ store, clock: new ManualClock(Date.parse('2026-01-01T00:00:00Z')), bookmarkIntervalMs: 60_000, featureGates: { WatchListCompression: false } });
  try {
    const r = await firstLine(old, `${BIG}?watch=true&timeoutSeconds=1`, { 'Accept-Encoding': 'gzip' });
    assert.equal(r.headers['content-encoding'], undefined);
    // The initial events (no resourceVersion: the whole collection as ADDED) arrive as plain JSON lines.
    assert.equal((JSON.parse(r.first) as { type: string }).type, 'ADDED');
    assert.equal(old.accounting.gzip({ verb: 'watch' }), 0);
  } finally {
    await old.close();
  }
});
