import assert from 'node:assert/strict';
import { test } from 'node:test';
import { projectWorkload } from '../model/project-workload.ts';
import type { WorkloadRecord } from '../model/records.ts';
import { DEFAULT_FAIL_FAST_RULES } from '../track/status/fail-fast.ts';
import type { Unstructured } from '../track/status/fields.ts';
import { deployment, eventRecord, merge, podRecord, statefulSet, T0 } from '../track/status/testing/fixtures.ts';
import { newTrack, stepTarget, type TargetTrack } from './wait-step.ts';
import type { WorkloadView } from './workload-view.ts';

const target = { kind: 'Deployment' as const, namespace: 'shop', name: 'web' };
const NONE: WorkloadView = { pods: [], events: [] };
const rolling = deployment({ metadata: { generation: 3 }, spec: { template: { spec: { containers: [{ name: 'app', image: 'web:3' }] } } }, status: { observedGeneration: 3, updatedReplicas: 1, availableReplicas: 2, readyReplicas: 2 } });
const pullFailing: WorkloadView = {
  pods: [podRecord({ status: { phase: 'Pending', conditions: [], containerStatuses: [{ name: 'app', image: 'web:3', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "web:3"' } } }] } })],
  events: [eventRecord('Failed', 'Failed to pull image "web:3": not found', 1)],
};
const unschedulable: WorkloadView = {
  pods: [podRecord({ spec: { nodeName: '' }, status: { phase: 'Pending', containerStatuses: [], conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.' }] } })],
  events: [],
};

/** record projects a fixture as the waiter's watch holds it: the tracker's WorkloadRecord. */
function record(object: Unstructured | null, kind: WorkloadRecord['kind'] = 'Deployment'): WorkloadRecord | null {
  if (object === null) return null;
  const wire = merge(object, { metadata: { resourceVersion: '7' }, spec: { template: { metadata: { labels: { app: 'web' } } } } });
  const r = projectWorkload(merge({ spec: { template: { spec: { containers: [{ name: 'app', image: 'web:2' }] } } } }, wire), kind);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
}

function step(track: TargetTrack, object: Unstructured | null, view: WorkloadView, now: number, notFoundGraceMs = 0) {
  const r = stepTarget({ track, workload: record(object), view, now, startedAt: T0, rules: DEFAULT_FAIL_FAST_RULES, notFoundGraceMs });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

const ROWS: readonly { readonly name: string; readonly object: Unstructured | null; readonly view?: WorkloadView; readonly now?: number; readonly grace?: number; readonly status: string; readonly reason: string; readonly recheckAt?: number | null }[] = [
  { name: 'rolled out → done', object: deployment(), status: 'done', reason: 'RolledOut' },
  { name: 'still rolling, nothing wrong → waiting, look again within a second', object: rolling, status: 'waiting', reason: 'LessUpdated', recheckAt: T0 + 1000 },
  { name: 'image cannot be pulled → failed at once (rule 0 s)', object: rolling, view: pullFailing, status: 'failed', reason: 'ImagePullFailed' },
  { name: 'unschedulable → waiting out its 30 s grace', object: rolling, view: unschedulable, status: 'waiting', reason: 'LessUpdated', recheckAt: T0 + 1000 },
  { name: 'paused → failed with reason Paused (never waits forever)', object: merge(rolling, { spec: { paused: true } }), status: 'failed', reason: 'Paused' },
  { name: 'missing, no grace → not found', object: null, status: 'notfound', reason: 'NotFound' },
  { name: 'missing within --grace → waiting until the grace ends', object: null, grace: 5000, now: T0 + 1000, status: 'waiting', reason: 'NotCreated', recheckAt: T0 + 5000 },
  { name: 'being deleted → failed, Deleted', object: merge(rolling, { metadata: { deletionTimestamp: '2026-01-01T00:00:00Z' } }), status: 'failed', reason: 'Deleted' },
];
for (const row of ROWS)
  test(`stepTarget: ${row.name}`, () => {
    const out = step(newTrack(target), row.object, row.view ?? NONE, row.now ?? T0, row.grace ?? 0);
    assert.equal(out.track.status, row.status);
    assert.equal(out.track.verdict.reason, row.reason);
    if (row.recheckAt !== undefined) assert.equal(out.recheckAt, row.recheckAt);
  });

test('stepTarget: an Unschedulable diagnosis fails once it has persisted past its grace, counted from first sight', () => {
  const first = step(newTrack(target), rolling, unschedulable, T0);
  assert.equal(first.track.status, 'waiting');
  assert.equal(first.track.verdict.diagnosis?.code, 'Unschedulable');
  assert.equal(step(first.track, rolling, unschedulable, T0 + 29_000).track.status, 'waiting');
  const late = step(first.track, rolling, unschedulable, T0 + 30_000);
  assert.equal(late.track.status, 'failed');
  assert.equal(late.track.verdict.reason, 'Unschedulable');
  // The condition went away in between: the grace starts again.
  const cleared = step(first.track, rolling, NONE, T0 + 10_000);
  assert.equal(step(cleared.track, rolling, unschedulable, T0 + 31_000).track.status, 'waiting');
});

test('stepTarget: deleted after having been seen → failed, Deleted; a new template marks it superseded', () => {
  const seen = step(newTrack(target), rolling, NONE, T0).track;
  const gone = step(seen, null, NONE, T0 + 1000).track;
  assert.equal(gone.status, 'failed');
  assert.equal(gone.verdict.diagnosis?.code, 'Deleted');
  assert.equal(gone.settledAt, T0 + 1000);
  const newer = merge(rolling, { spec: { template: { spec: { containers: [{ name: 'app', image: 'web:4' }] } } } });
  const superseded = step(seen, newer, NONE, T0 + 1000).track;
  assert.equal(superseded.superseded, true);
  assert.equal(superseded.status, 'waiting');
  assert.equal(step(seen, rolling, NONE, T0 + 1000).track.superseded, false);
});

test('stepTarget: a settled track is returned unchanged', () => {
  const done = step(newTrack(target), deployment(), NONE, T0).track;
  assert.equal(step(done, null, NONE, T0 + 5000).track, done);
});

test('stepTarget: with pausedIsDone (pause --wait), a paused Deployment is done once the pause is observed', () => {
  const paused = (observed: number): Unstructured => merge(deployment(), { metadata: { generation: 3 }, spec: { paused: true }, status: { observedGeneration: observed } });
  const run = (object: Unstructured) => stepTarget({ track: newTrack(target), workload: record(object), view: NONE, now: T0, startedAt: T0, rules: DEFAULT_FAIL_FAST_RULES, notFoundGraceMs: 0, pausedIsDone: true });
  const pending = run(paused(2));
  assert.ok(pending.ok && pending.value.track.status === 'waiting');
  const observed = run(paused(3));
  assert.ok(observed.ok && observed.value.track.status === 'done');
});

test('stepTarget: a StatefulSet rolled out under a partition is judged from its record (partition and strategy projected)', () => {
  const target = { kind: 'StatefulSet' as const, namespace: 'shop', name: 'db' };
  const partitioned = (updated: number) => statefulSet({ spec: { updateStrategy: { rollingUpdate: { partition: 2 } } }, status: { updatedReplicas: updated, updateRevision: 'db-3' } });
  const run = (object: Unstructured) => stepTarget({ track: newTrack(target), workload: record(object, 'StatefulSet'), view: NONE, now: T0, startedAt: T0, rules: DEFAULT_FAIL_FAST_RULES, notFoundGraceMs: 0 });
  const rolling = run(partitioned(0));
  assert.ok(rolling.ok && rolling.value.track.status === 'waiting' && rolling.value.track.verdict.reason === 'PartitionRollout');
  const done = run(partitioned(1));
  assert.ok(done.ok && done.value.track.status === 'done');
  const onDelete = run(statefulSet({ spec: { updateStrategy: { type: 'OnDelete', rollingUpdate: null } }, status: { updatedReplicas: 0, updateRevision: 'db-3' } }));
  assert.ok(onDelete.ok && onDelete.value.track.status === 'done' && onDelete.value.track.verdict.reason === 'OnDeleteStrategy');
});
