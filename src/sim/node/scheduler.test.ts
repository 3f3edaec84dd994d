import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { record, records } from '../core/fields.ts';
import { parseNodesSpec } from './behaviour.ts';
import { nodeObject } from './nodes.ts';
import { startTestCluster } from '../testing/cluster.ts';
import type { TestCluster } from '../testing/cluster.ts';

let cluster: TestCluster | undefined;
afterEach(() => cluster?.stop());

const podRequesting = (name: string, cpu: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop' },
  spec: { containers: [{ name: 'app', image: 'nginx:1', resources: { requests: { cpu, memory: '64Mi' } } }] },
});

test('a pod that fits nowhere stays Pending with the scheduler message, and is bound when a node joins', () => {
  cluster = startTestCluster();
  const { store } = cluster.ctx;
  store.create('pods', podRequesting('big', '6'));
  cluster.clock.advance(0);
  const pod = cluster.pod('shop', 'big')!;
  const message = '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
  assert.equal(record(pod.spec).nodeName, undefined);
  const cond = records(record(pod.status).conditions).find((c) => c.type === 'PodScheduled');
  assert.deepEqual([cond?.status, cond?.reason, cond?.message], ['False', 'Unschedulable', message]);
  const [event] = cluster.rawEvents('shop', 'big');
  assert.deepEqual([event?.type, event?.reason, event?.message, event?.reportingComponent, event?.action], ['Warning', 'FailedScheduling', message, 'default-scheduler', 'Scheduling']);

  const [spec] = parseNodesSpec('1x8cpu16Gi');
  store.create('nodes', nodeObject({ ...spec!, name: 'big-node', labels: { 'kubernetes.io/hostname': 'big-node' } }, 9, cluster.clock.now()));
  cluster.clock.advance(999);
  assert.equal(record(cluster.pod('shop', 'big')!.spec).nodeName, undefined, 'back-off of 1 s after the failed attempt');
  cluster.clock.advance(1);
  assert.equal(record(cluster.pod('shop', 'big')!.spec).nodeName, 'big-node');
  assert.ok(cluster.events('shop', 'big').includes('Scheduled: Successfully assigned shop/big to big-node'));
});

test('bound pods use up node CPU; a freed pod lets the waiting one in', () => {
  cluster = startTestCluster({ nodes: '1x2cpu4Gi' });
  const { store } = cluster.ctx;
  store.create('pods', podRequesting('a', '1500m'));
  store.create('pods', podRequesting('b', '1'));
  cluster.clock.advance(0);
  assert.equal(record(cluster.pod('shop', 'a')!.spec).nodeName, 'sim-node-1');
  assert.equal(record(cluster.pod('shop', 'b')!.spec).nodeName, undefined);
  assert.match(cluster.events('shop', 'b')[0] ?? '', /^FailedScheduling: 0\/1 nodes are available: 1 Insufficient cpu\./);
  store.delete('pods', 'shop', 'a');
  cluster.clock.advance(1_000);
  assert.equal(record(cluster.pod('shop', 'b')!.spec).nodeName, 'sim-node-1');
});

test('repeated failures form one series event; unschedulable pods are retried every 5 minutes', () => {
  cluster = startTestCluster({ nodes: '1x1cpu1Gi' });
  cluster.ctx.store.create('pods', podRequesting('x', '2'));
  cluster.clock.advance(0);
  cluster.clock.advance(5 * 60_000);
  const events = cluster.rawEvents('shop', 'x');
  assert.equal(events.length, 1);
  assert.equal((events[0]!.series as { count: number } | undefined)?.count, 2);
});

test('nodeSelector and taints are honoured', () => {
  cluster = startTestCluster({ nodes: '2x4cpu8Gi' });
  const { store } = cluster.ctx;
  store.create('pods', { ...podRequesting('sel', '100m'), spec: { ...podRequesting('sel', '100m').spec, nodeSelector: { disk: 'ssd' } } });
  cluster.clock.advance(0);
  assert.equal(
    cluster.events('shop', 'sel')[0],
    "FailedScheduling: 0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
  );
});
