// KEP-5958 (kubernetes/enhancements#5958): a client puts `drop=metadata.managedFields` on its
// Accept media ranges and a kube-apiserver with the ManagedFieldsOptOut gate leaves
// metadata.managedFields out of every object it answers with — GET, LIST and WATCH, JSON and
// protobuf. A server without the gate ignores the parameter (an unrecognised media-type
// parameter: k8s.io/apiserver negotiation acceptMediaTypeOptions), so the same request gets the
// full object, still in protobuf. Protobuf answers are decoded here by protobufjs with our schema
// (fixtures/kube-wire.ts), not by rollscope's reader.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Sim } from '../../src/sim/index.ts';
import { decode, getBytes, populated, PROTOBUF, readFrames, tidy, toJson, type, unwrap, type Json } from './fixtures/kube-wire.ts';
import { startCluster } from './kubectl-support.ts';

const DROP = 'drop=metadata.managedFields';
const COLLECTIONS = [
  ['/api/v1/pods', 'core.Pod', 'pods'],
  ['/apis/apps/v1/replicasets', 'apps.ReplicaSet', 'replicasets.apps'],
  ['/apis/apps/v1/deployments', 'apps.Deployment', 'deployments.apps'],
  ['/api/v1/events', 'core.Event', 'events'],
] as const;

type Obj = { metadata: Json } & Json;
const withoutManagedFields = (o: Obj): Obj => {
  const { managedFields: _m, ...metadata } = o.metadata;
  return { ...o, metadata };
};
const stored = (sim: Sim, resource: string): Obj[] => JSON.parse(JSON.stringify(sim.store.list(resource))) as Obj[];
const jsonList = async (sim: Sim, path: string, accept: string): Promise<{ items: Obj[]; bytes: number }> => {
  const { contentType, body } = await getBytes(`${sim.url}${path}`, accept);
  assert.equal(contentType, 'application/json', `${path} as ${accept}`);
  return { items: (JSON.parse(Buffer.from(body).toString('utf8')) as { items: Obj[] }).items, bytes: body.length };
};
const protobufList = async (sim: Sim, path: string, message: string, accept: string): Promise<{ items: Obj[]; bytes: number }> => {
  const { contentType, body } = await getBytes(`${sim.url}${path}`, accept);
  assert.equal(contentType, PROTOBUF, `${path} as ${accept}`);
  const list = toJson(type(`${message}List`), decode(`${message}List`, unwrap(body).raw)) as { items?: Obj[] };
  return { items: list.items ?? [], bytes: body.length };
};
const withKind = (o: Obj, items: readonly Obj[]): Obj => ({ apiVersion: items[0]?.['apiVersion'], kind: items[0]?.['kind'], ...o });

test('a server with ManagedFieldsOptOut leaves managedFields out where the client drops them, and only there', async (t) => {
  const sim = await populated({ featureGates: { ManagedFieldsOptOut: true } });
  t.after(() => sim.stop());

  await t.test('LIST as JSON and as protobuf: the stored objects without managedFields, fewer bytes', async () => {
    for (const [path, message, resource] of COLLECTIONS) {
      const want = stored(sim, resource);
      assert.ok(want.some((o) => Array.isArray(o.metadata['managedFields'])), `${resource}: the stored objects carry managedFields`);
      const full = await jsonList(sim, path, 'application/json');
      assert.deepEqual(full.items.map((o) => withKind(o, want)), want, `${resource}: without the parameter, the full objects`);
      const dropped = await jsonList(sim, path, `application/json;${DROP}`);
      assert.deepEqual(dropped.items.map((o) => withKind(o, want)), want.map(withoutManagedFields), `${resource}: JSON without managedFields`);
      assert.ok(dropped.bytes < full.bytes, `${resource}: ${dropped.bytes} < ${full.bytes} bytes`);
      const pb = await protobufList(sim, path, message, `${PROTOBUF};${DROP}, application/json;${DROP}`);
      assert.ok(pb.items.every((o) => o.metadata['managedFields'] === undefined), `${resource}: protobuf without managedFields`);
      assert.deepEqual(tidy(pb.items), tidy(dropped.items), `${resource}: the protobuf list decodes to the JSON list`);
      const pbFull = await protobufList(sim, path, message, PROTOBUF);
      assert.ok(pb.bytes < pbFull.bytes, `${resource}: protobuf ${pb.bytes} < ${pbFull.bytes} bytes`);
    }
  });

  await t.test('the parameter counts on the media range the server picks; other drop targets are ignored', async () => {
    const pods = stored(sim, 'pods');
    // Protobuf preferred and dropping; the JSON fallback does not drop: protobuf is picked, so dropped.
    const picked = await protobufList(sim, '/api/v1/pods', 'core.Pod', `${PROTOBUF};${DROP}, application/json`);
    assert.ok(picked.items.every((o) => o.metadata['managedFields'] === undefined));
    // JSON preferred without the parameter: full objects, whatever a less preferred range asks.
    const json = await jsonList(sim, '/api/v1/pods', `application/json, ${PROTOBUF};${DROP}`);
    assert.ok(json.items.every((o) => Array.isArray(o.metadata['managedFields'])));
    // Several targets joined by `+`, unknown ones ignored (forward compatibility).
    const several = await jsonList(sim, '/api/v1/pods', 'application/json;drop=metadata.annotations+metadata.managedFields');
    assert.ok(several.items.every((o) => o.metadata['managedFields'] === undefined));
    assert.equal(several.items.length, pods.length);
    const unknown = await jsonList(sim, '/api/v1/pods', 'application/json;drop=metadata.annotations');
    assert.ok(unknown.items.every((o) => Array.isArray(o.metadata['managedFields'])), 'an unknown target alone drops nothing');
  });

  await t.test('GET of one object', async () => {
    const pod = stored(sim, 'pods')[0];
    assert.ok(pod);
    const path = `/api/v1/namespaces/${String(pod.metadata['namespace'])}/pods/${String(pod.metadata['name'])}`;
    const json = JSON.parse(Buffer.from((await getBytes(`${sim.url}${path}`, `application/json;${DROP}`)).body).toString('utf8')) as Obj;
    assert.deepEqual(json, withoutManagedFields(pod));
    const pb = await getBytes(`${sim.url}${path}`, `${PROTOBUF};${DROP}`);
    const { apiVersion: _a, kind: _k, ...rest } = withoutManagedFields(pod);
    assert.deepEqual(tidy(toJson(type('core.Pod'), decode('core.Pod', unwrap(pb.body).raw))), tidy(rest));
  });

  await t.test('WATCH: initial events and later changes come without managedFields', async () => {
    const pods = stored(sim, 'pods');
    const { contentType, frames } = await readFrames(`${sim.url}/api/v1/pods?watch=1&resourceVersion=0`, pods.length, `${PROTOBUF};${DROP}`);
    assert.equal(contentType, `${PROTOBUF};stream=watch`);
    assert.equal(frames.length, pods.length);
    const byName = new Map(pods.map((p) => [`${String(p.metadata['namespace'])}/${String(p.metadata['name'])}`, p]));
    for (const frame of frames) {
      const ev = decode('meta.WatchEvent', frame);
      const got = toJson(type('core.Pod'), decode('core.Pod', unwrap((ev['object'] as Json)['raw'] as Uint8Array).raw)) as Obj;
      const want = byName.get(`${String(got.metadata['namespace'])}/${String(got.metadata['name'])}`);
      assert.ok(want);
      const { apiVersion: _a, kind: _k, ...rest } = withoutManagedFields(want);
      assert.deepEqual(tidy(got), tidy(rest));
    }
    // A change while two watchers look, one dropping and one not: each gets its own form.
    const rv = sim.store.currentResourceVersion();
    const url = `${sim.url}/apis/apps/v1/namespaces/shop/deployments?watch=1&resourceVersion=${rv}`;
    const dropping = readFrames(url, 1, `${PROTOBUF};${DROP}`);
    const keeping = readFrames(url, 1, PROTOBUF);
    await new Promise((r) => setTimeout(r, 100));
    const web = sim.store.get('deployments.apps', 'shop', 'web');
    assert.ok(web);
    sim.store.update('deployments.apps', { ...web, metadata: { ...web.metadata, labels: { tier: 'front' } } }, { fieldManager: 'e2e' });
    const frameObject = async (p: Promise<{ frames: Uint8Array[] }>): Promise<Obj> =>
      toJson(type('apps.Deployment'), decode('apps.Deployment', unwrap((decode('meta.WatchEvent', (await p).frames[0] ?? new Uint8Array())['object'] as Json)['raw'] as Uint8Array).raw)) as Obj;
    const [a, b] = [await frameObject(dropping), await frameObject(keeping)];
    assert.equal(a.metadata['managedFields'], undefined);
    assert.ok(Array.isArray(b.metadata['managedFields']) && (b.metadata['managedFields'] as Json[]).some((m) => m['manager'] === 'e2e'));
    assert.deepEqual(tidy(a), tidy(withoutManagedFields(b)));
  });
});

test('a server without the gate ignores the parameter, like any unrecognised one, and still answers protobuf', async (t) => {
  const sim = await populated();
  t.after(() => sim.stop());
  const pb = await protobufList(sim, '/api/v1/pods', 'core.Pod', `${PROTOBUF};${DROP}, application/json;${DROP}`);
  assert.ok(pb.items.length > 0 && pb.items.every((o) => Array.isArray(o.metadata['managedFields'])), 'full objects');
  const other = await getBytes(`${sim.url}/api/v1/pods`, `${PROTOBUF};foo=bar, application/json`);
  assert.equal(other.contentType, PROTOBUF, 'an unknown parameter does not turn protobuf down');
  const json = await jsonList(sim, '/api/v1/pods', `application/json;${DROP}`);
  assert.deepEqual(json.items.map((o) => withKind(o, stored(sim, 'pods'))), stored(sim, 'pods'));
  assert.equal(sim.accounting.droppedManagedFields(), 0);
});

test('kubectl 1.32 against a server with the gate still gets managedFields (it does not ask to drop them)', async (t) => {
  const c = await startCluster(t, { featureGates: { ManagedFieldsOptOut: true } });
  if (!c) return;
  t.after(() => c.stop());
  await c.kubectlOk(['create', 'deployment', 'web', '--image=registry.example/web:1', '--replicas=1']);
  const out = JSON.parse(await c.kubectlOk(['get', 'deployment', 'web', '-o', 'json', '--show-managed-fields'])) as Obj;
  const managers = (out.metadata['managedFields'] as Json[] | undefined)?.map((m) => m['manager']) ?? [];
  assert.ok(managers.includes('kubectl-create'), `managedFields as kubectl sees them: ${managers.join(', ')}`);
  assert.equal(c.sim.accounting.droppedManagedFields(), 0);
});
