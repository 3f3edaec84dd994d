import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ManagerRecord } from '../../model/records.ts';
import { ATTRIBUTION_WINDOW_MS, provenTemplateWrite } from './proven-write.ts';
import { revisionSourceOf, type RevisionSource } from './revision-source.ts';
import { controllerRevision, manager, replicaSet, T0, template, workload } from './testing/builders.ts';

const v1 = template({ images: { app: 'nginx:1.0' } });
const v2 = template({ images: { app: 'nginx:1.1' } });
const S = 1000;
const MIN = 60 * S;
/** The newest revision (2, template v2) is created at CREATED; revision 1 ten minutes before. */
const CREATED = T0 + 60 * MIN;
const create = manager('kubectl-create', T0, { template: true, replicas: true });

interface Row {
  readonly name: string;
  readonly managers: readonly ManagerRecord[];
  readonly want: string | null;
  readonly at?: number;
  readonly current?: typeof v1;
  readonly rePromoted?: boolean;
  readonly previousCreated?: number;
}

const rows: readonly Row[] = [
  { name: 'the writer one second before the revision', managers: [create, manager('kubectl-set', CREATED - S, { template: true })], want: 'kubectl-set', at: CREATED - S },
  { name: 'the writer in the same second as the revision', managers: [create, manager('kubectl-set', CREATED, { template: true })], want: 'kubectl-set', at: CREATED },
  { name: 'a server-side apply at the edge of the window', managers: [create, manager('argocd-controller', CREATED - ATTRIBUTION_WINDOW_MS, { template: true, operation: 'Apply' })], want: 'argocd-controller', at: CREATED - ATTRIBUTION_WINDOW_MS },
  { name: 'an entry older than the window (e.g. a field removal left no trace)', managers: [create, manager('kubectl-set', CREATED - ATTRIBUTION_WINDOW_MS - S, { template: true })], want: null },
  { name: 'two managers touching the template within the window', managers: [create, manager('helm', CREATED - 3 * S, { template: true }), manager('kubectl-set', CREATED - S, { template: true })], want: null },
  { name: 'a template-owning entry written after the revision (a later write)', managers: [create, manager('kubectl-set', CREATED - S, { template: true }), manager('helm', CREATED + 2 * S, { template: true })], want: null },
  {
    name: 'a scale-only write after the template write does not confuse it',
    managers: [create, manager('kubectl-set', CREATED - S, { template: true }), manager('kubectl-edit', CREATED + 30 * S, { replicas: true }), manager('horizontal-pod-autoscaler', CREATED + MIN, { replicas: true, subresource: 'scale' })],
    want: 'kubectl-set',
    at: CREATED - S,
  },
  { name: 'a status writer is never the author', managers: [create, manager('kubectl-set', CREATED - S, { template: true }), manager('kube-controller-manager', CREATED, { template: true, subresource: 'status' })], want: 'kubectl-set', at: CREATED - S },
  { name: 'the workload template moved on since (paused edits)', managers: [create, manager('kubectl-set', CREATED - S, { template: true })], current: v1, want: null },
  { name: 'a re-promoted ReplicaSet (rollback): no creation time to anchor the write', managers: [create, manager('kubectl-rollout', CREATED - S, { template: true })], rePromoted: true, want: null },
  { name: 'the previous revision was created in the same second as the write', managers: [create, manager('kubectl-set', CREATED - S, { template: true })], previousCreated: CREATED - S, want: null },
  { name: 'no managedFields at all', managers: [], want: null },
];

function sources(row: Row): { newest: RevisionSource; all: RevisionSource[] } {
  const w = workload({ template: v2 });
  const previous = revisionSourceOf(replicaSet(w, 1, v1, { created: row.previousCreated ?? CREATED - 10 * MIN }))!;
  const annotations = row.rePromoted ? { 'deployment.kubernetes.io/revision-history': '1' } : {};
  const newest = revisionSourceOf(replicaSet(w, 2, v2, { created: CREATED, annotations }))!;
  return { newest, all: [previous, newest] };
}

for (const row of rows) {
  test(`provenTemplateWrite: ${row.name} → ${row.want ?? 'unproven'}`, () => {
    const { newest, all } = sources(row);
    const w = workload({ template: row.current ?? v2, managers: row.managers });
    const got = provenTemplateWrite(w, newest, all);
    assert.equal(got?.actor.manager ?? null, row.want);
    if (got !== null) {
      assert.equal(got.at, row.at);
      assert.equal(got.revisionUid, newest.uid);
    }
  });
}

test('provenTemplateWrite keeps the rollscope.io/actor user and the workload change-cause', () => {
  const { newest, all } = sources({ name: '', managers: [], want: null });
  const w = workload({
    template: v2,
    managers: [manager('kubectl-set', CREATED - S, { template: true })],
    annotations: { 'rollscope.io/actor': 'alice', 'kubernetes.io/change-cause': 'bump nginx' },
  });
  const got = provenTemplateWrite(w, newest, all);
  assert.deepEqual(got?.actor, { manager: 'kubectl-set', user: 'alice' });
  assert.equal(got?.changeCause, 'bump nginx');
});

test('provenTemplateWrite: a StatefulSet rollback bumps an old ControllerRevision — its old creation time proves nothing', () => {
  const s = workload({ kind: 'StatefulSet', uid: 'uid-db', template: v1, managers: [create, manager('kubectl-rollout', CREATED - S, { template: true })] });
  const old = revisionSourceOf(controllerRevision(s, 3, v1, { created: CREATED - 20 * MIN }))!;
  const previous = revisionSourceOf(controllerRevision(s, 2, v2, { created: CREATED - 10 * MIN }))!;
  assert.equal(provenTemplateWrite(s, old, [previous, old]), null);
  const fresh = revisionSourceOf(controllerRevision(s, 3, v1, { created: CREATED }))!;
  assert.equal(provenTemplateWrite(s, fresh, [previous, fresh])?.actor.manager, 'kubectl-rollout');
});
