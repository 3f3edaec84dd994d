import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backfillReleases } from './backfill.ts';
import { condition, controllerRevision, pod, replicaSet, T0, template, workload } from './testing/builders.ts';
import { revisionSourceOf, type RevisionSource } from './revision-source.ts';
import { naturalKeyString } from './identity.ts';
import { workloadRefOf } from './workload-state.ts';

const v1 = template({ images: { app: 'nginx:1.0' } });
const v2 = template({ images: { app: 'nginx:1.1' } });
const v3 = template({ images: { app: 'nginx:1.1' }, env: { MODE: 'x' } });
const HOUR = 3_600_000;
const complete = { observedGeneration: 4, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 };

const sources = (...rs: Parameters<typeof replicaSet>[]): RevisionSource[] => rs.map((args) => revisionSourceOf(replicaSet(...args))!);

const summary = (rs: ReturnType<typeof backfillReleases>): string[] =>
  rs.map((r) => `#${r.releaseNumber} rev${r.revision} ${r.trigger} ${r.images.map((i) => i.image + (i.digest ? `@${i.digest}` : '')).join(',')} ${r.actor.manager} ${r.outcome} started+${(r.startedAt - T0) / HOUR}h`);

test('backfillReleases reconstructs history from the ReplicaSets that still exist', () => {
  const w = workload({ template: v3, generation: 4, status: complete });
  const revs = sources([w, 1, v1, { created: T0 }], [w, 2, v2, { created: T0 + HOUR }], [w, 3, v3, { created: T0 + 2 * HOUR }]);
  const pods = [pod({ kind: 'ReplicaSet', name: 'x', uid: revs[2]!.uid }, revs[2]!.podHash, { name: 'p1', ready: true, imageID: 'nginx@sha256:feed' })];
  const got = backfillReleases({ workload: w, ref: workloadRefOf('c', w), revisions: [...revs].reverse(), pods, now: T0 + 10 * HOUR });
  assert.deepEqual(summary(got), [
    '#1 rev1 create nginx:1.0 unknown superseded started+0h',
    '#2 rev2 image nginx:1.1 unknown superseded started+1h',
    '#3 rev3 config nginx:1.1@sha256:feed unknown succeeded started+2h',
  ]);
  assert.ok(got.every((r) => r.backfilled && r.finishedAt === null));
  assert.equal(got[2]!.previousReleaseId, got[1]!.id);
});

test('backfillReleases: a re-promoted ReplicaSet is a rollback and marks the one before it rolled-back', () => {
  const w = workload({ template: v1, generation: 4, status: complete });
  const revs = sources([w, 2, v2, { created: T0 + HOUR }], [w, 3, v1, { created: T0, annotations: { 'deployment.kubernetes.io/revision-history': '1' } }]);
  const got = backfillReleases({ workload: w, ref: workloadRefOf('c', w), revisions: revs, pods: [], now: T0 + 10 * HOUR });
  assert.deepEqual(summary(got), [
    '#1 rev2 config nginx:1.1 unknown rolled-back started+1h',
    '#2 rev3 rollback nginx:1.0 unknown succeeded started+1h',
  ]);
});

const outcomeRows = [
  { name: 'complete status → succeeded', status: complete, paused: false, want: 'succeeded' },
  { name: 'deadline exceeded → failed', status: { ...complete, updatedReplicas: 1, conditions: [condition('Progressing', 'False', 'ProgressDeadlineExceeded', 'ReplicaSet "web-1" has timed out progressing.')] }, paused: false, want: 'failed' },
  { name: 'paused mid-rollout → paused', status: { ...complete, updatedReplicas: 1 }, paused: true, want: 'paused' },
  { name: 'still rolling → progressing', status: { ...complete, updatedReplicas: 1 }, paused: false, want: 'progressing' },
  { name: 'generation not observed yet → progressing (nothing proven)', status: { ...complete, observedGeneration: 3 }, paused: false, want: 'progressing' },
] as const;
for (const row of outcomeRows) {
  test(`backfillReleases current outcome: ${row.name}`, () => {
    const w = workload({ template: v1, generation: 4, status: row.status, paused: row.paused });
    const [r] = backfillReleases({ workload: w, ref: workloadRefOf('c', w), revisions: sources([w, 1, v1]), pods: [], now: T0 });
    assert.equal(r?.outcome, row.want);
    if (row.want === 'failed') assert.equal(r?.failure?.code, 'ProgressDeadlineExceeded');
  });
}

test('backfillReleases is idempotent with the ledger: known keys and revisions are skipped, numbers continue', () => {
  const w = workload({ template: v2, generation: 4, status: complete });
  const revs = sources([w, 1, v1], [w, 2, v2, { created: T0 + HOUR }]);
  const first = backfillReleases({ workload: w, ref: workloadRefOf('c', w), revisions: revs, pods: [], now: T0 });
  const again = backfillReleases({ workload: w, ref: workloadRefOf('c', w), revisions: revs, pods: [], now: T0 + HOUR });
  assert.deepEqual(again.map((r) => r.id), first.map((r) => r.id), 'same natural key → same id');
  const keys = new Set([naturalKeyString({ workloadUid: w.uid, templateHash: v1.fingerprint, revision: '1' })]);
  const rest = backfillReleases({ workload: w, ref: workloadRefOf('c', w), revisions: revs, pods: [], now: T0, known: { lastNumber: 7, keys } });
  assert.deepEqual(rest.map((r) => `${r.releaseNumber}/${r.revision}`), ['8/2']);
  assert.deepEqual(backfillReleases({ workload: w, ref: workloadRefOf('c', w), revisions: revs, pods: [], now: T0, known: { floorRevision: 2 } }), []);
});

test('backfillReleases reads StatefulSet history from ControllerRevisions', () => {
  const s = workload({ kind: 'StatefulSet', uid: 'uid-db', template: v2, generation: 2, status: { ...complete, observedGeneration: 2, currentRevision: 'db-b', updateRevision: 'db-b' } });
  const revs = [controllerRevision(s, 1, v1), controllerRevision(s, 2, v2, { created: T0 + HOUR })].map((r) => revisionSourceOf(r)!);
  const got = backfillReleases({ workload: s, ref: workloadRefOf('c', s), revisions: revs, pods: [], now: T0 });
  assert.deepEqual(got.map((r) => `${r.revision} ${r.trigger} ${r.outcome}`), ['1 create superseded', '2 image succeeded']);
});

test('backfillReleases: a proven write gives the newest release its author, start and change-cause, as tracked', () => {
  const w = workload({ template: v2, generation: 4, status: complete, annotations: { 'kubernetes.io/change-cause': 'bump' } });
  const revs = sources([w, 1, v1, { created: T0 }], [w, 2, v2, { created: T0 + HOUR }]);
  const at = T0 + HOUR - 1000;
  const proven = { revisionUid: revs[1]!.uid, actor: { manager: 'kubectl-set' }, at, changeCause: 'bump' };
  const got = backfillReleases({ workload: w, ref: workloadRefOf('c', w), revisions: revs, pods: [], now: T0 + 10 * HOUR, proven });
  assert.deepEqual(summary(got), ['#1 rev1 create nginx:1.0 unknown superseded started+0h', `#2 rev2 image nginx:1.1 kubectl-set succeeded started+${(at - T0) / HOUR}h`]);
  assert.deepEqual([got[0]!.backfilled, got[1]!.backfilled, got[1]!.changeCause, got[1]!.startedAt], [true, false, 'bump', at]);
  // A proof about another revision than the newest changes nothing.
  const other = backfillReleases({ workload: w, ref: workloadRefOf('c', w), revisions: revs, pods: [], now: T0 + 10 * HOUR, proven: { ...proven, revisionUid: revs[0]!.uid } });
  assert.ok(other.every((r) => r.backfilled && r.actor.manager === 'unknown'));
});
