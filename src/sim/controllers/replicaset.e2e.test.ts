// The ReplicaSet controller on its own, against the real scheduler and kubelet (ManualClock).
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { startTestCluster, type TestCluster } from '../testing/cluster.ts';
import { asReplicaSet, controllerOf } from './apps.ts';
import { isPodActive } from './pods.ts';
import { startReplicaSetController } from './replicaset.ts';

let c: TestCluster;
beforeEach(() => {
  c = startTestCluster({}, [startReplicaSetController]);
  c.ctx.store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
});
afterEach(() => c.stop());

const createReplicaSet = (replicas: number, minReadySeconds = 0) =>
  c.ctx.store.create('replicasets.apps', {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'front', namespace: 'shop' },
    spec: {
      replicas,
      minReadySeconds,
      selector: { matchLabels: { app: 'front' } },
      template: { metadata: { labels: { app: 'front' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.0' }] } },
    },
  });
const rs = () => asReplicaSet(c.ctx.store.get('replicasets.apps', 'shop', 'front')!);
const pods = () => c.ctx.store.list('pods', { namespace: 'shop' }).filter((p) => controllerOf(p)?.name === 'front');

describe('ReplicaSet controller', () => {
  it('creates the pods with generated names and SuccessfulCreate events, and reports ready/available in status', () => {
    // Given a ReplicaSet of 3
    createReplicaSet(3);
    c.clock.advance(0);
    // Then 3 pods named front-xxxxx exist, one event each
    const created = pods();
    assert.equal(created.length, 3);
    for (const p of created) assert.match(p.metadata.name ?? '', /^front-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(
      c.events('shop', 'front').filter((e) => e.startsWith('SuccessfulCreate')).sort(),
      created.map((p) => `SuccessfulCreate: Created pod: ${p.metadata.name ?? ''}`).sort(),
    );
    assert.equal(rs().status?.replicas, 3);
    // When the pods start and pass readiness
    c.clock.advance(30_000);
    // Then the status says so
    assert.deepEqual({ ...rs().status, conditions: undefined }, { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1, conditions: undefined });
  });

  it('scales down by deleting pending pods before running ones, with SuccessfulDelete events', () => {
    createReplicaSet(2);
    c.clock.advance(30_000);
    const running = pods().map((p) => p.metadata.name);
    // When scaled to 4 and, before the new pods run, back to 2
    c.ctx.store.update('replicasets.apps', { ...rs(), spec: { ...rs().spec, replicas: 4 } });
    c.clock.advance(0);
    c.ctx.store.update('replicasets.apps', { ...rs(), spec: { ...rs().spec, replicas: 2 } });
    c.clock.advance(0);
    // Then the two young, not-yet-running pods were the ones deleted
    const left = pods().filter(isPodActive).map((p) => p.metadata.name);
    assert.deepEqual(left.sort(), [...running].sort());
    assert.equal(c.events('shop', 'front').filter((e) => e.startsWith('SuccessfulDelete: Deleted pod: ')).length, 2);
    c.clock.advance(60_000);
    assert.equal(rs().status?.replicas, 2);
  });

  it('counts a pod available only minReadySeconds after it became ready', () => {
    createReplicaSet(1, 15);
    let readyAt = 0;
    for (let t = 0; t < 60_000 && !readyAt; t += 100) {
      c.clock.advance(100);
      if ((rs().status?.readyReplicas ?? 0) === 1) readyAt = c.clock.now();
    }
    assert.ok(readyAt > 0, 'pod never became ready');
    assert.equal(rs().status?.availableReplicas ?? 0, 0);
    c.clock.advance(14_000);
    assert.equal(rs().status?.availableReplicas ?? 0, 0);
    c.clock.advance(2_000);
    assert.equal(rs().status?.availableReplicas, 1);
  });

  it('adopts a matching orphan pod instead of creating another', () => {
    c.ctx.store.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stray', namespace: 'shop', labels: { app: 'front' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.0' }] } });
    createReplicaSet(1);
    c.clock.advance(0);
    assert.deepEqual(pods().map((p) => p.metadata.name), ['stray']);
  });
});
