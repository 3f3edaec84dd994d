// The simulator's protobuf answers (GET, LIST, WATCH with `;stream=watch`) decoded by an
// independent general-purpose decoder — protobufjs with the schema in fixtures/kube-wire.proto,
// written from the official generated.proto field numbers — must carry exactly the objects its
// JSON answers carry. Content negotiation falls back to JSON for kinds without a protobuf schema.
import assert from 'node:assert/strict';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { decode, getBytes, populated, PROTOBUF, readFrames, tidy, toJson, type, unwrap, COLLECTIONS, type Json } from './fixtures/kube-wire.ts';
import { eventually, startCluster } from './kubectl-support.ts';

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
