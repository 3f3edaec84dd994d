import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod, ReplicaSet } from './apps.ts';
import { POD_DELETION_COST, compareForDeletion, podFromTemplate, podsToDelete, replicaSetStatus } from './replicaset-pods.ts';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const ago = (ms: number): string => new Date(NOW - ms).toISOString().replace('.000Z', 'Z');

interface PodShape {
  name: string;
  node?: string;
  phase?: 'Pending' | 'Running' | 'Unknown';
  readyFor?: number;
  created?: number;
  restarts?: number;
  cost?: number;
}
const pod = (p: PodShape): Pod => ({
  metadata: {
    name: p.name,
    uid: `uid-${p.name}`,
    creationTimestamp: ago(p.created ?? 3_600_000),
    labels: { app: 'web' },
    ...(p.cost === undefined ? {} : { annotations: { [POD_DELETION_COST]: String(p.cost) } }),
  },
  spec: p.node === undefined ? {} : { nodeName: p.node },
  status: {
    phase: p.phase ?? 'Running',
    conditions: p.readyFor === undefined ? [] : [{ type: 'Ready', status: 'True', lastTransitionTime: ago(p.readyFor) }],
    containerStatuses: [{ name: 'app', restartCount: p.restarts ?? 0 }],
  },
});
const first = (a: PodShape, b: PodShape): string => {
  const c = compareForDeletion({ pod: pod(a), rank: 0 }, { pod: pod(b), rank: 0 }, NOW);
  return c < 0 ? a.name : c > 0 ? b.name : 'tie';
};

describe('scale-down deletion order (ActivePodsWithRanks)', () => {
  const rows: { rule: string; a: PodShape; b: PodShape; deletedFirst: string }[] = [
    { rule: '1. unassigned before assigned', a: { name: 'on-node', node: 'n1', phase: 'Pending' }, b: { name: 'unassigned', phase: 'Pending' }, deletedFirst: 'unassigned' },
    { rule: '2. Pending before Running', a: { name: 'running', node: 'n1', readyFor: 60_000 }, b: { name: 'pending', node: 'n1', phase: 'Pending' }, deletedFirst: 'pending' },
    { rule: '2. Unknown before Running', a: { name: 'running', node: 'n1' }, b: { name: 'unknown', node: 'n1', phase: 'Unknown' }, deletedFirst: 'unknown' },
    { rule: '3. not ready before ready', a: { name: 'ready', node: 'n1', readyFor: 60_000 }, b: { name: 'unready', node: 'n1' }, deletedFirst: 'unready' },
    { rule: '4. lower deletion cost first', a: { name: 'cheap', node: 'n1', readyFor: 1000, cost: -5 }, b: { name: 'dear', node: 'n1', readyFor: 1000, cost: 10 }, deletedFirst: 'cheap' },
    { rule: '6. more recently ready first', a: { name: 'old-ready', node: 'n1', readyFor: 3_600_000 }, b: { name: 'new-ready', node: 'n1', readyFor: 10_000 }, deletedFirst: 'new-ready' },
    { rule: '7. more restarts first', a: { name: 'calm', node: 'n1', restarts: 0 }, b: { name: 'flaky', node: 'n1', restarts: 4 }, deletedFirst: 'flaky' },
    { rule: '8. newer first', a: { name: 'old', node: 'n1', created: 7_200_000 }, b: { name: 'young', node: 'n1', created: 60_000 }, deletedFirst: 'young' },
    { rule: '8. same log2 age bucket: broken by UID', a: { name: 'b', node: 'n1', created: 3_000_000 }, b: { name: 'a', node: 'n1', created: 3_100_000 }, deletedFirst: 'a' },
  ];
  for (const r of rows) {
    it(`${r.rule}: ${r.deletedFirst}`, () => {
      assert.equal(first(r.a, r.b), r.deletedFirst);
      assert.equal(first(r.b, r.a), r.deletedFirst);
    });
  }
  it('5. pods on nodes crowded with siblings go first', () => {
    const crowded = { pod: pod({ name: 'crowded', node: 'n1', readyFor: 1000 }), rank: 3 };
    const alone = { pod: pod({ name: 'alone', node: 'n2', readyFor: 1000 }), rank: 1 };
    assert.ok(compareForDeletion(crowded, alone, NOW) < 0);
  });
  it('podsToDelete picks the first N by that order, and all without sorting when deleting all', () => {
    const pods = [pod({ name: 'r1', node: 'n1', readyFor: 60_000 }), pod({ name: 'p', phase: 'Pending' }), pod({ name: 'r2', node: 'n2', readyFor: 60_000 })];
    assert.deepEqual(podsToDelete(pods, pods, 1, NOW).map((p) => p.metadata.name), ['p']);
    assert.equal(podsToDelete(pods, pods, 5, NOW).length, 3);
  });
});

const replicaSet = (minReadySeconds = 0): ReplicaSet => ({
  metadata: { name: 'web-7d7cb47564', namespace: 'shop', uid: 'rs-uid', generation: 3 },
  spec: {
    replicas: 3,
    minReadySeconds,
    selector: { matchLabels: { app: 'web', 'pod-template-hash': '7d7cb47564' } },
    template: { metadata: { labels: { app: 'web', 'pod-template-hash': '7d7cb47564' }, annotations: { a: 'b' } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } },
  },
});

describe('podFromTemplate', () => {
  it('copies labels, annotations and spec, sets generateName and the controller reference', () => {
    const p = podFromTemplate(replicaSet());
    assert.equal(p.metadata.generateName, 'web-7d7cb47564-');
    assert.equal(p.metadata.name, undefined);
    assert.deepEqual(p.metadata.labels, { app: 'web', 'pod-template-hash': '7d7cb47564' });
    assert.deepEqual(p.metadata.annotations, { a: 'b' });
    assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d7cb47564', uid: 'rs-uid', controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(p['spec'], { containers: [{ name: 'app', image: 'nginx' }] });
  });
});

describe('replicaSetStatus', () => {
  const labelled = (p: Pod): Pod => ({ ...p, metadata: { ...p.metadata, labels: { app: 'web', 'pod-template-hash': '7d7cb47564' } } });
  it('counts replicas, fully labelled, ready and available (minReadySeconds) pods', () => {
    const pods = [labelled(pod({ name: 'a', node: 'n', readyFor: 30_000 })), labelled(pod({ name: 'b', node: 'n', readyFor: 5_000 })), pod({ name: 'c', node: 'n' })];
    const s = replicaSetStatus(replicaSet(10), pods, undefined, NOW, ago(0));
    assert.deepEqual(s, { replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1, observedGeneration: 3 });
  });
  it('adds ReplicaFailure FailedCreate with the error text after a failed create, and drops it after a clean sync', () => {
    const failed = replicaSetStatus(replicaSet(), [], 'pods "web-7d7cb47564-" is forbidden: exceeded quota', NOW, ago(0));
    assert.deepEqual(failed.conditions?.map((c) => [c.type, c.status, c.reason, c.message]), [['ReplicaFailure', 'True', 'FailedCreate', 'pods "web-7d7cb47564-" is forbidden: exceeded quota']]);
    const clean = replicaSetStatus({ ...replicaSet(), status: failed }, [], undefined, NOW, ago(0));
    assert.equal(clean.conditions, undefined);
    assert.equal(clean.replicas, 0);
  });
});
