// WatchListCompression (kube-apiserver 1.37, beta and on by default; kubernetes/kubernetes#139308,
// #139925): a streaming list — `sendInitialEvents=true`, or a watch from resourceVersion ""/"0" that
// the server turns into one — is gzipped for a client whose Accept-Encoding holds `gzip`, for the
// life of the stream, one gzip member per flush. Asserted on the raw bytes (node:http does not
// decompress), decoded by python3's zlib member by member — a decoder that is not ours and reports
// where each member ends — and compared with the same stream uncompressed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { request, type IncomingHttpHeaders } from 'node:http';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../core/clock.ts';
import { startApiServer, type ApiServer } from '../apiserver.ts';
import { createSimStorage, type SimStorage } from '../storage.ts';
import { isStreamingList } from './watch.ts';

let store: SimStorage;
let server: ApiServer;

before(async () => {
  store = createSimStorage(new ManualClock(Date.parse('2026-01-01T00:00:00Z')));
  store.create('namespaces', { metadata: { name: 'shop' } });
  for (let i = 0; i < 40; i++) {
    const labels = { app: `svc-${i}` };
    store.create('deployments.apps', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `svc-${i}`, namespace: 'shop', labels }, spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: `registry.local/svc-${i}:1` }] } } } });
  }
  server = await startApiServer({ store, clock: new ManualClock(Date.parse('2026-01-01T00:00:00Z')), bookmarkIntervalMs: 60_000 });
});
after(() => server.close());

const DEPLOYMENTS = '/apis/apps/v1/namespaces/shop/deployments';
const STREAMING = `${DEPLOYMENTS}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`;

/**
 * watchFor opens a watch with exactly these headers, runs `during` once the headers arrived, keeps
 * reading for `ms` more, then hangs up; returns the headers and the raw body.
 */
function watchFor(path: string, headers: Record<string, string>, ms: number, during: () => void = () => {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    const req = request(`${server.url}${path}`, { headers }, (res) => {
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('error', () => {});
      setTimeout(during, 50);
      setTimeout(() => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) });
        req.destroy();
      }, ms);
    });
    req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
    req.end();
  });
}

/** members decodes a multi-member gzip body with python3's zlib, one member at a time: each member's decompressed text. */
function members(body: Buffer): string[] {
  const script = [
    'import sys, zlib, json',
    'data = sys.stdin.buffer.read(); out = []',
    'while data:',
    '    d = zlib.decompressobj(wbits=31); out.append(d.decompress(data).decode()); assert d.eof, "truncated member"; data = d.unused_data',
    'print(json.dumps(out))',
  ].join('\n');
  return JSON.parse(execFileSync('python3', ['-c', script], { input: body }).toString()) as string[];
}

interface Line {
  readonly type: string;
  readonly object: { metadata: { name?: string; resourceVersion?: string; annotations?: Record<string, string> }; spec?: { replicas?: number } };
}
const lines = (text: string): Line[] => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Line);

test('isStreamingList: sendInitialEvents=true, or a watch from "" or "0" that names neither sendInitialEvents nor resourceVersionMatch', () => {
  const q = (s: string): URLSearchParams => new URLSearchParams(s);
  assert.equal(isStreamingList(q('watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan')), true);
  assert.equal(isStreamingList(q('watch=1')), true, 'no resourceVersion: SetListOptionsDefaults turns it into one');
  assert.equal(isStreamingList(q('watch=1&resourceVersion=0')), true);
  assert.equal(isStreamingList(q('watch=1&resourceVersion=42')), false, 'resuming from a resourceVersion');
  assert.equal(isStreamingList(q('watch=1&sendInitialEvents=false&resourceVersionMatch=NotOlderThan')), false);
});

test('a streaming list to a client accepting gzip is gzipped for its whole life, one member per flush: the initial burst, then each later change', async () => {
  server.accounting.reset();
  const plain = await watchFor(STREAMING, {}, 150);
  assert.equal(plain.headers['content-encoding'], undefined, 'no Accept-Encoding: plain');
  const r = await watchFor(STREAMING, { 'Accept-Encoding': 'gzip' }, 400, () => {
    // Two later changes, in separate turns of the event loop: two more flushes.
    const d = store.get('deployments.apps', 'shop', 'svc-3')!;
    store.update('deployments.apps', { ...d, spec: { ...(d.spec as object), replicas: 2 } });
    setTimeout(() => {
      const e = store.get('deployments.apps', 'shop', 'svc-4')!;
      store.update('deployments.apps', { ...e, spec: { ...(e.spec as object), replicas: 3 } });
    }, 100);
  });
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-encoding'], 'gzip');
  assert.equal(r.headers.vary, 'Accept-Encoding');
  assert.equal(r.body[0], 0x1f, 'the body starts with the gzip magic');
  const parts = members(r.body);
  assert.equal(parts.length, 3, `three members: the initial events with their end bookmark, then one per change (got ${parts.length})`);
  const initial = lines(parts[0]!);
  assert.equal(initial.filter((l) => l.type === 'ADDED').length, 40, 'the initial burst holds every Deployment');
  assert.equal(initial.at(-1)?.type, 'BOOKMARK');
  assert.equal(initial.at(-1)?.object.metadata.annotations?.['k8s.io/initial-events-end'], 'true', 'the first member ends with the initial-events-end bookmark');
  assert.deepEqual(lines(parts[1]!).map((l) => [l.type, l.object.metadata.name, l.object.spec?.replicas]), [['MODIFIED', 'svc-3', 2]]);
  assert.deepEqual(lines(parts[2]!).map((l) => [l.type, l.object.metadata.name, l.object.spec?.replicas]), [['MODIFIED', 'svc-4', 3]]);
  // The initial members decode to exactly what the uncompressed stream carried.
  assert.equal(parts[0], plain.body.toString(), 'the initial events are byte for byte those of the plain stream');
  // The accounting counts both: the wire bytes, and the frames before compression.
  const wire = server.accounting.bytes({ verb: 'watch' });
  const decoded = server.accounting.decodedBytes({ verb: 'watch' });
  assert.equal(wire, plain.body.length + r.body.length, 'wire bytes are what crossed the sockets');
  assert.equal(decoded, plain.body.length + parts.join('').length, 'decoded bytes are the frames before compression');
  assert.equal(server.accounting.gzip({ verb: 'watch' }), 1, 'one compressed watch');
});

test('a watch from resourceVersion "0" is a streaming list too: compressed, and ended by the initial-events-end bookmark', async () => {
  const r = await watchFor(`${DEPLOYMENTS}?watch=1&resourceVersion=0&allowWatchBookmarks=true`, { 'Accept-Encoding': 'deflate, gzip' }, 150);
  assert.equal(r.headers['content-encoding'], 'gzip');
  const initial = lines(members(r.body)[0]!);
  assert.equal(initial.at(-1)?.object.metadata.annotations?.['k8s.io/initial-events-end'], 'true');
});

test('protobuf streaming lists are compressed the same way: the gunzipped body is the plain body', async () => {
  const accept = { Accept: 'application/vnd.kubernetes.protobuf;stream=watch, application/json' };
  const plain = await watchFor(STREAMING, accept, 150);
  const gz = await watchFor(STREAMING, { ...accept, 'Accept-Encoding': 'gzip' }, 150);
  assert.equal(gz.headers['content-type'], 'application/vnd.kubernetes.protobuf;stream=watch');
  assert.equal(gz.headers['content-encoding'], 'gzip');
  const script = 'import sys, zlib\ndata = sys.stdin.buffer.read(); out = b""\nwhile data:\n    d = zlib.decompressobj(wbits=31); out += d.decompress(data); data = d.unused_data\nsys.stdout.buffer.write(out)';
  const decoded = execFileSync('python3', ['-c', script], { input: gz.body });
  assert.ok(decoded.equals(plain.body), 'the same protobuf frames, byte for byte');
  assert.ok(gz.body.length < plain.body.length / 2, `smaller on the wire (${gz.body.length} of ${plain.body.length} bytes)`);
});

test('Accept-Encoding must hold the bare token gzip, as for lists: gzip;q=0.5, GZIP and * get a plain stream', async () => {
  for (const value of ['gzip;q=0.5', 'GZIP', '*']) {
    const r = await watchFor(STREAMING, { 'Accept-Encoding': value }, 100);
    assert.equal(r.headers['content-encoding'], undefined, value);
    assert.equal(lines(r.body.toString()).at(-1)?.type, 'BOOKMARK', `${value}: plain JSON lines`);
  }
});
