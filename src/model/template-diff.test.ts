import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffTemplates } from './template-diff.ts';

const base = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1', env: [{ name: 'A', value: '<redacted>' }] }, { name: 'proxy', image: 'envoy:1' }] } };
const rows = [
  { name: 'identical → no changes', after: base, want: [] },
  { name: 'image change', after: { ...base, spec: { containers: [{ ...base.spec.containers[0], image: 'web:2' }, base.spec.containers[1]] } }, want: [{ path: 'spec.containers[web].image', op: 'changed', before: 'web:1', after: 'web:2' }] },
  { name: 'reordered containers are not a change', after: { ...base, spec: { containers: [base.spec.containers[1], base.spec.containers[0]] } }, want: [] },
  { name: 'added annotation', after: { ...base, metadata: { ...base.metadata, annotations: { 'kubectl.kubernetes.io/restartedAt': 't' } } }, want: [{ path: 'metadata.annotations', op: 'added', after: { 'kubectl.kubernetes.io/restartedAt': 't' } }] },
  { name: 'removed container', after: { ...base, spec: { containers: [base.spec.containers[0]] } }, want: [{ path: 'spec.containers[proxy]', op: 'removed', before: { name: 'proxy', image: 'envoy:1' } }] },
] as const;
for (const row of rows) test(`diffTemplates: ${row.name}`, () => assert.deepEqual(diffTemplates(base, row.after), row.want));
