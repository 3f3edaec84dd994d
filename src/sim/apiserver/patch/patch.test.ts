import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyJsonPatch } from './json-patch.ts';
import { applyMergePatch } from './merge.ts';
import { applyStrategicPatch } from './strategic.ts';

const template = (containers: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  spec: { replicas: 2, template: { metadata: { labels: { app: 'web' } }, spec: { containers, ...extra } } },
});
const app = { name: 'app', image: 'web:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80, protocol: 'TCP' }] };
const side = { name: 'side', image: 'side:1' };

const strategicRows: readonly { name: string; original: unknown; patch: unknown; want: unknown }[] = [
  {
    name: 'kubectl set image: merges containers by name',
    original: template([app, side]),
    patch: { spec: { template: { spec: { containers: [{ name: 'side', image: 'side:2' }] } } } },
    want: template([app, { name: 'side', image: 'side:2' }]),
  },
  {
    name: 'kubectl rollout restart: adds a template annotation',
    original: template([side]),
    patch: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z' } } } } },
    want: { spec: { replicas: 2, template: { metadata: { labels: { app: 'web' }, annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z' } }, spec: { containers: [side] } } } },
  },
  {
    name: 'kubectl rollout pause: sets a scalar',
    original: { spec: { replicas: 2 } },
    patch: { spec: { paused: true } },
    want: { spec: { replicas: 2, paused: true } },
  },
  {
    name: 'env merges by name; null deletes a field',
    original: template([app]),
    patch: { spec: { replicas: null, template: { spec: { containers: [{ name: 'app', env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }] }] } } } },
    want: { spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ ...app, env: [{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'C', value: '4' }] }] } } } },
  },
  {
    name: '$patch: delete removes a list item by merge key',
    original: template([app, side]),
    patch: { spec: { template: { spec: { containers: [{ name: 'side', $patch: 'delete' }] } } } },
    want: template([app]),
  },
  {
    name: '$patch: replace on a list replaces it',
    original: template([app, side]),
    patch: { spec: { template: { spec: { containers: [{ name: 'new', image: 'n:1' }, { $patch: 'replace' }] } } } },
    want: template([{ name: 'new', image: 'n:1' }]),
  },
  {
    name: '$patch: replace on a map replaces it',
    original: { metadata: { labels: { a: '1', b: '2' } } },
    patch: { metadata: { labels: { c: '3', $patch: 'replace' } } },
    want: { metadata: { labels: { c: '3' } } },
  },
  {
    name: 'kubectl apply: $setElementOrder reorders the merged list',
    original: template([app, side]),
    patch: { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'side' }, { name: 'app' }], containers: [{ name: 'side', image: 'side:3' }] } } } },
    want: template([{ name: 'side', image: 'side:3' }, app]),
  },
  {
    name: '$retainKeys clears keys not listed (strategy type change)',
    original: { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } } } },
    patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } },
    want: { spec: { strategy: { type: 'Recreate' } } },
  },
  {
    name: 'finalizers merge as a set; $deleteFromPrimitiveList removes values',
    original: { metadata: { finalizers: ['a', 'b'] } },
    patch: { metadata: { finalizers: ['c'], '$deleteFromPrimitiveList/finalizers': ['a'] } },
    want: { metadata: { finalizers: ['b', 'c'] } },
  },
  {
    name: 'container ports merge by containerPort; args replace',
    original: template([{ ...app, args: ['x'] }]),
    patch: { spec: { template: { spec: { containers: [{ name: 'app', args: ['y'], ports: [{ containerPort: 8080 }] }] } } } },
    want: template([{ ...app, args: ['y'], ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 8080 }] }]),
  },
  {
    name: 'tolerations have no merge key and are replaced',
    original: template([side], { tolerations: [{ key: 'a', operator: 'Exists' }] }),
    patch: { spec: { template: { spec: { tolerations: [{ key: 'b', operator: 'Exists' }] } } } },
    want: template([side], { tolerations: [{ key: 'b', operator: 'Exists' }] }),
  },
  {
    name: 'status conditions merge by type',
    original: { status: { conditions: [{ type: 'Available', status: 'True' }, { type: 'Progressing', status: 'True' }] } },
    patch: { status: { conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] } },
    want: { status: { conditions: [{ type: 'Available', status: 'True' }, { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] } },
  },
];

test('strategic merge patch: the exact body kubectl apply (client-side, v1.32) sent to change image and port', () => {
  // Captured with `kubectl apply -f d4.yaml -v=9` against the simulator (last-applied annotation trimmed).
  const body = JSON.parse(
    '{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}\\n"}},"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"app"}],"containers":[{"$setElementOrder/ports":[{"containerPort":9091}],"image":"nginx:1.31","name":"app","ports":[{"containerPort":9091},{"$patch":"delete","containerPort":9090}]}]}}}}',
  ) as unknown;
  const live = { metadata: { name: 'web' }, spec: { replicas: 2, template: { spec: { containers: [{ name: 'app', image: 'nginx:1.30', ports: [{ containerPort: 9090, protocol: 'TCP' }] }] } } } };
  assert.deepEqual(applyStrategicPatch(live, body), {
    metadata: { name: 'web', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}\n' } },
    spec: { replicas: 2, template: { spec: { containers: [{ name: 'app', image: 'nginx:1.31', ports: [{ containerPort: 9091 }] }] } } },
  });
});

for (const row of strategicRows) {
  test(`strategic merge patch: ${row.name}`, () => {
    assert.deepEqual(applyStrategicPatch(row.original, row.patch), row.want);
  });
}

const mergeRows: readonly { name: string; original: unknown; patch: unknown; want: unknown }[] = [
  { name: 'kubectl scale: sets spec.replicas', original: { spec: { replicas: 1 } }, patch: { spec: { replicas: 3 } }, want: { spec: { replicas: 3 } } },
  { name: 'null deletes', original: { a: 1, b: { c: 2, d: 3 } }, patch: { b: { c: null } }, want: { a: 1, b: { d: 3 } } },
  { name: 'lists are replaced whole', original: { l: [1, 2, 3] }, patch: { l: [4] }, want: { l: [4] } },
];
for (const row of mergeRows) {
  test(`JSON merge patch: ${row.name}`, () => assert.deepEqual(applyMergePatch(row.original, row.patch), row.want));
}

test('JSON patch: kubectl rollout undo replaces the template and annotations', () => {
  const d = { metadata: { annotations: { 'deployment.kubernetes.io/revision': '2' } }, spec: { template: { spec: { containers: [{ name: 'app', image: 'web:2' }] } } } };
  const got = applyJsonPatch(d, [
    { op: 'replace', path: '/spec/template', value: { spec: { containers: [{ name: 'app', image: 'web:1' }] } } },
    { op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '2' } },
  ]);
  assert.deepEqual(got, { metadata: { annotations: { 'deployment.kubernetes.io/revision': '2' } }, spec: { template: { spec: { containers: [{ name: 'app', image: 'web:1' }] } } } });
  assert.deepEqual(d.spec.template.spec.containers[0]?.image, 'web:2');
});

const jsonRows: readonly { name: string; ops: Parameters<typeof applyJsonPatch>[1]; want: unknown }[] = [
  { name: 'add appends with -', ops: [{ op: 'add', path: '/l/-', value: 9 }], want: { l: [1, 2, 9], m: { 'a/b': 1 } } },
  { name: 'remove by index', ops: [{ op: 'remove', path: '/l/0' }], want: { l: [2], m: { 'a/b': 1 } } },
  { name: 'escaped pointer ~1', ops: [{ op: 'replace', path: '/m/a~1b', value: 2 }], want: { l: [1, 2], m: { 'a/b': 2 } } },
  { name: 'move and copy', ops: [{ op: 'copy', from: '/l/0', path: '/x' }, { op: 'move', from: '/x', path: '/y' }], want: { l: [1, 2], m: { 'a/b': 1 }, y: 1 } },
];
for (const row of jsonRows) {
  test(`JSON patch: ${row.name}`, () => assert.deepEqual(applyJsonPatch({ l: [1, 2], m: { 'a/b': 1 } }, row.ops), row.want));
}

test('JSON patch: a failed test op or a missing path throws INVALID', () => {
  assert.throws(() => applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }]), /testing value \/a failed/);
  assert.throws(() => applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '/b/c', value: 2 }]), /missing/);
});
