// Streaming lists (KEP-3157 WatchList) as the cluster informers sync against the simulated cluster
// over real HTTP: against a 1.37 server (WatchListCompression) one gzipped stream per informer
// lists and then watches; a stream that ends resumes from its resourceVersion, plain; 410 streams
// again; a server older than 1.37 (by its /version), one that refuses the parameters, and one whose
// stream arrives uncompressed get LIST and WATCH, with one line saying why. The stores equal the
// simulator's objects throughout.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { startSim, type Sim } from '../sim/index.ts';
import type { SimFeatureGates } from '../sim/apiserver/feature-gates.ts';
import { createKubeHttp } from './client.ts';
import { createClusterInformers, type ClusterInformers } from './cluster-informers.ts';
import { HttpListerWatcher } from './http-list-watch.ts';
import type { StreamBytes } from './list-watch.ts';
import { kubeConfigFromYaml } from './kubeconfig.ts';
import type { KubeObject } from './types.ts';

function pod(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'registry.local/web:1' }] } };
}

async function settle(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.fail(`never reached: ${what}`);
}

interface Running {
  readonly sim: Sim;
  readonly informers: ClusterInformers;
  readonly logs: string[];
  /** Pods in the informers' store equal the simulator's (key and resourceVersion). */
  readonly inSync: () => boolean;
}

async function run(t: TestContext, featureGates: Partial<SimFeatureGates> = {}, before: (sim: Sim) => void = () => {}, disableCompression = false): Promise<Running> {
  const sim = await startSim({ controllers: false, bookmarkIntervalMs: 50, featureGates });
  t.after(() => sim.stop());
  sim.store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  for (let i = 0; i < 30; i++) sim.store.create('pods', pod(`web-${i}`));
  before(sim);
  const logs: string[] = [];
  const line = (level: string) => (msg: string, f?: object) => void logs.push(`${level} ${msg} ${JSON.stringify(f ?? {})}`);
  const kubeConfig = { ...kubeConfigFromYaml(sim.kubeconfigYaml()), ...(disableCompression ? { disableCompression: true } : {}) };
  const informers = createClusterInformers({ kubeConfig, namespaces: ['shop'], kinds: ['Pod'], random: () => 0.5, logger: { debug: () => {}, info: line('info'), warn: line('warn'), error: line('error'), child() { return this; } } });
  const stop = new AbortController();
  const done = informers.start(stop.signal);
  t.after(async () => {
    stop.abort();
    await done;
  });
  const inSync = (): boolean => {
    const want = sim.store.list('pods', { namespace: 'shop' }).map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`).sort();
    const have = informers.list('Pod').map((r) => `${r.name}@${r.resourceVersion}`).sort();
    return JSON.stringify(want) === JSON.stringify(have);
  };
  await settle(() => informers.hasSynced() && inSync(), 'synced');
  return { sim, informers, logs, inSync };
}

test('a 1.37 server: one gzipped streaming list per informer lists, then carries the changes; fewer bytes on the wire than decoded', async (t) => {
  const { sim, informers, inSync } = await run(t);
  assert.equal(sim.accounting.requests({ resource: 'pods', verb: 'list' }), 0, 'no LIST');
  assert.equal(sim.accounting.requests({ resource: 'pods', verb: 'watch' }), 1, 'one request');
  assert.equal(sim.accounting.gzip({ resource: 'pods', verb: 'watch' }), 1, 'gzipped');
  const [stats] = informers.stats();
  assert.equal(stats?.lists, 1, 'the streaming list counts as the one list');
  sim.store.create('pods', pod('late'));
  const web3 = sim.store.get('pods', 'shop', 'web-3')!;
  sim.store.update('pods', { ...web3, metadata: { ...web3.metadata, labels: { app: 'web', tier: 'front' } } });
  sim.store.delete('pods', 'shop', 'web-4');
  await settle(() => inSync() && informers.get('Pod', 'shop/late') !== undefined && informers.get('Pod', 'shop/web-4') === undefined, 'changes arrive on the same stream');
  assert.equal(sim.accounting.requests({ resource: 'pods' }), 1, 'still one request');
  assert.ok(sim.accounting.bytes({ resource: 'pods', verb: 'watch' }) < sim.accounting.decodedBytes({ resource: 'pods', verb: 'watch' }) / 2, 'compressed on the wire');
});

test('a stream that ends after the sync resumes from its resourceVersion (a plain watch: nothing sent twice); 410 then streams again', async (t) => {
  const { sim, informers, inSync } = await run(t);
  sim.faults.dropWatches('pods');
  await settle(() => sim.accounting.requests({ resource: 'pods', verb: 'watch' }) === 2, 'the watch re-opened');
  sim.store.create('pods', pod('after-drop'));
  await settle(() => inSync() && informers.get('Pod', 'shop/after-drop') !== undefined, 'resumed');
  assert.equal(sim.accounting.gzip({ resource: 'pods', verb: 'watch' }), 1, 'the resumed watch is plain (a watch from a resourceVersion)');
  assert.equal(informers.stats()[0]?.relists, 0, 'no second list');
  sim.faults.expireNextWatch('pods');
  sim.faults.dropWatches('pods');
  sim.store.create('pods', pod('after-expiry'));
  await settle(() => inSync() && informers.get('Pod', 'shop/after-expiry') !== undefined, 'streamed again after 410');
  assert.equal(sim.accounting.gzip({ resource: 'pods', verb: 'watch' }), 2, 'a second streaming list, gzipped');
  assert.equal(sim.accounting.requests({ resource: 'pods', verb: 'list' }), 0, 'still no LIST');
  assert.equal(informers.stats()[0]?.relists, 1);
});

test('a server before 1.37 (its /version says so): LIST and WATCH from the start, no request spent on a streaming list, one line saying why', async (t) => {
  const { sim, logs } = await run(t, { WatchListCompression: false });
  await settle(() => sim.accounting.requests({ resource: 'pods', verb: 'watch' }) === 1, 'the watch after the LIST');
  assert.equal(sim.accounting.requests({ resource: 'pods', verb: 'list' }), 1, 'one LIST');
  assert.equal(sim.accounting.requests({ resource: 'pods', verb: 'watch' }), 1, 'one WATCH, from the list');
  const why = logs.filter((l) => l.includes('syncing with LIST and WATCH'));
  assert.equal(why.length, 1);
  assert.match(why[0]!, /v1\.36\.0/, 'the line names the server version');
  assert.match(why[0]!, /compressed from Kubernetes 1\.37/);
});

test('a 1.37 server whose stream arrives uncompressed (here: disable-compression in the kubeconfig) — the reflector hangs up at the first event and lists, saying why once', async (t) => {
  const { sim, logs } = await run(t, {}, () => {}, true);
  await settle(() => sim.accounting.requests({ resource: 'pods', verb: 'watch' }) === 2, 'the abandoned streaming list, then the watch after the LIST');
  assert.equal(sim.accounting.requests({ resource: 'pods', verb: 'list' }), 1, 'one LIST');
  assert.equal(sim.accounting.gzip({ resource: 'pods' }), 0, 'nothing compressed');
  const why = logs.filter((l) => l.includes('syncing with LIST and WATCH'));
  assert.equal(why.length, 1);
  assert.match(why[0]!, /does not compress streaming lists/);
  assert.match(why[0]!, /Pod in shop/, 'the line names the informer');
});

test('a server that refuses the streaming-list parameters (422, the WatchList gate off) gets LIST and WATCH', async (t) => {
  const { sim, logs } = await run(t, {}, (s) => void s.faults.fail({ resource: 'pods', verb: 'watch' }, { times: 1, code: 422 }));
  assert.equal(sim.accounting.requests({ resource: 'pods', verb: 'list' }), 1);
  assert.ok(logs.some((l) => l.includes('syncing with LIST and WATCH') && l.includes('refused a streaming list')), logs.join('\n'));
});

test('a streaming list that goes silent (no bookmark within the bookmark silence) is closed as dead, however long it asked to live; one with bookmarks lives on', async (t) => {
  const watchFor = async (bookmarkIntervalMs: number): Promise<{ endedAfterMs: number | undefined; bytes: StreamBytes | undefined }> => {
    const sim = await startSim({ controllers: false, bookmarkIntervalMs });
    t.after(() => sim.stop());
    sim.store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    sim.store.create('pods', pod('web-0'));
    const lw = new HttpListerWatcher(createKubeHttp(kubeConfigFromYaml(sim.kubeconfigYaml())), { path: '/api/v1/namespaces/shop/pods', resource: 'pods', namespace: 'shop', bookmarkSilenceMs: 400 });
    const stop = new AbortController();
    const started = Date.now();
    let bytes: StreamBytes | undefined;
    let endedAt: number | undefined;
    const reading = (async () => {
      for await (const _ of lw.watch({ resourceVersion: '', sendInitialEvents: true, timeoutSeconds: 3600, allowWatchBookmarks: true, onClose: (b) => (bytes = b) }, stop.signal)) void _;
      endedAt = Date.now();
    })();
    await new Promise((r) => setTimeout(r, 1500));
    const endedAfterMs = endedAt === undefined ? undefined : endedAt - started;
    stop.abort();
    await reading;
    return { endedAfterMs, bytes };
  };
  const silent = await watchFor(60_000);
  assert.ok(silent.endedAfterMs !== undefined && silent.endedAfterMs < 1200, `closed after ${silent.endedAfterMs} ms of silence`);
  assert.equal(silent.bytes?.compressed, true, 'the stream was a compressed streaming list');
  assert.ok((silent.bytes?.initialDecoded ?? 0) > 0, 'its initial events were counted');
  const chatty = await watchFor(100);
  assert.equal(chatty.endedAfterMs, undefined, 'bookmarks every 100 ms keep it open');
});
