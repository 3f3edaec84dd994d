import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Outcome, Release } from '../../model/release.ts';
import { buildRelease } from '../release/build.ts';
import { condition, event, pod, T0, template, workload } from '../release/testing/builders.ts';
import type { RolloutEvent } from './events.ts';
import { advance } from './machine.ts';
import { newRolloutState, type RolloutState } from './state.ts';

const v1 = template({ images: { app: 'nginx:1.0' } });
const ref = { cluster: 'c', namespace: 'shop', kind: 'Deployment', name: 'web', uid: 'uid-web' } as const;

function rollout(outcome: Outcome = 'progressing'): RolloutState {
  const release: Release = buildRelease({
    workload: ref,
    releaseNumber: 1,
    revision: 1,
    template: v1,
    trigger: 'create',
    actor: { manager: 'kubectl' },
    changeCause: null,
    previousReleaseId: null,
    startedAt: T0,
    phases: { templateObserved: T0 },
    outcome,
    backfilled: false,
  });
  return newRolloutState(release, { revisionUid: 'rs-1', revisionName: 'web-abc', podHash: 'abc' });
}

const rsOwner = { kind: 'ReplicaSet', name: 'web-abc', uid: 'rs-1' };
const done = workload({ template: v1, status: { observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 } });
const rolling = workload({ template: v1, status: { observedGeneration: 1, replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3 } });

const rows: readonly { name: string; from: Outcome; event: RolloutEvent; want: Outcome; code?: string }[] = [
  { name: 'complete status', from: 'progressing', event: { kind: 'workloadObserved', workload: done }, want: 'succeeded' },
  { name: 'still rolling', from: 'progressing', event: { kind: 'workloadObserved', workload: rolling }, want: 'progressing' },
  { name: 'failed, then completes after all', from: 'failed', event: { kind: 'workloadObserved', workload: done }, want: 'succeeded' },
  { name: 'deadline exceeded', from: 'progressing', event: { kind: 'workloadObserved', workload: workload({ template: v1, status: { observedGeneration: 1, conditions: [condition('Progressing', 'False', 'ProgressDeadlineExceeded', 'timed out')] } }) }, want: 'failed', code: 'ProgressDeadlineExceeded' },
  { name: 'paused mid-rollout', from: 'progressing', event: { kind: 'workloadObserved', workload: workload({ template: v1, paused: true, status: { observedGeneration: 1 } }) }, want: 'paused' },
  { name: 'resumed', from: 'paused', event: { kind: 'workloadObserved', workload: rolling }, want: 'progressing' },
  { name: 'image pull failure fails at once', from: 'progressing', event: { kind: 'podObserved', pod: pod(rsOwner, 'abc', { name: 'p', waiting: { reason: 'ErrImagePull' } }) }, want: 'failed', code: 'ImagePullFailed' },
  { name: 'crash loop fails at once', from: 'progressing', event: { kind: 'podObserved', pod: pod(rsOwner, 'abc', { name: 'p', waiting: { reason: 'CrashLoopBackOff' }, restarts: 2, lastExit: 137 }) }, want: 'failed', code: 'CrashLoop' },
  { name: 'superseded while progressing', from: 'progressing', event: { kind: 'superseded', by: 'x' as Release['id'], rollback: false }, want: 'superseded' },
  { name: 'rolled back while progressing', from: 'progressing', event: { kind: 'superseded', by: 'x' as Release['id'], rollback: true }, want: 'rolled-back' },
  { name: 'a succeeded release that gets undone', from: 'succeeded', event: { kind: 'superseded', by: 'x' as Release['id'], rollback: true }, want: 'rolled-back' },
  { name: 'a succeeded release followed by a normal release', from: 'succeeded', event: { kind: 'superseded', by: 'x' as Release['id'], rollback: false }, want: 'succeeded' },
  { name: 'a failed release stays failed when rolled back', from: 'failed', event: { kind: 'superseded', by: 'x' as Release['id'], rollback: true }, want: 'failed' },
  { name: 'workload deleted mid-rollout', from: 'progressing', event: { kind: 'workloadDeleted' }, want: 'failed', code: 'Deleted' },
  { name: 'workload deleted after success', from: 'succeeded', event: { kind: 'workloadDeleted' }, want: 'succeeded' },
  { name: 'superseded is final', from: 'superseded', event: { kind: 'workloadObserved', workload: done }, want: 'superseded' },
];

for (const row of rows) {
  test(`advance: ${row.from} + ${row.name} → ${row.want}`, () => {
    const t = advance(rollout(row.from), row.event, T0 + 1000);
    assert.equal(t.state.release.outcome, row.want);
    if (row.code) assert.equal(t.state.release.failure?.code, row.code);
    if (row.want !== row.from) assert.ok(t.effects.some((e) => e.kind === 'outcomeChanged' && e.from === row.from && e.to === row.want));
  });
}

test('advance returns the same state object when nothing changed', () => {
  const s = advance(rollout(), { kind: 'workloadObserved', workload: rolling }, T0).state;
  const again = advance(s, { kind: 'workloadObserved', workload: rolling }, T0 + 5);
  assert.equal(again.state, s);
  assert.deepEqual(again.effects, []);
  assert.equal(advance(s, { kind: 'tick' }, T0 + 10).state, s);
});

test('advance records phases once, in order of observation', () => {
  let s = rollout();
  s = advance(s, { kind: 'podObserved', pod: pod(rsOwner, 'abc', { name: 'p' }) }, T0 + 100).state;
  s = advance(s, { kind: 'podObserved', pod: pod(rsOwner, 'abc', { name: 'p', ready: true, imageID: 'nginx@sha256:1' }) }, T0 + 200).state;
  s = advance(s, { kind: 'workloadObserved', workload: done }, T0 + 300).state;
  assert.deepEqual(s.release.phases, {
    templateObserved: T0,
    firstPodScheduled: T0 + 100,
    firstImagePulled: T0 + 200,
    firstPodReady: T0 + 200,
    allUpdated: T0 + 300,
    allAvailable: T0 + 300,
    oldReplicasGone: T0 + 300,
  });
  assert.equal(s.release.images[0]?.digest, 'sha256:1');
  assert.equal(s.pods.size, 1, 'pods kept during the settle window');
  const later = advance(s, { kind: 'tick' }, T0 + 300 + s.settleMs).state;
  assert.equal(later.pods.size, 0, 'pods pruned once the settle window is over');
  assert.equal(later.release.outcome, 'succeeded');
});

test('advance: pods that crash right after a complete rollout fail it within the settle window', () => {
  let s = advance(rollout(), { kind: 'workloadObserved', workload: done }, T0 + 100).state;
  assert.equal(s.release.outcome, 'succeeded');
  const crashing = pod(rsOwner, 'abc', { name: 'p', waiting: { reason: 'CrashLoopBackOff' }, restarts: 2, lastExit: 1 });
  s = advance(s, { kind: 'podObserved', pod: crashing }, T0 + 20_000).state;
  assert.equal(s.release.outcome, 'failed');
  assert.equal(s.release.failure?.code, 'CrashLoop');
  // the Deployment looks complete again for a moment: a second verdict was already given → no flapping
  const again = advance(s, { kind: 'workloadObserved', workload: { ...done, resourceVersion: '999999' } }, T0 + 30_000);
  assert.equal(again.state.release.outcome, 'failed');
  assert.deepEqual(again.effects.filter((e) => e.kind === 'outcomeChanged'), []);
});

test('advance: a post-success failure reloaded from the ledger (a restart) stays final, a failure while rolling can still recover', () => {
  let s = advance(rollout(), { kind: 'workloadObserved', workload: done }, T0 + 100).state;
  const crashing = pod(rsOwner, 'abc', { name: 'p', waiting: { reason: 'CrashLoopBackOff' }, restarts: 2, lastExit: 1 });
  s = advance(s, { kind: 'podObserved', pod: crashing }, T0 + 20_000).state;
  assert.equal(s.release.outcome, 'failed');
  const reloaded = newRolloutState(s.release, { revisionUid: 'rs-1', revisionName: 'web-abc', podHash: 'abc' });
  const again = advance(reloaded, { kind: 'workloadObserved', workload: { ...done, resourceVersion: '999999' } }, T0 + 30_000);
  assert.equal(again.state.release.outcome, 'failed', 'the restarted tracker does not give a third verdict');
  assert.equal(again.state.release.failure?.code, 'CrashLoop');
  const failedWhileRolling = newRolloutState({ ...rollout().release, outcome: 'failed', failure: { code: 'CrashLoop', reason: 'Error', message: 'crash', object: 'Pod shop/p' } });
  assert.equal(advance(failedWhileRolling, { kind: 'workloadObserved', workload: done }, T0 + 30_000).state.release.outcome, 'succeeded', 'a failure that never completed may still recover');
});

test('advance: after the settle window a succeeded release stays succeeded', () => {
  const s = advance(rollout(), { kind: 'workloadObserved', workload: done }, T0 + 100).state;
  const crashing = pod(rsOwner, 'abc', { name: 'p', waiting: { reason: 'CrashLoopBackOff' }, restarts: 2, lastExit: 1 });
  const t = advance(s, { kind: 'podObserved', pod: crashing }, T0 + 100 + s.settleMs + 1);
  assert.equal(t.state.release.outcome, 'succeeded');
  assert.deepEqual(t.effects, []);
});

test('advance ignores events from before the release started and attaches later ones once', () => {
  const s = rollout();
  const old = event('e-old', { kind: 'Deployment', name: 'web', uid: 'uid-web' }, 'ScalingReplicaSet', 'old', { at: T0 - 60_000 });
  assert.equal(advance(s, { kind: 'eventObserved', event: old }, T0).state, s);
  const fresh = event('e-new', { kind: 'Deployment', name: 'web', uid: 'uid-web' }, 'ScalingReplicaSet', 'new', { at: T0 + 1000 });
  const once = advance(s, { kind: 'eventObserved', event: fresh }, T0 + 1000).state;
  assert.equal(once.release.events.length, 1);
  assert.equal(advance(once, { kind: 'eventObserved', event: fresh }, T0 + 2000).state, once);
});
