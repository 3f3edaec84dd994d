import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../core/clock.ts';
import { createSimStorage } from './storage.ts';

// Status fields k8s.io/api apps/v1 types.go declares without omitempty (so the official OpenAPI
// lists them as required and generated clients refuse an object without them).
const NON_OMITEMPTY: readonly { readonly resource: string; readonly kind: string; readonly status: readonly string[] }[] = [
  { resource: 'replicasets.apps', kind: 'ReplicaSet', status: ['replicas'] },
  { resource: 'statefulsets.apps', kind: 'StatefulSet', status: ['replicas', 'availableReplicas'] },
  { resource: 'daemonsets.apps', kind: 'DaemonSet', status: ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady'] },
];

const template = { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'x', image: 'x:1' }] } };

for (const row of NON_OMITEMPTY) {
  test(`a new ${row.kind} is served with its non-omitempty status fields (${row.status.join(', ')})`, () => {
    const store = createSimStorage(new ManualClock(Date.parse('2026-01-01T00:00:00Z')));
    const spec = { selector: { matchLabels: { app: 'x' } }, template, ...(row.kind === 'DaemonSet' ? {} : { replicas: 1 }), ...(row.kind === 'StatefulSet' ? { serviceName: 'x' } : {}) };
    const created = store.create(row.resource, { apiVersion: 'apps/v1', kind: row.kind, metadata: { name: 'x', namespace: 'shop' }, spec });
    const status = created['status'] as Record<string, unknown>;
    for (const f of row.status) assert.equal(status[f], 0, `${row.kind} status.${f}`);
    const got = store.get(row.resource, 'shop', 'x');
    assert.deepEqual(got?.['status'], status);
  });
}
