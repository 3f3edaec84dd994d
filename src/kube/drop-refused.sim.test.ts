// kube-apiserver ignores an Accept parameter it does not know, so the informers' KEP-5958
// `drop=metadata.managedFields` is safe to send to every server. A strict proxy between the client
// and the server may refuse it instead (406 Not Acceptable): then each informer warns once, names
// its resource, and goes on asking for whole objects — it never stops watching over it.
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import type { Logger } from '../lib/log.ts';
import { ManualClock, startSim } from '../sim/index.ts';
import { createClusterInformers } from './cluster-informers.ts';
import { kubeConfigFromYaml } from './kubeconfig.ts';
import { readsManagedFields, TRACKED_KINDS } from './resources.ts';

test('a proxy that refuses the drop parameter costs one 406 per watched kind, a warning naming it, and nothing else', async (t) => {
  const clock = new ManualClock();
  const sim = await startSim({ clock });
  t.after(() => sim.stop());
  sim.store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  sim.store.create('deployments.apps', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } } } });
  for (let i = 0; i < 40; i++) {
    clock.advance(500);
    await new Promise((r) => setImmediate(r));
  }

  // The strict proxy: 406 to any Accept with a drop parameter, everything else passed through.
  const refused: string[] = [];
  const proxy = createServer((req, res) => {
    if (/drop=/.test(req.headers.accept ?? '')) {
      refused.push(new URL(req.url ?? '/', 'http://x').pathname);
      res.writeHead(406, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'media type not acceptable', reason: 'NotAcceptable', code: 406 }));
      return;
    }
    const up = request(`${sim.url}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  t.after(() => {
    proxy.closeAllConnections();
    proxy.close();
  });
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

  const warnings: string[] = [];
  const logger: Logger = { debug: () => {}, info: () => {}, warn: (m, f) => warnings.push(`${m} ${JSON.stringify(f)}`), error: () => {}, child: () => logger };
  const informers = createClusterInformers({ kubeConfig: kubeConfigFromYaml(sim.kubeconfigYaml().replace(sim.url, proxyUrl)), namespaces: ['shop'], random: () => 0.5, logger });
  const stop = new AbortController();
  t.after(() => stop.abort());
  const running = informers.start(stop.signal);
  for (let i = 0; i < 400 && !informers.hasSynced(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(informers.hasSynced(), 'every informer synced through the proxy');
  assert.equal(informers.list('Pod').length, 2);
  assert.equal(informers.list('Deployment')[0]?.managers.length ? true : false, true, 'Deployments still carry their managedFields');

  // A change after the refusal arrives by the watch (opened without the parameter).
  const web = sim.store.get('deployments.apps', 'shop', 'web');
  assert.ok(web);
  sim.store.update('deployments.apps', { ...web, spec: { ...(web['spec'] as object), replicas: 3 } });
  for (let i = 0; i < 40; i++) {
    clock.advance(500);
    await new Promise((r) => setImmediate(r));
  }
  for (let i = 0; i < 400 && informers.list('Pod').length < 3; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(informers.list('Pod').length, 3, 'the third pod arrived by the watch');
  stop.abort();
  await running;

  const dropping = TRACKED_KINDS.filter((k) => !readsManagedFields(k));
  assert.equal(refused.length, dropping.length, `one refused request per dropping kind: ${refused.join(', ')}`);
  const told = warnings.filter((w) => w.includes('refused to leave managedFields out'));
  assert.equal(told.length, dropping.length, told.join('\n'));
  for (const kind of dropping) assert.ok(told.some((w) => w.includes(`"resource":"${kind} in shop"`)), `the warning names ${kind}`);
});
