import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KubeObject } from '../../kube/types.ts';
import { startApiServer, type ApiServer } from './apiserver.ts';
import { ManualClock } from '../core/clock.ts';
import { CONTINUE_EXPIRED } from './http/list-get.ts';
import { createSimStorage, type SimStorage } from './storage.ts';

interface Fixture {
  store: SimStorage;
  server: ApiServer;
}

async function start(): Promise<Fixture> {
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
  const store = createSimStorage(clock);
  for (const name of ['default', 'shop']) store.create('namespaces', { metadata: { name } });
  const server = await startApiServer({ store, clock, bookmarkIntervalMs: 50 });
  return { store, server };
}

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

/** readLines reads a watch stream until it ends (or `max` lines arrived), parsing each line. */
async function readLines(res: Response, max = Number.POSITIVE_INFINITY, onLine?: (n: number) => void): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  const reader = res.body?.getReader();
  assert.ok(reader);
  let buf = '';
  const decoder = new TextDecoder();
  while (out.length < max) {
    const { done, value } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    let nl = buf.indexOf('\n');
    while (nl >= 0 && out.length < max) {
      out.push(JSON.parse(buf.slice(0, nl)) as Record<string, unknown>);
      buf = buf.slice(nl + 1);
      onLine?.(out.length);
      nl = buf.indexOf('\n');
    }
  }
  await reader.cancel().catch(() => undefined);
  return out;
}

const summary = (lines: Record<string, unknown>[]): string[] =>
  lines.map((l) => `${String(l['type'])} ${String(((l['object'] as KubeObject).metadata as { name?: string }).name ?? '')}`.trim());

function deployment(name: string, image = 'web:1'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } } },
  };
}

describe('simulated API server: LIST', () => {
  let f: Fixture;
  before(async () => {
    f = await start();
    for (const n of ['a', 'b', 'c', 'd', 'e']) f.store.create('configmaps', { metadata: { name: n, namespace: 'shop', labels: { n } } });
  });
  after(() => f.server.close());

  test('paginates with limit/continue and remainingItemCount; items carry no kind/apiVersion', async () => {
    const first = await json(await fetch(`${f.server.url}/api/v1/namespaces/shop/configmaps?limit=2`));
    assert.equal(first['kind'], 'ConfigMapList');
    assert.equal(first['apiVersion'], 'v1');
    const meta = first['metadata'] as { continue: string; remainingItemCount: number; resourceVersion: string };
    assert.equal(meta.remainingItemCount, 3);
    const items = first['items'] as KubeObject[];
    assert.deepEqual(items.map((i) => i.metadata.name), ['a', 'b']);
    assert.equal(items[0]?.kind, undefined);
    assert.equal(items[0]?.apiVersion, undefined);
    const second = await json(await fetch(`${f.server.url}/api/v1/namespaces/shop/configmaps?limit=2&continue=${meta.continue}`));
    assert.deepEqual((second['items'] as KubeObject[]).map((i) => i.metadata.name), ['c', 'd']);
    assert.equal((second['metadata'] as { resourceVersion: string }).resourceVersion, meta.resourceVersion);
    const third = await json(await fetch(`${f.server.url}/api/v1/namespaces/shop/configmaps?limit=2&continue=${String((second['metadata'] as { continue: string }).continue)}`));
    assert.deepEqual((third['items'] as KubeObject[]).map((i) => i.metadata.name), ['e']);
    assert.equal((third['metadata'] as { continue?: string }).continue, undefined);
  });

  test('an expired continue token is 410 Expired with a fresh token', async () => {
    const first = await json(await fetch(`${f.server.url}/api/v1/configmaps?limit=1`));
    const token = (first['metadata'] as { continue: string }).continue;
    f.store.create('configmaps', { metadata: { name: 'z', namespace: 'shop' } });
    f.store.compact('configmaps');
    const res = await fetch(`${f.server.url}/api/v1/configmaps?limit=1&continue=${token}`);
    assert.equal(res.status, 410);
    const body = await json(res);
    assert.equal(typeof (body['metadata'] as { continue?: unknown }).continue, 'string');
    assert.deepEqual({ ...body, metadata: {} }, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: CONTINUE_EXPIRED, reason: 'Expired', code: 410 });
  });

  test('label and field selectors filter; unknown field labels are 400', async () => {
    const byLabel = await json(await fetch(`${f.server.url}/api/v1/configmaps?labelSelector=${encodeURIComponent('n in (a,c)')}`));
    assert.deepEqual((byLabel['items'] as KubeObject[]).map((i) => i.metadata.name), ['a', 'c']);
    const byField = await json(await fetch(`${f.server.url}/api/v1/configmaps?fieldSelector=metadata.name%3Db`));
    assert.deepEqual((byField['items'] as KubeObject[]).map((i) => i.metadata.name), ['b']);
    const bad = await fetch(`${f.server.url}/api/v1/configmaps?fieldSelector=spec.nope%3D1`);
    assert.equal(bad.status, 400);
    assert.equal((await json(bad))['message'], 'field label not supported: spec.nope');
  });

  test('a missing object is a 404 Status naming resource and name', async () => {
    const res = await fetch(`${f.server.url}/apis/apps/v1/namespaces/shop/deployments/web`);
    assert.equal(res.status, 404);
    assert.deepEqual(await json(res), {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'deployments.apps "web" not found',
      reason: 'NotFound', details: { name: 'web', group: 'apps', kind: 'deployments' }, code: 404,
    });
  });
});

describe('simulated API server: LIST snapshots and views', () => {
  let f: Fixture;
  before(async () => {
    f = await start();
    for (const n of ['a', 'b', 'c', 'd']) f.store.create('configmaps', { metadata: { name: n, namespace: 'shop' }, data: { v: '1' } });
  });
  after(() => f.server.close());

  test('later pages are a consistent snapshot at the first page\'s resourceVersion', async () => {
    const first = await json(await fetch(`${f.server.url}/api/v1/namespaces/shop/configmaps?limit=2`));
    f.store.delete('configmaps', 'shop', 'c');
    f.store.create('configmaps', { metadata: { name: 'bb', namespace: 'shop' } });
    const d = f.store.get('configmaps', 'shop', 'd');
    assert.ok(d);
    f.store.update('configmaps', { ...d, data: { v: '2' } });
    const token = (first['metadata'] as { continue: string }).continue;
    const second = await json(await fetch(`${f.server.url}/api/v1/namespaces/shop/configmaps?limit=2&continue=${token}`));
    const items = second['items'] as (KubeObject & { data: { v: string } })[];
    assert.deepEqual(items.map((i) => `${i.metadata.name ?? ''}=${i.data.v}`), ['c=1', 'd=1']);
  });

  test('resourceVersion=0 is served whole, ignoring limit, as the watch cache does', async () => {
    const all = await json(await fetch(`${f.server.url}/api/v1/namespaces/shop/configmaps?limit=1&resourceVersion=0`));
    assert.equal((all['items'] as unknown[]).length, f.store.list('configmaps', { namespace: 'shop' }).length);
    assert.equal((all['metadata'] as { continue?: string }).continue, undefined);
  });

  test('core events are also served as events.k8s.io/v1', async () => {
    f.store.create('events', { metadata: { name: 'e1', namespace: 'shop' }, involvedObject: { kind: 'Pod', name: 'p' }, reason: 'Pulled', message: 'done', type: 'Normal' });
    const list = await json(await fetch(`${f.server.url}/apis/events.k8s.io/v1/namespaces/shop/events`));
    assert.equal(list['kind'], 'EventList');
    assert.equal(list['apiVersion'], 'events.k8s.io/v1');
    const item = (list['items'] as Record<string, unknown>[])[0];
    assert.deepEqual([item?.['note'], item?.['regarding'], item?.['reason']], ['done', { kind: 'Pod', name: 'p' }, 'Pulled']);
    assert.equal(item?.['kind'], undefined, 'list items carry no kind');
  });
});

describe('simulated API server: WATCH', () => {
  let f: Fixture;
  before(async () => {
    f = await start();
  });
  after(() => f.server.close());

  test('without resourceVersion: synthetic ADDED for current objects, then changes (with kind)', async () => {
    f.store.create('configmaps', { metadata: { name: 'w1', namespace: 'default' } });
    const res = await fetch(`${f.server.url}/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=5`);
    assert.equal(res.headers.get('content-type'), 'application/json');
    const lines = await readLines(res, 2, (n) => {
      if (n === 1) f.store.create('configmaps', { metadata: { name: 'w2', namespace: 'default' } });
    });
    assert.deepEqual(summary(lines), ['ADDED w1', 'ADDED w2']);
    assert.equal((lines[0]?.['object'] as KubeObject).kind, 'ConfigMap');
    assert.equal((lines[0]?.['object'] as KubeObject).apiVersion, 'v1');
  });

  test('resumes from a resourceVersion, and ends at timeoutSeconds with a BOOKMARK', async () => {
    const from = f.store.currentResourceVersion();
    f.store.create('configmaps', { metadata: { name: 'r1', namespace: 'default' } });
    const cm = f.store.get('configmaps', 'default', 'r1');
    f.store.update('configmaps', { ...(cm as KubeObject), data: { a: '1' } });
    const res = await fetch(`${f.server.url}/api/v1/configmaps?watch=true&resourceVersion=${from}&allowWatchBookmarks=true&timeoutSeconds=1`);
    const lines = await readLines(res);
    const changes = lines.filter((l) => l['type'] !== 'BOOKMARK');
    assert.deepEqual(summary(changes), ['ADDED r1', 'MODIFIED r1']);
    // bookmarkIntervalMs is 50 ms: periodic BOOKMARKs arrive during the 1 s watch, plus the final one.
    assert.ok(lines.filter((l) => l['type'] === 'BOOKMARK').length >= 3);
    const last = lines[lines.length - 1];
    assert.deepEqual(last, { type: 'BOOKMARK', object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: f.store.currentResourceVersion() } } });
  });

  test('a resourceVersion older than the window gets ERROR 410 too old resource version', async () => {
    const old = Number(f.store.currentResourceVersion());
    f.store.create('configmaps', { metadata: { name: 'c1', namespace: 'default' } });
    f.store.compact('configmaps');
    const res = await fetch(`${f.server.url}/api/v1/configmaps?watch=1&resourceVersion=${old}`);
    assert.equal(res.status, 200);
    assert.deepEqual(await readLines(res), [
      { type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${old} (${f.store.currentResourceVersion()})`, reason: 'Expired', code: 410 } },
    ]);
  });

  test('sendInitialEvents ends the initial ADDED events with an annotated BOOKMARK', async () => {
    const res = await fetch(`${f.server.url}/api/v1/namespaces/default/configmaps?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=5`);
    const count = f.store.list('configmaps', { namespace: 'default' }).length;
    const lines = await readLines(res, count + 1);
    assert.ok(lines.slice(0, count).every((l) => l['type'] === 'ADDED'));
    assert.deepEqual(lines[count], {
      type: 'BOOKMARK',
      object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: f.store.currentResourceVersion(), annotations: { 'k8s.io/initial-events-end': 'true' } } },
    });
  });

  test('an object that stops matching the label selector is DELETED for that watcher', async () => {
    const cm = f.store.create('configmaps', { metadata: { name: 'sel', namespace: 'default', labels: { tier: 'web' } } });
    const res = await fetch(`${f.server.url}/api/v1/configmaps?watch=1&labelSelector=tier%3Dweb&timeoutSeconds=5`);
    let moved: KubeObject | undefined;
    const lines = await readLines(res, 2, (n) => {
      if (n === 1) moved = f.store.update('configmaps', { ...cm, metadata: { ...cm.metadata, labels: { tier: 'db' } } });
    });
    assert.deepEqual(summary(lines), ['ADDED sel', 'DELETED sel']);
    // cache_watcher.go convertToWatchEvent: the last state the watcher selected, at the change's resourceVersion.
    const gone = (lines[1]?.['object'] ?? {}) as KubeObject;
    assert.deepEqual(gone.metadata.labels, { tier: 'web' });
    assert.equal(gone.metadata.resourceVersion, moved?.metadata.resourceVersion);
    assert.notEqual(gone.metadata.resourceVersion, cm.metadata.resourceVersion);
  });
});

describe('simulated API server: writes and patches', () => {
  let f: Fixture;
  before(async () => {
    f = await start();
  });
  after(() => f.server.close());
  const url = (): string => `${f.server.url}/apis/apps/v1/namespaces/shop/deployments`;
  const send = (method: string, path: string, body: unknown, contentType = 'application/json'): Promise<Response> =>
    fetch(`${url()}${path}`, { method, headers: { 'Content-Type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  test('create is 201 with managedFields of the fieldManager; AlreadyExists is 409', async () => {
    const res = await send('POST', '?fieldManager=kubectl-create', deployment('web'));
    assert.equal(res.status, 201);
    const d = (await res.json()) as KubeObject;
    assert.equal(d.metadata.managedFields?.[0]?.manager, 'kubectl-create');
    assert.equal((await send('POST', '', deployment('web'))).status, 409);
  });

  test('strategic merge patch as sent by kubectl set image changes one container image', async () => {
    const res = await send('PATCH', '/web?fieldManager=kubectl-set', { spec: { template: { spec: { containers: [{ name: 'app', image: 'web:2' }] } } } }, 'application/strategic-merge-patch+json');
    assert.equal(res.status, 200);
    const d = (await res.json()) as KubeObject;
    assert.equal(d.metadata.generation, 2);
    assert.deepEqual(d.metadata.managedFields?.map((m) => m.manager), ['kubectl-create', 'kubectl-set']);
  });

  test('merge patch with a stale resourceVersion is 409 Conflict', async () => {
    const res = await send('PATCH', '/web', { metadata: { resourceVersion: '1' }, spec: { paused: true } }, 'application/merge-patch+json');
    assert.equal(res.status, 409);
    assert.equal((await json(res))['reason'], 'Conflict');
  });

  test('JSON patch changing the selector is 422 field is immutable', async () => {
    const res = await send('PATCH', '', [{ op: 'replace', path: '/spec/selector/matchLabels/app', value: 'x' }], 'application/json-patch+json');
    assert.equal(res.status, 405);
    const bad = await send('PATCH', '/web', [{ op: 'replace', path: '/spec/selector/matchLabels', value: { app: 'web', v: '2' } }], 'application/json-patch+json');
    assert.equal(bad.status, 422);
    const body = await json(bad);
    assert.equal(body['reason'], 'Invalid');
    assert.match(String(body['message']), /^Deployment\.apps "web" is invalid: .*spec\.selector: Invalid value: .*: field is immutable/);
  });

  test('scale subresource: GET and merge PATCH as kubectl scale sends', async () => {
    const res = await send('PATCH', '/web/scale', { spec: { replicas: 3 } }, 'application/merge-patch+json');
    assert.equal(res.status, 200);
    const scale = await json(res);
    assert.equal(scale['kind'], 'Scale');
    assert.equal(scale['apiVersion'], 'autoscaling/v1');
    assert.deepEqual(scale['spec'], { replicas: 3 });
    assert.deepEqual(scale['status'], { replicas: 0, selector: 'app=web' });
    assert.equal((f.store.get('deployments.apps', 'shop', 'web')?.['spec'] as { replicas: number }).replicas, 3);
  });

  test('server-side apply creates, then records an Apply entry', async () => {
    const yaml = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n      - name: app\n        image: api:1\n';
    const res = await send('PATCH', '/api?fieldManager=kubectl&force=false', yaml, 'application/apply-patch+yaml');
    assert.equal(res.status, 201);
    const d = (await res.json()) as KubeObject;
    assert.deepEqual(d.metadata.managedFields?.map((m) => [m.manager, m.operation]), [['kubectl', 'Apply']]);
  });

  test('dryRun=All does not store; DELETE of a Deployment answers a Success Status', async () => {
    const dry = await send('POST', '?dryRun=All', deployment('ghost'));
    assert.equal(dry.status, 201);
    assert.equal(f.store.get('deployments.apps', 'shop', 'ghost'), undefined);
    const uid = f.store.get('deployments.apps', 'shop', 'api')?.metadata.uid;
    const del = await send('DELETE', '/api', { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' });
    assert.equal(del.status, 200);
    assert.deepEqual(await json(del), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'api', group: 'apps', kind: 'deployments', uid } });
  });

  test('creating in a missing namespace is 404 namespaces "x" not found', async () => {
    const res = await fetch(`${f.server.url}/api/v1/namespaces/nope/configmaps`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ metadata: { name: 'a' } }) });
    assert.equal(res.status, 404);
    assert.equal((await json(res))['message'], 'namespaces "nope" not found');
  });
});

describe('simulated API server: faults and accounting', () => {
  let f: Fixture;
  before(async () => {
    f = await start();
  });
  after(() => f.server.close());

  test('429 with Retry-After and the plain-text body, for the scoped resource and verb only, N times', async () => {
    f.server.faults.throttle({ resource: 'pods', verb: 'list' }, { times: 1, retryAfterSeconds: 2 });
    const other = await fetch(`${f.server.url}/api/v1/configmaps`);
    assert.equal(other.status, 200);
    const res = await fetch(`${f.server.url}/api/v1/pods`);
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '2');
    assert.equal(await res.text(), 'Too many requests, please try again later.\n');
    assert.equal((await fetch(`${f.server.url}/api/v1/pods`)).status, 200);
  });

  test('5xx answers a Status with the code', async () => {
    const remove = f.server.faults.fail({ verb: 'get' }, { code: 503 });
    const res = await fetch(`${f.server.url}/api/v1/namespaces/default`);
    assert.equal(res.status, 503);
    assert.equal((await json(res))['reason'], 'ServiceUnavailable');
    remove();
    assert.equal((await fetch(`${f.server.url}/api/v1/namespaces/default`)).status, 200);
  });

  test('dropWatches closes open watches; expireNextWatch makes the next resume 410', async () => {
    const res = await fetch(`${f.server.url}/api/v1/configmaps?watch=1`);
    const ended = readLines(res).catch(() => []);
    while (f.server.faults.openWatches('configmaps') === 0) await new Promise((r) => setTimeout(r, 5));
    assert.equal(f.server.faults.dropWatches('configmaps'), 1);
    await ended;
    f.server.faults.expireNextWatch('configmaps');
    const resume = await fetch(`${f.server.url}/api/v1/configmaps?watch=1&resourceVersion=${f.store.currentResourceVersion()}`);
    const lines = await readLines(resume);
    assert.equal(lines[0]?.['type'], 'ERROR');
    assert.equal((lines[0]?.['object'] as { code: number }).code, 410);
  });

  test('accounting counts requests and response bytes by verb and resource', async () => {
    f.server.accounting.reset();
    const a = await fetch(`${f.server.url}/api/v1/namespaces`);
    const bytes = (await a.arrayBuffer()).byteLength;
    await (await fetch(`${f.server.url}/api/v1/namespaces/default`)).arrayBuffer();
    assert.equal(f.server.accounting.requests({ verb: 'list', resource: 'namespaces' }), 1);
    assert.equal(f.server.accounting.bytes({ verb: 'list', resource: 'namespaces' }), bytes);
    assert.equal(f.server.accounting.requests({ verb: 'get' }), 1);
  });
});
