import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { KubeObject } from '../../kube/types.ts';
import { parseNodesSpec } from '../node/behaviour.ts';
import { record } from '../core/fields.ts';
import { startTestCluster } from '../testing/cluster.ts';
import type { TestCluster } from '../testing/cluster.ts';
import { startDaemonSetController } from './daemonset.ts';
import { rollingLimits, viewDaemonSet } from './daemonset-pods.ts';

let cluster: TestCluster | undefined;
afterEach(() => cluster?.stop());

const RES = 'daemonsets.apps';

function daemonSet(image: string, spec: Record<string, unknown> = {}, podSpec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'kube-system' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image }], ...podSpec } },
      ...spec,
    },
  };
}

function start(ds: KubeObject, nodes = '3x4cpu8Gi'): TestCluster {
  const [first] = parseNodesSpec('1x4cpu8Gi');
  const tainted = { ...first!, name: 'tainted', labels: { 'kubernetes.io/hostname': 'tainted' }, taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] };
  cluster = startTestCluster({ nodes: [...parseNodesSpec(nodes), tainted] }, [startDaemonSetController]);
  cluster.ctx.store.create(RES, ds);
  return cluster;
}

const pods = (c: TestCluster): readonly KubeObject[] => c.ctx.store.list('pods', { namespace: 'kube-system' });
const podNodes = (c: TestCluster): string[] => pods(c).map((p) => String(record(p.spec).nodeName)).sort();
const status = (c: TestCluster) => record(c.ctx.store.get(RES, 'kube-system', 'agent')?.status);
const setImage = (c: TestCluster, image: string): void => {
  const ds = c.ctx.store.get(RES, 'kube-system', 'agent')!;
  const spec = record(ds.spec);
  const template = record(spec.template);
  c.ctx.store.update(RES, { ...ds, spec: { ...spec, template: { ...template, spec: { ...record(template.spec), containers: [{ name: 'agent', image }] } } } });
};
const hashes = (c: TestCluster): string[] => pods(c).map((p) => p.metadata.labels?.['controller-revision-hash'] ?? '');

test('one pod per eligible node; an untolerated taint keeps the node out', () => {
  const c = start(daemonSet('agent:1'));
  c.clock.advance(10_000);
  assert.deepEqual(podNodes(c), ['sim-node-1', 'sim-node-2', 'sim-node-3']);
  const s = status(c);
  assert.deepEqual(
    [s.desiredNumberScheduled, s.currentNumberScheduled, s.numberReady, s.numberAvailable, s.updatedNumberScheduled, s.numberMisscheduled, s.observedGeneration],
    [3, 3, 3, 3, 3, 0, 1],
  );
  assert.ok(c.events('kube-system', 'agent').some((e) => /^SuccessfulCreate: Created pod: agent-[a-z0-9]{5}$/.test(e)));
});

test('a toleration lets the pod onto the tainted node; a new node gets a pod too', () => {
  const c = start(daemonSet('agent:1', {}, { tolerations: [{ key: 'dedicated', operator: 'Exists' }] }));
  c.clock.advance(0);
  assert.deepEqual(podNodes(c), ['sim-node-1', 'sim-node-2', 'sim-node-3', 'tainted']);
  const [spec] = parseNodesSpec('1x2cpu4Gi');
  c.ctx.store.create('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'late', labels: { 'kubernetes.io/hostname': 'late' } }, status: { allocatable: { cpu: String(spec!.cpuMillis / 1000), memory: '4Gi', pods: '110' } } });
  c.clock.advance(0);
  assert.equal(podNodes(c).filter((n) => n === 'late').length, 1);
});

test('a nodeSelector limits the nodes; a node that stops matching loses its pod', () => {
  const c = start(daemonSet('agent:1', {}, { nodeSelector: { 'kubernetes.io/hostname': 'sim-node-2' } }));
  c.clock.advance(10_000);
  assert.deepEqual(podNodes(c), ['sim-node-2']);
  assert.equal(status(c).desiredNumberScheduled, 1);
  const node = c.ctx.store.get('nodes', undefined, 'sim-node-2')!;
  c.ctx.store.update('nodes', { ...node, metadata: { ...node.metadata, labels: { 'kubernetes.io/hostname': 'renamed' } } });
  c.clock.advance(0);
  assert.ok(pods(c)[0]?.metadata.deletionTimestamp, 'the pod on the node that no longer matches is deleted');
  assert.ok(c.events('kube-system', 'agent').some((e) => e.startsWith('SuccessfulDelete: Deleted pod: agent-')));
});

test('RollingUpdate with maxUnavailable 1 replaces one node at a time', () => {
  const c = start(daemonSet('agent:1'));
  c.clock.advance(10_000);
  const oldHash = hashes(c)[0];
  setImage(c, 'agent:2');
  c.clock.advance(0);
  const terminating = pods(c).filter((p) => p.metadata.deletionTimestamp !== undefined);
  assert.equal(terminating.length, 1, 'one old pod at a time');
  assert.equal(status(c).updatedNumberScheduled, undefined, 'no updated pods yet (omitted zero)');
  c.clock.advance(30_000 + 3_500); // grace period, then the new pod starts and becomes ready
  assert.equal(hashes(c).filter((h) => h !== oldHash).length, 1);
  c.clock.advance(120_000);
  assert.ok(hashes(c).every((h) => h !== oldHash));
  assert.equal(status(c).updatedNumberScheduled, 3);
  assert.equal(status(c).numberAvailable, 3);
});

test('RollingUpdate with maxSurge starts the new pod before the old one goes', () => {
  const c = start(daemonSet('agent:1', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }));
  c.clock.advance(10_000);
  setImage(c, 'agent:2');
  c.clock.advance(0);
  assert.equal(pods(c).length, 4, 'one surge pod');
  assert.equal(pods(c).filter((p) => p.metadata.deletionTimestamp !== undefined).length, 0);
  c.clock.advance(300_000);
  assert.equal(status(c).updatedNumberScheduled, 3);
  assert.equal(pods(c).length, 3);
});

test('OnDelete keeps old pods until they are deleted', () => {
  const c = start(daemonSet('agent:1', { updateStrategy: { type: 'OnDelete' } }));
  c.clock.advance(10_000);
  const oldHash = hashes(c)[0];
  setImage(c, 'agent:2');
  c.clock.advance(60_000);
  assert.ok(hashes(c).every((h) => h === oldHash));
  const victim = pods(c)[0]!;
  c.ctx.store.delete('pods', 'kube-system', victim.metadata.name ?? '');
  c.clock.advance(0);
  assert.equal(hashes(c).filter((h) => h !== oldHash).length, 1);
});

test('rolling limits: percentages round up, both zero means one unavailable', () => {
  const limits = (maxSurge: number | string, maxUnavailable: number | string, desired: number) =>
    rollingLimits(viewDaemonSet(daemonSet('x', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } } })), desired);
  assert.deepEqual(limits(0, '25%', 10), { maxSurge: 0, maxUnavailable: 3 });
  assert.deepEqual(limits('10%', 0, 5), { maxSurge: 1, maxUnavailable: 0 });
  assert.deepEqual(limits(0, 0, 5), { maxSurge: 0, maxUnavailable: 1 });
});
