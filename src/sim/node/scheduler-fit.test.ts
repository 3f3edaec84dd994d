import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../kube/types.ts';
import { parseNodesSpec } from './behaviour.ts';
import { nodeObject } from './nodes.ts';
import { podRequests } from './pod-resources.ts';
import { filterNode, fitErrorMessage, NO_NODES } from './scheduler-fit.ts';

const node = (patch: { labels?: Record<string, string>; taints?: { key: string; value?: string; effect: string }[]; unschedulable?: boolean } = {}): KubeObject => {
  const [spec] = parseNodesSpec('1x4cpu8Gi/pods=3');
  const n = nodeObject({ ...spec!, labels: { ...spec!.labels, ...patch.labels }, taints: patch.taints ?? [], unschedulable: patch.unschedulable ?? false }, 0, 0);
  return n;
};

const pod = (spec: Record<string, unknown>): KubeObject => ({ metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [{ name: 'app', image: 'a' }], ...spec } });
const requesting = (cpu: string, memory: string, extra: Record<string, unknown> = {}): KubeObject =>
  pod({ containers: [{ name: 'app', image: 'a', resources: { requests: { cpu, memory } } }], ...extra });

const free = { cpuMillis: 0, memoryBytes: 0, pods: 0 };
const rows: { name: string; pod: KubeObject; node: KubeObject; usage?: typeof free; reasons: string[]; resolvable?: boolean }[] = [
  { name: 'small pod fits', pod: requesting('100m', '128Mi'), node: node(), reasons: [] },
  { name: 'no requests fits', pod: pod({}), node: node(), reasons: [] },
  { name: 'too much cpu', pod: requesting('5', '1Gi'), node: node(), reasons: ['Insufficient cpu'] },
  { name: 'cpu and memory', pod: requesting('4500m', '9Gi'), node: node(), reasons: ['Insufficient cpu', 'Insufficient memory'] },
  { name: 'bound pods use it up', pod: requesting('1', '1Gi'), node: node(), usage: { cpuMillis: 3500, memoryBytes: 0, pods: 1 }, reasons: ['Insufficient cpu'] },
  { name: 'pod count', pod: pod({}), node: node(), usage: { cpuMillis: 0, memoryBytes: 0, pods: 3 }, reasons: ['Too many pods'] },
  { name: 'limit counts as request', pod: pod({ containers: [{ name: 'a', resources: { limits: { memory: '10Gi' } } }] }), node: node(), reasons: ['Insufficient memory'] },
  { name: 'node selector', pod: pod({ nodeSelector: { disk: 'ssd' } }), node: node(), reasons: ["node(s) didn't match Pod's node affinity/selector"], resolvable: false },
  { name: 'node selector matches', pod: pod({ nodeSelector: { disk: 'ssd' } }), node: node({ labels: { disk: 'ssd' } }), reasons: [] },
  { name: 'untolerated taint', pod: pod({}), node: node({ taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }), reasons: ['node(s) had untolerated taint {dedicated: gpu}'], resolvable: false },
  { name: 'tolerated taint', pod: pod({ tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] }), node: node({ taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }), reasons: [] },
  { name: 'Exists tolerates any value', pod: pod({ tolerations: [{ operator: 'Exists' }] }), node: node({ taints: [{ key: 'x', effect: 'NoExecute' }] }), reasons: [] },
  { name: 'PreferNoSchedule is ignored', pod: pod({}), node: node({ taints: [{ key: 'x', effect: 'PreferNoSchedule' }] }), reasons: [] },
  { name: 'cordoned node', pod: pod({}), node: node({ unschedulable: true }), reasons: ['node(s) were unschedulable'], resolvable: false },
  {
    name: 'DaemonSet-style matchFields affinity',
    pod: pod({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['other'] }] }] } } } }),
    node: node(),
    reasons: ["node(s) didn't match Pod's node affinity/selector"],
    resolvable: false,
  },
];

for (const row of rows) {
  test(`filterNode: ${row.name}`, () => {
    const r = filterNode(row.pod, podRequests(row.pod), row.node, row.usage ?? free);
    assert.deepEqual(r.reasons, row.reasons);
    if (row.resolvable !== undefined) assert.equal(r.resolvable, row.resolvable);
  });
}

test('fitErrorMessage renders the scheduler message for 3 nodes short of cpu', () => {
  const r = { reasons: ['Insufficient cpu'], resolvable: true };
  assert.equal(
    fitErrorMessage([r, r, r]),
    '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
  );
});

test('fitErrorMessage sorts count-prefixed reasons as strings and splits the preemption verdict', () => {
  const taint = { reasons: ["node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"], resolvable: false };
  const both = { reasons: ['Insufficient cpu', 'Insufficient memory'], resolvable: true };
  assert.equal(
    fitErrorMessage([taint, both, both]),
    '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu, 2 Insufficient memory. ' +
      'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
  );
});

test('fitErrorMessage with no nodes', () => {
  assert.equal(fitErrorMessage([]), NO_NODES);
});

test('podRequests takes the larger of the containers sum and any init container', () => {
  const p = pod({
    containers: [
      { name: 'a', resources: { requests: { cpu: '100m', memory: '64Mi' } } },
      { name: 'b', resources: { requests: { cpu: '0.2', memory: '64Mi' } } },
    ],
    initContainers: [{ name: 'i', resources: { requests: { cpu: '1', memory: '1Mi' } } }],
  });
  assert.deepEqual(podRequests(p), { cpuMillis: 1000, memoryBytes: 128 * 2 ** 20 });
});
