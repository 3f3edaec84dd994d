import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { KubeObject } from '../../kube/types.ts';
import { record } from '../core/fields.ts';
import { startTestCluster } from '../testing/cluster.ts';
import type { TestCluster } from '../testing/cluster.ts';
import { revisionNumber } from './history.ts';
import { startStatefulSetController } from './statefulset.ts';

let cluster: TestCluster | undefined;
afterEach(() => cluster?.stop());

const RES = 'statefulsets.apps';

function statefulSet(image: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 3,
      serviceName: 'web',
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image }] } },
      ...spec,
    },
  };
}

function start(set: KubeObject): TestCluster {
  cluster = startTestCluster({}, [startStatefulSetController]);
  cluster.ctx.store.create(RES, set);
  return cluster;
}

const pods = (c: TestCluster): string[] =>
  c.ctx.store
    .list('pods', { namespace: 'default' })
    .map((p) => p.metadata.name ?? '')
    .sort();
const podRevision = (c: TestCluster, name: string): string => c.pod('default', name)?.metadata.labels?.['controller-revision-hash'] ?? '';
const status = (c: TestCluster) => record(c.ctx.store.get(RES, 'default', 'web')?.status);
const setImage = (c: TestCluster, image: string): void => {
  const set = c.ctx.store.get(RES, 'default', 'web')!;
  const spec = record(set.spec);
  const template = record(spec.template);
  c.ctx.store.update(RES, { ...set, spec: { ...spec, template: { ...template, spec: { containers: [{ name: 'app', image }] } } } });
};
const revisions = (c: TestCluster): [string, number][] =>
  c.ctx.store
    .list('controllerrevisions.apps', { namespace: 'default' })
    .map((r): [string, number] => [r.metadata.name ?? '', revisionNumber(r)])
    .sort((a, b) => a[1] - b[1]);

test('OrderedReady creates pods one by one, each Running and Ready before the next', () => {
  const c = start(statefulSet('nginx:1'));
  c.clock.advance(0);
  assert.deepEqual(pods(c), ['web-0']);
  c.clock.advance(3_000); // pulled 1.5 s, ready 2 s later
  assert.deepEqual(pods(c), ['web-0']);
  c.clock.advance(500);
  assert.deepEqual(pods(c), ['web-0', 'web-1']);
  c.clock.advance(60_000);
  assert.deepEqual(pods(c), ['web-0', 'web-1', 'web-2']);
  const s = status(c);
  assert.equal(s.replicas, 3);
  assert.equal(s.readyReplicas, 3);
  assert.equal(s.availableReplicas, 3);
  assert.equal(s.currentRevision, s.updateRevision);
  assert.equal(s.observedGeneration, 1);
  const web1 = c.pod('default', 'web-1')!;
  assert.equal(web1.metadata.labels?.['statefulset.kubernetes.io/pod-name'], 'web-1');
  assert.equal(web1.metadata.labels?.['apps.kubernetes.io/pod-index'], '1');
  assert.equal(record(web1.spec).hostname, 'web-1');
  assert.equal(record(web1.spec).subdomain, 'web');
  assert.ok(c.events('default', 'web').includes('SuccessfulCreate: create Pod web-0 in StatefulSet web successful'));
  assert.match(String(s.updateRevision), /^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
});

test('Parallel creates all pods at once', () => {
  const c = start(statefulSet('nginx:1', { podManagementPolicy: 'Parallel' }));
  c.clock.advance(0);
  assert.deepEqual(pods(c), ['web-0', 'web-1', 'web-2']);
});

test('RollingUpdate replaces from the highest ordinal down and stops at the partition', () => {
  const c = start(statefulSet('nginx:1', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }));
  c.clock.advance(60_000);
  const oldRev = String(status(c).currentRevision);
  setImage(c, 'nginx:2');
  c.clock.advance(0);
  const newRev = String(status(c).updateRevision);
  assert.notEqual(newRev, oldRev);
  c.clock.advance(120_000);
  assert.equal(podRevision(c, 'web-2'), newRev);
  assert.equal(podRevision(c, 'web-1'), newRev);
  assert.equal(podRevision(c, 'web-0'), oldRev, 'below the partition');
  const s = status(c);
  assert.equal(s.updatedReplicas, 2);
  assert.equal(s.currentReplicas, 1);
  assert.equal(s.currentRevision, oldRev, 'a partitioned rollout never completes');
  assert.ok(c.events('default', 'web').includes('SuccessfulDelete: delete Pod web-2 in StatefulSet web successful'));
});

test('a full RollingUpdate makes the update revision current', () => {
  const c = start(statefulSet('nginx:1'));
  c.clock.advance(60_000);
  setImage(c, 'nginx:2');
  c.clock.advance(300_000);
  const s = status(c);
  assert.equal(s.currentRevision, s.updateRevision);
  assert.equal(s.updatedReplicas, 3);
  assert.equal(s.currentReplicas, 3);
  for (const name of ['web-0', 'web-1', 'web-2']) assert.equal(podRevision(c, name), s.updateRevision);
});

test('OnDelete leaves pods alone until they are deleted', () => {
  const c = start(statefulSet('nginx:1', { updateStrategy: { type: 'OnDelete' } }));
  c.clock.advance(60_000);
  const oldRev = String(status(c).currentRevision);
  setImage(c, 'nginx:2');
  c.clock.advance(120_000);
  assert.equal(podRevision(c, 'web-2'), oldRev);
  c.ctx.store.delete('pods', 'default', 'web-1');
  c.clock.advance(0);
  assert.equal(podRevision(c, 'web-1'), String(status(c).updateRevision));
  assert.equal(podRevision(c, 'web-2'), oldRev);
});

test('rolling back to an earlier template reuses its revision with the next number', () => {
  const c = start(statefulSet('nginx:1'));
  c.clock.advance(60_000);
  setImage(c, 'nginx:2');
  c.clock.advance(300_000);
  const [[rev1], [rev2]] = revisions(c) as [[string, number], [string, number]];
  assert.deepEqual(revisions(c), [
    [rev1, 1],
    [rev2, 2],
  ]);
  setImage(c, 'nginx:1');
  c.clock.advance(300_000);
  assert.deepEqual(revisions(c), [
    [rev2, 2],
    [rev1, 3],
  ]);
  assert.equal(status(c).updateRevision, rev1);
  assert.equal(status(c).currentRevision, rev1);
});

test('scale down removes the highest ordinal first', () => {
  const c = start(statefulSet('nginx:1'));
  c.clock.advance(60_000);
  const set = c.ctx.store.get(RES, 'default', 'web')!;
  c.ctx.store.update(RES, { ...set, spec: { ...record(set.spec), replicas: 1 } });
  c.clock.advance(0);
  assert.ok(c.pod('default', 'web-2')?.metadata.deletionTimestamp, 'web-2 terminating (30 s grace)');
  assert.equal(c.pod('default', 'web-1')?.metadata.deletionTimestamp, undefined, 'one at a time');
  c.clock.advance(30_000);
  assert.deepEqual(pods(c), ['web-0', 'web-1']);
  assert.ok(c.pod('default', 'web-1')?.metadata.deletionTimestamp);
  c.clock.advance(30_000);
  assert.deepEqual(pods(c), ['web-0']);
});

test('minReadySeconds holds the next ordinal until the previous pod is available', () => {
  const c = start(statefulSet('nginx:1', { minReadySeconds: 10 }));
  c.clock.advance(3_500); // web-0 ready
  assert.deepEqual(pods(c), ['web-0']);
  assert.equal(status(c).availableReplicas, 0);
  c.clock.advance(10_000);
  assert.deepEqual(pods(c), ['web-0', 'web-1']);
  assert.equal(status(c).availableReplicas, 1);
});
