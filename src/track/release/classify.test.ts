import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyChange } from './classify.ts';
import { template, workload, T0 } from './testing/builders.ts';
import { triggerOf } from './template-trigger.ts';

const v1 = template({ images: { app: 'nginx:1.0' } });
const v2 = template({ images: { app: 'nginx:1.1' } });
const base = workload({ template: v1 });
const summary = (changes: ReturnType<typeof classifyChange>): string[] =>
  changes.map((c) => (c.kind === 'template' ? `release:${c.trigger}` : c.type));

const rows: readonly { name: string; next: Parameters<typeof workload>[0]; prevIsUndefined?: boolean; earlier?: readonly string[]; want: string[] }[] = [
  { name: 'created', next: {}, prevIsUndefined: true, want: ['release:create'] },
  { name: 'image only', next: { template: v2 }, want: ['release:image'] },
  { name: 'env change is config', next: { template: template({ images: { app: 'nginx:1.0' }, env: { MODE: 'x' } }) }, want: ['release:config'] },
  { name: 'rollout restart', next: { template: template({ images: { app: 'nginx:1.0' }, annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z' } }) }, want: ['release:restart'] },
  { name: 'image + restartedAt together is config', next: { template: template({ images: { app: 'nginx:1.1' }, annotations: { 'kubectl.kubernetes.io/restartedAt': 'x' } }) }, want: ['release:config'] },
  { name: 'back to an earlier template is rollback', next: { template: v2 }, earlier: [v2.fingerprint], want: ['release:rollback'] },
  { name: 'HPA scale is never a release', next: { replicas: 7, generation: 2 }, want: ['scale'] },
  { name: 'scale to zero', next: { replicas: 0 }, want: ['scale'] },
  { name: 'pause', next: { paused: true }, want: ['pause'] },
  { name: 'resume', next: { paused: false }, want: [] },
  { name: 'strategy/deadline change is spec', next: { specFingerprint: 'spec-2' }, want: ['spec'] },
  { name: 'label change is metadata', next: { labels: { app: 'web', team: 'a' } }, want: ['metadata'] },
  { name: 'annotation change is metadata', next: { annotations: { owner: 'x' } }, want: ['metadata'] },
  { name: 'controller revision annotation is bookkeeping', next: { annotations: { 'deployment.kubernetes.io/revision': '2' } }, want: [] },
  { name: 'change-cause with a template change belongs to the release', next: { template: v2, annotations: { 'kubernetes.io/change-cause': 'set image' } }, want: ['release:image'] },
  { name: 'status-only update yields nothing', next: { status: { observedGeneration: 1, replicas: 3, updatedReplicas: 3 } }, want: [] },
  { name: 'image + replicas in one apply', next: { template: v2, replicas: 5 }, want: ['release:image', 'scale'] },
  { name: 'deletionTimestamp set is delete', next: { deletionTimestamp: T0 + 5 }, want: ['delete'] },
];

for (const row of rows) {
  test(`classifyChange: ${row.name} → [${row.want.join(', ')}]`, () => {
    const next = workload({ template: v1, ...row.next });
    const got = classifyChange(row.prevIsUndefined ? undefined : base, next, { earlierTemplates: new Map((row.earlier ?? []).map((fp, i) => [fp, i + 1])) });
    assert.deepEqual(summary(got), row.want);
  });
}

test('classifyChange: the same object yields nothing', () => {
  assert.deepEqual(classifyChange(base, base), []);
});

test('classifyChange: resume after pause', () => {
  const paused = workload({ template: v1, paused: true });
  assert.deepEqual(summary(classifyChange(paused, workload({ template: v1, paused: false }))), ['resume']);
});

test('classifyChange: scale carries from/to', () => {
  const [c] = classifyChange(base, workload({ template: v1, replicas: 9 }));
  assert.deepEqual(c, { kind: 'event', type: 'scale', detail: { from: 3, to: 9 } });
});

test('triggerOf: a secret env value change (redacted in both) is still a config change', () => {
  const a = template({ images: { app: 'x:1' }, env: { PASSWORD: 'a' } });
  const b = { ...a, fingerprint: 'different' };
  assert.equal(triggerOf(a, b), 'config');
});
