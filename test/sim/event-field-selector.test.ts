// The tracker's server-side Event selector (controllers/tracker/watch-set.ts) against the simulated
// API server, witnessed by the real kubectl: the same selector string selects the same Events for
// kubectl and for the tracker's informers, an Event about an ignored kind never reaches a watch,
// and a deletion of a selected Event still does (kube-apiserver: pkg/registry/core/event/strategy.go
// ToSelectableFields; a field selector is a conjunction of =/!= clauses).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TRACKER_FIELD_SELECTORS } from '../../src/controllers/tracker/watch-set.ts';
import { createClusterInformers, type ClusterDelta } from '../../src/kube/cluster-informers.ts';
import { loadKubeConfig } from '../../src/kube/client.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import { eventually, startCluster } from './kubectl-support.ts';

const SELECTOR = TRACKER_FIELD_SELECTORS.Event ?? '';

function event(name: string, kind: string, apiVersion: string): KubeObject {
  const at = '2026-12-05T12:00:00Z';
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: 'default' },
    involvedObject: { kind, name: 'web', namespace: 'default', uid: `uid-${name}`, apiVersion },
    reason: 'Test',
    message: `about a ${kind}`,
    type: 'Normal',
    source: { component: 'selector-test' },
    firstTimestamp: at,
    lastTimestamp: at,
    count: 1,
  };
}

const kindsOf = (jsonpathOut: string): string[] => jsonpathOut.split('\n').filter((l) => l !== '').sort();

test('the tracker Event field selector: kubectl and the informers select the same Events', async (t) => {
  const c = await startCluster(t);
  if (!c) return;
  t.after(() => c.stop());
  const initial: [string, string, string][] = [
    ['e-node', 'Node', 'v1'],
    ['e-hpa', 'HorizontalPodAutoscaler', 'autoscaling/v2'],
    ['e-svc', 'Service', 'v1'],
    ['e-job', 'Job', 'batch/v1'],
    ['e-pod', 'Pod', 'v1'],
    ['e-deploy', 'Deployment', 'apps/v1'],
    ['e-rs', 'ReplicaSet', 'apps/v1'],
    ['e-widget', 'Widget', 'example.com/v1'], // a kind on neither list still arrives
  ];
  for (const [name, kind, apiVersion] of initial) c.sim.store.create('events', event(name, kind, apiVersion));

  const jsonpath = ['-o', 'jsonpath={range .items[*]}{.involvedObject.kind}{"\\n"}{end}'];
  await t.test('kubectl get events --field-selector <the tracker selector>', async () => {
    const out = await c.kubectlOk(['get', 'events', '-n', 'default', '--field-selector', SELECTOR, ...jsonpath]);
    assert.deepEqual(kindsOf(out), ['Deployment', 'Pod', 'ReplicaSet', 'Widget']);
    const nodes = await c.kubectlOk(['get', 'events', '-n', 'default', '--field-selector', 'involvedObject.kind=Node', ...jsonpath]);
    assert.deepEqual(kindsOf(nodes), ['Node']);
    const bad = await c.kubectl(['get', 'events', '--field-selector', 'involvedObject.colour!=red']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /field label not supported: involvedObject\.colour/);
  });

  await t.test('informers with the selector list, watch and see deletions of the selected Events only', async () => {
    const informers = createClusterInformers({ kubeConfig: loadKubeConfig({ kubeconfig: c.kubeconfig }), kinds: ['Event'], fieldSelectors: TRACKER_FIELD_SELECTORS });
    const seen: string[] = [];
    informers.onDelta((d: ClusterDelta) => {
      if (d.kind === 'Event' && d.delta.type !== 'DELETED' && !('key' in d.delta.object)) seen.push(`${d.delta.type} ${d.delta.object.involved.kind}`);
      if (d.kind === 'Event' && d.delta.type === 'DELETED') seen.push(`DELETED ${d.previous?.involved.kind ?? '?'}`);
    });
    const stop = new AbortController();
    const running = informers.start(stop.signal);
    try {
      await eventually('the first list', () => (informers.hasSynced() ? true : undefined));
      assert.deepEqual(informers.list('Event').map((e) => e.involved.kind).sort(), ['Deployment', 'Pod', 'ReplicaSet', 'Widget']);
      await eventually('the watch to open', () => (c.sim.accounting.requests({ verb: 'watch', resource: 'events' }) >= 1 ? true : undefined));
      seen.length = 0;
      const bytesBefore = c.sim.accounting.bytes({ verb: 'watch', resource: 'events' });
      c.sim.store.create('events', event('later-node', 'Node', 'v1'));
      c.sim.store.create('events', event('later-hpa', 'HorizontalPodAutoscaler', 'autoscaling/v2'));
      assert.equal(c.sim.accounting.bytes({ verb: 'watch', resource: 'events' }), bytesBefore, 'Events about ignored kinds are not sent');
      c.sim.store.create('events', event('later-pod', 'Pod', 'v1'));
      c.sim.store.delete('events', 'default', 'e-rs');
      await eventually('the Pod event and the ReplicaSet event deletion', () => (seen.length >= 2 ? seen : undefined));
      assert.deepEqual(seen, ['ADDED Pod', 'DELETED ReplicaSet']);
      assert.deepEqual(informers.list('Event').map((e) => e.involved.kind).sort(), ['Deployment', 'Pod', 'Pod', 'Widget']);
    } finally {
      stop.abort();
      await running;
    }
  });
});
