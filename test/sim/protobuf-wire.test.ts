// The simulator's protobuf answers (GET, LIST, WATCH with `;stream=watch`) decoded by an
// independent general-purpose decoder — protobufjs with the schema in fixtures/kube-wire.proto,
// written from the official generated.proto field numbers — must carry exactly the objects its
// JSON answers carry. Content negotiation falls back to JSON for kinds without a protobuf schema.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import protobuf from 'protobufjs';
import { ManualClock, startSim, type Sim } from '../../src/sim/index.ts';
import { eventually, startCluster } from './kubectl-support.ts';

const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const root = new protobuf.Root();
for (const block of readFileSync(new URL('./fixtures/kube-wire.proto', import.meta.url), 'utf8').split(/^(?=package )/m))
  if (block.startsWith('package ')) protobuf.parse(block, root, { keepCase: true });
root.resolveAll();
const type = (name: string): protobuf.Type => root.lookupType(name);

// JSON forms of apimachinery's custom-marshalled types and Go's `json:",inline"` embeddings.
const INLINE = new Set(['volumeSource', 'handler', 'ephemeralContainerCommon', 'localObjectReference']);
type Json = Record<string, unknown>;

function rfc3339(seconds: number, micros?: number): string {
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  return micros === undefined ? `${base}Z` : `${base}.${String(micros).padStart(6, '0')}Z`;
}

/** toJson turns a protobufjs-decoded message into the JSON form of the same Kubernetes object. */
function toJson(t: protobuf.Type, m: Json): unknown {
  switch (t.fullName) {
    case '.meta.Time':
      return rfc3339(Number(m['seconds'] ?? 0));
    case '.meta.MicroTime':
      return rfc3339(Number(m['seconds'] ?? 0), Math.floor(Number(m['nanos'] ?? 0) / 1000));
    case '.intstr.IntOrString':
      return Number(m['type'] ?? 0) === 1 ? m['strVal'] : m['intVal'];
    case '.resource.Quantity':
      return m['string'];
    case '.runtime.RawExtension':
    case '.meta.FieldsV1':
      return JSON.parse(Buffer.from((m['raw'] ?? m['Raw']) as Uint8Array).toString('utf8'));
    default:
  }
  const out: Json = {};
  for (const field of t.fieldsArray) {
    const v = m[field.name];
    if (v === undefined) continue;
    const conv = (x: unknown): unknown => (field.resolvedType instanceof protobuf.Type ? toJson(field.resolvedType, x as Json) : field.type === 'bytes' ? Buffer.from(x as Uint8Array).toString('base64') : typeof x === 'object' && x !== null && 'low' in x ? Number(x) : x);
    if (field.map) out[field.name] = Object.fromEntries(Object.entries(v as Json).map(([k, x]) => [k, conv(x)]));
    else if (field.repeated) out[field.name] = (v as unknown[]).map(conv);
    else if (INLINE.has(field.name)) Object.assign(out, conv(v));
    else out[field.name] = conv(v);
  }
  return out;
}

/** tidy drops empty arrays, empty maps and nulls (absent on the protobuf wire) so both sides compare. */
function tidy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(tidy);
  if (typeof v !== 'object' || v === null) return v;
  const out: Json = {};
  for (const [k, x] of Object.entries(v)) {
    const t = tidy(x);
    if (t === null || t === undefined || (Array.isArray(t) && t.length === 0)) continue;
    if (typeof t === 'object' && !Array.isArray(t) && Object.keys(t).length === 0 && k !== 'spec' && k !== 'status' && k !== 'metadata') continue;
    out[k] = t;
  }
  return out;
}

const decode = (name: string, bytes: Uint8Array): Json => type(name).toObject(type(name).decode(bytes), { longs: Number, defaults: false, arrays: false, objects: false });

/** unwrap checks the `k8s\0` magic and the runtime.Unknown envelope; returns its typeMeta and raw message. */
function unwrap(body: Uint8Array): { apiVersion: string; kind: string; raw: Uint8Array; unknown: Json } {
  assert.deepEqual([...body.subarray(0, 4)], [0x6b, 0x38, 0x73, 0x00], 'body starts with k8s\\0');
  const unknown = decode('runtime.Unknown', body.subarray(4));
  const tm = (unknown['typeMeta'] ?? {}) as Json;
  return { apiVersion: String(tm['apiVersion']), kind: String(tm['kind']), raw: unknown['raw'] as Uint8Array, unknown };
}


const COLLECTIONS = [
  ['/apis/apps/v1/deployments', 'apps/v1', 'Deployment', 'apps.Deployment'],
  ['/apis/apps/v1/replicasets', 'apps/v1', 'ReplicaSet', 'apps.ReplicaSet'],
  ['/apis/apps/v1/statefulsets', 'apps/v1', 'StatefulSet', 'apps.StatefulSet'],
  ['/apis/apps/v1/daemonsets', 'apps/v1', 'DaemonSet', 'apps.DaemonSet'],
  ['/apis/apps/v1/controllerrevisions', 'apps/v1', 'ControllerRevision', 'apps.ControllerRevision'],
  ['/api/v1/pods', 'v1', 'Pod', 'core.Pod'],
  ['/api/v1/events', 'v1', 'Event', 'core.Event'],
  ['/apis/events.k8s.io/v1/events', 'events.k8s.io/v1', 'Event', 'events.Event'],
  ['/api/v1/namespaces', 'v1', 'Namespace', 'core.Namespace'],
  ['/api/v1/nodes', 'v1', 'Node', 'core.Node'],
] as const;

const template = (app: string, image: string): Json => ({
  metadata: { labels: { app } },
  spec: {
    containers: [{
      name: app, image, ports: [{ containerPort: 8080 }], env: [{ name: 'MODE', value: 'prod' }],
      resources: { requests: { cpu: '100m', memory: '64Mi' } }, readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
    }],
    volumes: [{ name: 'cache', emptyDir: {} }],
  },
});

async function populated(): Promise<Sim> {
  const clock = new ManualClock();
  const sim = await startSim({ clock });
  const { store } = sim;
  store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'a' } } });
  store.create('deployments.apps', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop', annotations: { note: 'ünïcode ✓' } }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: template('web', 'nginx:1.27') } });
  store.create('deployments.apps', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'bad', namespace: 'shop' }, spec: { replicas: 0, selector: { matchLabels: { app: 'bad' } }, template: template('bad', 'nosuch/image:missing') } });
  store.create('statefulsets.apps', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'shop' }, spec: { replicas: 1, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: template('db', 'postgres:16') } });
  store.create('daemonsets.apps', { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: template('agent', 'agent:1') } });
  // Wait until the controllers, scheduler and kubelet have produced pods, revisions and events.
  // The clock stands still between steps, so the JSON and protobuf answers read the same state.
  for (let i = 0; i < 120; i++) {
    clock.advance(500);
    await new Promise((r) => setImmediate(r));
  }
  assert.ok(store.list('pods', { namespace: 'shop' }).length >= 4 && store.list('events', { namespace: 'shop' }).length >= 5, 'the cluster produced pods and events');
  return sim;
}

async function getBytes(url: string, accept: string): Promise<{ contentType: string; body: Uint8Array }> {
  const res = await fetch(url, { headers: { accept } });
  assert.equal(res.status, 200, url);
  return { contentType: res.headers.get('content-type') ?? '', body: new Uint8Array(await res.arrayBuffer()) };
}

/** readFrames reads `count` length-delimited frames of a protobuf watch (4-byte big-endian length each). */
async function readFrames(url: string, count: number): Promise<{ contentType: string; frames: Uint8Array[] }> {
  const ac = new AbortController();
  const res = await fetch(url, { headers: { accept: `${PROTOBUF}, application/json` }, signal: ac.signal });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  let buf = new Uint8Array(0);
  const frames: Uint8Array[] = [];
  while (frames.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    const next = new Uint8Array(buf.length + value.length);
    next.set(buf);
    next.set(value, buf.length);
    buf = next;
    while (buf.length >= 4) {
      const len = new DataView(buf.buffer, buf.byteOffset).getUint32(0);
      if (buf.length < 4 + len) break;
      frames.push(buf.slice(4, 4 + len));
      buf = buf.subarray(4 + len);
    }
  }
  ac.abort();
  return { contentType: res.headers.get('content-type') ?? '', frames };
}

test('the simulator speaks Kubernetes protobuf: lists, gets and watch frames decode to the JSON objects', async (t) => {
  const sim = await populated();
  t.after(() => sim.stop());

  await t.test('LIST of every served built-in kind', async () => {
    for (const [path, apiVersion, kind, message] of COLLECTIONS) {
      const pb = await getBytes(`${sim.url}${path}`, `${PROTOBUF}, application/json`);
      assert.equal(pb.contentType, PROTOBUF, path);
      const env = unwrap(pb.body);
      assert.deepEqual([env.apiVersion, env.kind], [apiVersion, `${kind}List`], path);
      assert.equal(env.unknown['contentEncoding'] ?? '', '');
      assert.equal(env.unknown['contentType'] ?? '', '');
      const list = toJson(type(`${message}List`), decode(`${message}List`, env.raw)) as { metadata: Json; items?: Json[] };
      const json = (await (await fetch(`${sim.url}${path}`, { headers: { accept: 'application/json' } })).json()) as { metadata: Json; items: Json[] };
      assert.ok(json.items.length > 0, `${path} has objects to compare`);
      assert.deepEqual(tidy(list.metadata), tidy(json.metadata), path);
      assert.deepEqual(tidy(list.items ?? []), tidy(json.items), path);
    }
  });

  await t.test('GET of one object, typeMeta in the envelope', async () => {
    const node = sim.store.list('nodes')[0]?.metadata.name ?? '';
    const paths = [['/apis/apps/v1/namespaces/shop/deployments/web', 'apps.Deployment'], [`/api/v1/nodes/${node}`, 'core.Node'], ['/api/v1/namespaces/shop', 'core.Namespace']] as const;
    for (const [path, name] of paths) {
      const json = (await (await fetch(`${sim.url}${path}`)).json()) as Json;
      const pb = await getBytes(`${sim.url}${path}`, `${PROTOBUF}, */*`);
      const env = unwrap(pb.body);
      assert.deepEqual([env.apiVersion, env.kind], [json['apiVersion'], json['kind']]);
      const { apiVersion: _a, kind: _k, ...rest } = json;
      assert.deepEqual(tidy(toJson(type(name), decode(name, env.raw))), tidy(rest), path);
    }
  });

  await t.test('WATCH streams length-delimited WatchEvent frames with raw k8s\\0 objects', async () => {
    const pods = sim.store.list('pods');
    const { contentType, frames } = await readFrames(`${sim.url}/api/v1/pods?watch=1&resourceVersion=0&sendInitialEvents=true&allowWatchBookmarks=true`, pods.length + 1);
    assert.equal(contentType, `${PROTOBUF};stream=watch`);
    assert.equal(frames.length, pods.length + 1);
    const byName = new Map(pods.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p]));
    for (const frame of frames.slice(0, -1)) {
      const ev = decode('meta.WatchEvent', frame);
      assert.equal(ev['type'], 'ADDED');
      const env = unwrap(((ev['object'] as Json)['raw']) as Uint8Array);
      assert.deepEqual([env.apiVersion, env.kind], ['v1', 'Pod']);
      const pod = toJson(type('core.Pod'), decode('core.Pod', env.raw)) as { metadata: { namespace: string; name: string } };
      const { apiVersion: _a, kind: _k, ...want } = JSON.parse(JSON.stringify(byName.get(`${pod.metadata.namespace}/${pod.metadata.name}`))) as Json;
      assert.deepEqual(tidy(pod), tidy(want));
    }
    const last = decode('meta.WatchEvent', frames.at(-1) ?? new Uint8Array());
    assert.equal(last['type'], 'BOOKMARK');
    const bm = toJson(type('core.Pod'), decode('core.Pod', unwrap(((last['object'] as Json)['raw']) as Uint8Array).raw)) as { metadata: Json };
    assert.deepEqual(bm.metadata['annotations'], { 'k8s.io/initial-events-end': 'true' });
    assert.equal(bm.metadata['resourceVersion'], sim.store.currentResourceVersion());
  });

  await t.test('a MODIFIED Deployment arrives as a frame equal to its JSON', async () => {
    const rv = sim.store.currentResourceVersion();
    const watching = readFrames(`${sim.url}/apis/apps/v1/namespaces/shop/deployments?watch=1&resourceVersion=${rv}`, 1);
    await new Promise((r) => setTimeout(r, 100));
    const current = sim.store.get('deployments.apps', 'shop', 'web');
    assert.ok(current);
    sim.store.update('deployments.apps', { ...current, metadata: { ...current.metadata, labels: { tier: 'front' } } });
    const { frames } = await watching;
    const ev = decode('meta.WatchEvent', frames[0] ?? new Uint8Array());
    assert.equal(ev['type'], 'MODIFIED');
    const got = toJson(type('apps.Deployment'), decode('apps.Deployment', unwrap(((ev['object'] as Json)['raw']) as Uint8Array).raw));
    const { apiVersion: _a, kind: _k, ...want } = JSON.parse(JSON.stringify(sim.store.get('deployments.apps', 'shop', 'web'))) as Json;
    assert.deepEqual(tidy(got), tidy(want));
  });

  await t.test('an expired resume ends with an ERROR frame holding a meta/v1 Status', async () => {
    sim.faults.expireNextWatch('pods');
    const { frames } = await readFrames(`${sim.url}/api/v1/pods?watch=1&resourceVersion=1`, 1);
    const ev = decode('meta.WatchEvent', frames[0] ?? new Uint8Array());
    assert.equal(ev['type'], 'ERROR');
    const env = unwrap(((ev['object'] as Json)['raw']) as Uint8Array);
    assert.deepEqual([env.apiVersion, env.kind], ['v1', 'Status']);
    const status = toJson(type('meta.Status'), decode('meta.Status', env.raw)) as Json;
    assert.equal(status['code'], 410);
    assert.equal(status['reason'], 'Expired');
  });

  await t.test('negotiation: JSON when preferred, for Tables, and for kinds without a protobuf schema', async () => {
    const preferJson = await getBytes(`${sim.url}/api/v1/pods`, `application/json, ${PROTOBUF}`);
    assert.equal(preferJson.contentType, 'application/json');
    const weighted = await getBytes(`${sim.url}/api/v1/pods`, `application/json;q=0.5, ${PROTOBUF};q=0.9`);
    assert.equal(weighted.contentType, PROTOBUF);
    const crd = await getBytes(`${sim.url}/apis/monitoring.coreos.com/v1/servicemonitors`, `${PROTOBUF}, application/json`);
    assert.equal(crd.contentType, 'application/json');
    const configMaps = await getBytes(`${sim.url}/api/v1/configmaps`, `${PROTOBUF}, */*`);
    assert.equal(configMaps.contentType, 'application/json');
    const table = await getBytes(`${sim.url}/api/v1/pods`, 'application/json;as=Table;v=v1;g=meta.k8s.io, application/json');
    assert.equal(table.contentType, 'application/json');
    assert.equal((JSON.parse(Buffer.from(table.body).toString('utf8')) as Json)['kind'], 'Table');
  });

  await t.test('protobuf is smaller than JSON for the same list', async () => {
    const pb = await getBytes(`${sim.url}/api/v1/pods`, PROTOBUF);
    const json = await getBytes(`${sim.url}/api/v1/pods`, 'application/json');
    assert.ok(pb.body.length < json.body.length, `${pb.body.length} < ${json.body.length}`);
  });
});

test('kubectl 1.32 and the simulator agree on the protobuf wire', async (t) => {
  const c = await startCluster(t);
  if (!c) return;
  t.after(() => c.stop());
  // A recording proxy between kubectl and the simulator keeps every protobuf request body.
  const bodies: Buffer[] = [];
  const proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (b: Buffer) => chunks.push(b));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if ((req.headers['content-type'] ?? '').startsWith(PROTOBUF)) bodies.push(body);
      const up = httpRequest(`${c.sim.url}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.end(body);
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  t.after(() => proxy.close());
  const port = (proxy.address() as AddressInfo).port;
  const viaProxy = ['--server', `http://127.0.0.1:${port}`];

  await t.test('what kubectl create sends decodes with our schema to the object the simulator stored', async () => {
    await c.kubectlOk([...viaProxy, 'create', 'deployment', 'api', '--image=registry.example/api:2.1', '--replicas=3', '--port=8080']);
    const body = bodies.at(-1);
    assert.ok(body, 'kubectl sent a protobuf body');
    const env = unwrap(body);
    assert.deepEqual([env.apiVersion, env.kind], ['apps/v1', 'Deployment']);
    // Go's marshaller writes the empty contentEncoding and contentType fields; so do we (checked above).
    assert.deepEqual([...body.subarray(-4)], [0x1a, 0x00, 0x22, 0x00]);
    const sent = toJson(type('apps.Deployment'), decode('apps.Deployment', env.raw)) as { metadata: Json; spec: Json };
    const stored = c.sim.store.get('deployments.apps', 'default', 'api');
    assert.ok(stored);
    assert.equal(sent.metadata['name'], 'api');
    assert.deepEqual(sent.spec['replicas'], 3);
    assert.deepEqual(sent.spec['selector'], (stored['spec'] as Json)['selector']);
    const container = ((sent.spec['template'] as { spec: { containers: Json[] } }).spec.containers)[0];
    assert.deepEqual([container?.['name'], container?.['image'], (container?.['ports'] as Json[] | undefined)?.[0]?.['containerPort']], ['api', 'registry.example/api:2.1', 8080]);
  });

  await t.test('kubectl describe reads Pods and Events from protobuf answers', async () => {
    const pod = await eventually('a running api pod', () => c.sim.store.list('pods', { namespace: 'default' }).find((p) => (p['status'] as Json | undefined)?.['phase'] === 'Running'), 20_000);
    const { code, stdout: out, stderr } = await c.kubectl(['describe', 'pod', String(pod.metadata.name), '-v=8']);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /Content-Type: application\/vnd\.kubernetes\.protobuf/, 'the simulator answered kubectl in protobuf');
    assert.match(out, new RegExp(`Node:\\s+${String((pod['spec'] as Json)['nodeName'])}/`));
    assert.match(out, /Image:\s+registry\.example\/api:2\.1/);
    assert.match(out, /Status:\s+Running/);
    assert.match(out, /Normal\s+Scheduled/);
  });
});
