import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Unstructured } from '../track/status/fields.ts';
import { deployment, merge, statefulSet } from '../track/status/testing/fixtures.ts';
import { planDeploymentUndo, planRevisionUndo } from './undo-plan.ts';

const owner = (uid: string): unknown[] => [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid, controller: true }];
const template = (image: string, hash?: string): Unstructured => ({
  metadata: { labels: { app: 'web', ...(hash ? { 'pod-template-hash': hash } : {}) } },
  spec: { containers: [{ name: 'web', image }] },
});
function rs(revision: number, image: string, over: Unstructured = {}): Unstructured {
  return merge(
    {
      kind: 'ReplicaSet',
      metadata: { name: `web-h${revision}`, namespace: 'shop', ownerReferences: owner('d-1'), labels: { app: 'web', 'pod-template-hash': `h${revision}` }, annotations: { 'deployment.kubernetes.io/revision': String(revision), 'kubernetes.io/change-cause': `cause ${revision}` } },
      spec: { template: template(image, `h${revision}`) },
    },
    over,
  );
}
const current = deployment({
  metadata: { annotations: { 'deployment.kubernetes.io/revision': '3', 'kubernetes.io/change-cause': 'cause 3', 'kubectl.kubernetes.io/last-applied-configuration': '{}', team: 'shop' } },
  spec: { template: template('web:3') },
});
const HISTORY = [rs(1, 'web:1'), rs(2, 'web:2'), rs(3, 'web:3'), rs(9, 'web:9', { metadata: { ownerReferences: owner('someone-else') } })];

const ROWS: readonly { readonly name: string; readonly deployment?: Unstructured; readonly replicaSets?: readonly Unstructured[]; readonly toRevision: number; readonly want: { image?: string; revision?: number; skip?: string; error?: RegExp; code?: string } }[] = [
  { name: 'previous revision (the second-highest)', toRevision: 0, want: { image: 'web:2', revision: 2 } },
  { name: 'a given revision', toRevision: 1, want: { image: 'web:1', revision: 1 } },
  { name: "another Deployment's ReplicaSet is not history", toRevision: 9, want: { error: /^unable to find specified revision 9 in history$/, code: 'NOT_FOUND' } },
  { name: 'negative revision', toRevision: -1, want: { error: /^unable to find specified revision -1 in history$/, code: 'NOT_FOUND' } },
  { name: 'no earlier revision', replicaSets: [rs(3, 'web:3')], toRevision: 0, want: { error: /^no rollout history found for deployment "web"$/, code: 'NOT_FOUND' } },
  { name: 'already at that template: skipped', toRevision: 3, want: { skip: 'skipped rollback (current template already matches revision 3)', revision: 3 } },
  { name: 'paused: refused', deployment: merge(current, { spec: { paused: true } }), toRevision: 0, want: { error: /you cannot rollback a paused deployment; resume it first/, code: 'INVALID' } },
];
for (const row of ROWS)
  test(`planDeploymentUndo: ${row.name}`, () => {
    const r = planDeploymentUndo({ deployment: row.deployment ?? current, replicaSets: row.replicaSets ?? HISTORY, toRevision: row.toRevision, subject: 'deployment shop/web' });
    if (row.want.error) {
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.match(r.error.message, row.want.error);
        assert.equal(r.error.code, row.want.code);
        assert.ok(r.error.details.hint);
      }
      return;
    }
    assert.ok(r.ok);
    if (row.want.skip) return assert.deepEqual(r.value, { kind: 'skip', message: row.want.skip, revision: row.want.revision });
    assert.equal(r.value.kind, 'patch');
    if (r.value.kind !== 'patch') return;
    assert.equal(r.value.patchType, 'json');
    assert.equal(r.value.revision, row.want.revision);
    assert.deepEqual(r.value.patch, [
      { op: 'replace', path: '/spec/template', value: { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: row.want.image }] } } },
      {
        op: 'replace',
        path: '/metadata/annotations',
        // skip-list keys stay as the Deployment has them; everything else comes from the ReplicaSet (team is dropped, the cause reverts)
        value: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'deployment.kubernetes.io/revision': '3', 'kubernetes.io/change-cause': `cause ${row.want.revision}` },
      },
    ]);
  });

const sts = statefulSet({ spec: { template: template('db:3') } });
const cr = (revision: number, image: string, uid = 's-1'): Unstructured => ({
  kind: 'ControllerRevision',
  metadata: { name: `db-r${revision}`, namespace: 'shop', ownerReferences: [{ kind: 'StatefulSet', name: 'db', uid, controller: true }] },
  revision,
  data: { spec: { template: { $patch: 'replace', ...template(image) } } },
});
const CR_ROWS: readonly { readonly name: string; readonly revisions: readonly Unstructured[]; readonly toRevision: number; readonly want: { revision?: number; skip?: boolean; error?: RegExp } }[] = [
  { name: 'previous revision', revisions: [cr(1, 'db:1'), cr(3, 'db:3'), cr(2, 'db:2')], toRevision: 0, want: { revision: 2 } },
  { name: 'a given revision', revisions: [cr(1, 'db:1'), cr(3, 'db:3')], toRevision: 1, want: { revision: 1 } },
  { name: 'only one revision', revisions: [cr(3, 'db:3'), cr(2, 'db:2', 'other')], toRevision: 0, want: { error: /no last revision to roll back to$/ } },
  { name: 'unknown revision', revisions: [cr(1, 'db:1'), cr(3, 'db:3')], toRevision: 7, want: { error: /^unable to find specified revision 7 in history$/ } },
  { name: 'current template: skipped', revisions: [cr(1, 'db:1'), cr(3, 'db:3')], toRevision: 3, want: { skip: true, revision: 3 } },
];
for (const row of CR_ROWS)
  test(`planRevisionUndo: ${row.name}`, () => {
    const r = planRevisionUndo({ workload: sts, revisions: row.revisions, toRevision: row.toRevision, subject: 'statefulset shop/db' });
    if (row.want.error) {
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.error.message, row.want.error);
      return;
    }
    assert.ok(r.ok);
    assert.equal(r.value.revision, row.want.revision);
    if (row.want.skip) return assert.equal(r.value.kind, 'skip');
    const target = row.revisions.find((x) => x.revision === row.want.revision);
    assert.deepEqual(r.value, { kind: 'patch', patchType: 'strategic', patch: target?.data, revision: row.want.revision });
  });
