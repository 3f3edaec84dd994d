import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../kube/types.ts';
import { resourceInfo } from '../resources.ts';
import { formatAge } from '../../../model/duration.ts';
import { podPhaseReason, tableFor, wantsTable } from './table.ts';

const durations: readonly [number, string][] = [
  [-5_000, '<invalid>'],
  [0, '0s'],
  [45_000, '45s'],
  [119_000, '119s'],
  [150_000, '2m30s'],
  [300_000, '5m'],
  [3_700_000, '61m'],
  [5 * 3_600_000 + 600_000, '5h10m'],
  [30 * 3_600_000, '30h'],
  [(3 * 24 + 4) * 3_600_000, '3d4h'],
  [40 * 24 * 3_600_000, '40d'],
];
for (const [ms, want] of durations) test(`formatAge(${ms}) = ${want} (the Age column)`, () => assert.equal(formatAge(ms), want));

const pod = (status: unknown, meta: Partial<KubeObject['metadata']> = {}): KubeObject => ({ metadata: { name: 'p', ...meta }, spec: { containers: [{ name: 'app' }] }, status });
const reasons: readonly [string, KubeObject, string][] = [
  ['pending', pod({ phase: 'Pending' }), 'Pending'],
  ['waiting reason wins', pod({ phase: 'Pending', containerStatuses: [{ state: { waiting: { reason: 'ImagePullBackOff' } } }] }), 'ImagePullBackOff'],
  ['crash loop', pod({ phase: 'Running', containerStatuses: [{ state: { waiting: { reason: 'CrashLoopBackOff' } } }] }), 'CrashLoopBackOff'],
  ['terminated reason', pod({ phase: 'Running', containerStatuses: [{ state: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }] }), 'OOMKilled'],
  ['running', pod({ phase: 'Running', containerStatuses: [{ ready: true, state: { running: {} } }] }), 'Running'],
  ['terminating', pod({ phase: 'Running' }, { deletionTimestamp: '2026-01-01T00:00:00Z' }), 'Terminating'],
];
for (const [name, p, want] of reasons) test(`pod STATUS column: ${name}`, () => assert.equal(podPhaseReason(p), want));

test('wantsTable recognises the Accept header kubectl get sends', () => {
  assert.equal(wantsTable('application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json'), true);
  assert.equal(wantsTable('application/json'), false);
});

test('a Deployment row has the kubectl columns and a PartialObjectMetadata object', () => {
  const info = resourceInfo('deployments.apps');
  assert.ok(info);
  const d: KubeObject = { metadata: { name: 'web', creationTimestamp: '2026-01-01T00:00:00Z' }, spec: { replicas: 3 }, status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } };
  const t = tableFor(info, [d], { resourceVersion: '7' }, 'Metadata', Date.parse('2026-01-01T00:05:00Z')) as { columnDefinitions: { name: string }[]; rows: { cells: unknown[]; object: KubeObject }[] };
  assert.deepEqual(t.columnDefinitions.map((c) => c.name).slice(0, 5), ['Name', 'Ready', 'Up-to-date', 'Available', 'Age']);
  assert.deepEqual(t.rows[0]?.cells.slice(0, 5), ['web', '2/3', 3, 2, '5m']);
  assert.equal(t.rows[0]?.object.kind, 'PartialObjectMetadata');
});
