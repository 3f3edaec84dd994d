// @kubernetes/client-node's own informer (makeInformer: list, then watch; 410 → relist) against the
// simulated API server: it must stay in sync through changes, dropped connections and compaction.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CoreV1Api, KubeConfig, makeInformer, type V1ConfigMap } from '@kubernetes/client-node';
import { startApiServer, type ApiServer } from './apiserver.ts';
import { ManualClock } from '../core/clock.ts';
import { kubeconfigYaml } from './kubeconfig.ts';
import { createSimStorage, type SimStorage } from './storage.ts';

let store: SimStorage;
let server: ApiServer;
let informer: ReturnType<typeof makeInformer<V1ConfigMap>>;
let errors = 0;
let stopped = false;

async function eventually(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function inSync(): boolean {
  const want = store.list('configmaps', { namespace: 'default' }).map((o) => `${o.metadata.name ?? ''}@${o.metadata.resourceVersion ?? ''}`).sort();
  const got = informer.list('default').map((o) => `${o.metadata?.name ?? ''}@${o.metadata?.resourceVersion ?? ''}`).sort();
  return JSON.stringify(want) === JSON.stringify(got);
}

before(async () => {
  const clock = new ManualClock();
  store = createSimStorage(clock);
  store.create('namespaces', { metadata: { name: 'default' } });
  server = await startApiServer({ store, clock });
  for (const n of ['a', 'b', 'c']) store.create('configmaps', { metadata: { name: n, namespace: 'default' }, data: { v: '1' } });
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfigYaml({ server: server.url }));
  const api = kc.makeApiClient(CoreV1Api);
  informer = makeInformer(kc, '/api/v1/namespaces/default/configmaps', () => api.listNamespacedConfigMap({ namespace: 'default' }));
  // The official pattern: the informer stops on a connection error; the app restarts it.
  informer.on('error', () => {
    errors++;
    if (!stopped) setTimeout(() => void informer.start(), 20);
  });
  await informer.start();
});

after(async () => {
  stopped = true;
  await informer.stop();
  await server.close();
});

test('client-node informer lists, then follows adds, updates and deletes', async () => {
  await eventually('initial list', inSync);
  const b = store.get('configmaps', 'default', 'b');
  assert.ok(b);
  store.update('configmaps', { ...b, data: { v: '2' } });
  store.delete('configmaps', 'default', 'c');
  store.create('configmaps', { metadata: { name: 'd', namespace: 'default' } });
  await eventually('watch changes', inSync);
  assert.equal(server.accounting.requests({ verb: 'list', resource: 'configmaps' }), 1);
});

test('client-node informer resumes after a dropped connection without relisting', async () => {
  const lists = server.accounting.requests({ verb: 'list', resource: 'configmaps' });
  const before = errors;
  assert.equal(server.faults.dropWatches('configmaps'), 1);
  store.create('configmaps', { metadata: { name: 'e', namespace: 'default' } });
  await eventually('error callback', () => errors > before);
  await eventually('resync after drop', inSync);
  assert.equal(server.accounting.requests({ verb: 'list', resource: 'configmaps' }), lists);
});

test('client-node informer relists after 410 (compaction while disconnected) and drops vanished objects', async () => {
  await eventually('watch reopened', () => server.faults.openWatches('configmaps') === 1);
  const lists = server.accounting.requests({ verb: 'list', resource: 'configmaps' });
  server.faults.dropWatches('configmaps');
  store.delete('configmaps', 'default', 'a');
  store.create('configmaps', { metadata: { name: 'f', namespace: 'default' } });
  store.compact('configmaps');
  await eventually('relist after 410', () => server.accounting.requests({ verb: 'list', resource: 'configmaps' }) > lists);
  await eventually('in sync after relist', inSync);
  assert.equal(informer.get('a', 'default'), undefined);
  assert.ok(informer.get('f', 'default'));
});
