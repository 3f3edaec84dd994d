import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Condition } from '../../../kube/types.ts';
import type { Deployment, ReplicaSet } from '../apps.ts';
import { cleanupCandidates } from './cleanup.ts';
import { Message, newCondition, setCondition } from './conditions.ts';
import { Annotation } from './revision.ts';
import { calculateStatus, deploymentTimedOut, rolloutStatus, stuckRequeueDelay } from './status.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const deployment = (status: Deployment['status'] = {}, extra: Partial<Deployment['spec']> = {}): Deployment => ({
  metadata: { name: 'web', namespace: 'shop', generation: 2 },
  spec: { replicas: 4, template: {}, progressDeadlineSeconds: 600, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }, ...extra },
  status,
});
const rs = (name: string, replicas: number, st: { replicas?: number; ready?: number; available?: number } = {}, rev = '1'): ReplicaSet => ({
  metadata: { name, namespace: 'shop', uid: name, generation: 1, annotations: { [Annotation.revision]: rev } },
  spec: { replicas, template: {} },
  status: { replicas: st.replicas ?? replicas, readyReplicas: st.ready ?? 0, availableReplicas: st.available ?? 0, observedGeneration: 1 },
});
const cond = (conditions: readonly Condition[] | undefined, type: string): [string, string, string] | undefined => {
  const c = conditions?.find((x) => x.type === type);
  return c ? [c.status, c.reason ?? '', c.message ?? ''] : undefined;
};

describe('conditions', () => {
  it('setting the same status and reason keeps the timestamps', () => {
    const first = newCondition('Available', 'True', 'MinimumReplicasAvailable', Message.available, T0);
    const again = setCondition([first], newCondition('Available', 'True', 'MinimumReplicasAvailable', Message.available, T0 + 60_000));
    assert.equal(again[0]?.lastUpdateTime, '2026-01-01T00:00:00Z');
  });
  it('a new reason with the same status keeps lastTransitionTime and moves the condition last', () => {
    const a = newCondition('Progressing', 'True', 'NewReplicaSetCreated', 'x', T0);
    const b = newCondition('Available', 'False', 'MinimumReplicasUnavailable', Message.unavailable, T0);
    const next = setCondition([a, b], newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'y', T0 + 5000));
    assert.deepEqual(next.map((c) => c.type), ['Available', 'Progressing']);
    assert.equal(next[1]?.lastTransitionTime, '2026-01-01T00:00:00Z');
    assert.equal(next[1]?.lastUpdateTime, '2026-01-01T00:00:05Z');
  });
  it('messages quote names as Go %q does', () => {
    assert.equal(Message.timedOut('web-5d4b9f7c9', 'web'), 'ReplicaSet "web-5d4b9f7c9" has timed out progressing.');
    assert.equal(Message.progressing(undefined, 'web'), 'Deployment "web" is progressing.');
    assert.equal(Message.createFailed('web-1', 'boom'), 'Failed to create new replica set "web-1": boom');
  });
});

describe('calculateStatus', () => {
  it('sums the ReplicaSets, takes updatedReplicas from the new one and unavailable from spec', () => {
    const s = calculateStatus(deployment(), [rs('old', 3, { ready: 3, available: 3 }), rs('new', 2, { replicas: 2, ready: 1, available: 0 })], rs('new', 2, { replicas: 2 }), T0);
    assert.deepEqual(
      { ...s, conditions: undefined },
      { observedGeneration: 2, replicas: 5, updatedReplicas: 2, readyReplicas: 4, availableReplicas: 3, unavailableReplicas: 2, conditions: undefined },
    );
    assert.deepEqual(cond(s.conditions, 'Available'), ['True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.']);
  });
  it('omits zero counters (omitempty) and reports missing minimum availability', () => {
    const s = calculateStatus(deployment(), [rs('new', 4, { replicas: 0 })], rs('new', 4, { replicas: 0 }), T0);
    assert.deepEqual(Object.keys(s), ['observedGeneration', 'unavailableReplicas', 'conditions']);
    assert.deepEqual(cond(s.conditions, 'Available'), ['False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.']);
  });
});

describe('rolloutStatus and the progress deadline', () => {
  const stuck = (sinceMs: number) =>
    deployment({
      observedGeneration: 2,
      replicas: 5,
      updatedReplicas: 1,
      readyReplicas: 4,
      availableReplicas: 4,
      conditions: [newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'ReplicaSet "web-2" is progressing.', T0 - sinceMs)],
    });
  const rsList = [rs('web-1', 4, { available: 4, ready: 4 }), rs('web-2', 1, { replicas: 1 })];

  it('before the deadline: no change, and a requeue for 1 s past it', () => {
    const d = stuck(100_000);
    const s = rolloutStatus(d, rsList, rsList[1], T0);
    assert.deepEqual(cond(s.conditions, 'Progressing')?.[1], 'ReplicaSetUpdated');
    assert.equal(stuckRequeueDelay(d, s, T0), 501_000);
  });
  it('past the deadline: Progressing=False ProgressDeadlineExceeded with the exact message', () => {
    const s = rolloutStatus(stuck(601_000), rsList, rsList[1], T0);
    assert.deepEqual(cond(s.conditions, 'Progressing'), ['False', 'ProgressDeadlineExceeded', 'ReplicaSet "web-2" has timed out progressing.']);
  });
  it('exactly at the deadline is not yet timed out (strictly before now)', () => {
    assert.equal(deploymentTimedOut(stuck(600_000), stuck(600_000).status!, T0), false);
  });
  it('progress refreshes lastUpdateTime (the deadline clock) but keeps lastTransitionTime', () => {
    const more = [rs('web-1', 3, { available: 3, ready: 3 }), rs('web-2', 2, { replicas: 2 })];
    const s = rolloutStatus(stuck(500_000), more, more[1], T0);
    const c = s.conditions?.find((x) => x.type === 'Progressing');
    assert.equal(c?.lastUpdateTime, '2026-01-01T00:00:00Z');
    assert.equal(c?.lastTransitionTime, '2025-12-31T23:51:40Z');
  });
  it('complete → NewReplicaSetAvailable, and progressDeadlineSeconds 2147483647 removes Progressing', () => {
    const done = [rs('web-1', 0, { replicas: 0 }), rs('web-2', 4, { replicas: 4, ready: 4, available: 4 })];
    const s = rolloutStatus(stuck(10_000), done, done[1], T0);
    assert.deepEqual(cond(s.conditions, 'Progressing'), ['True', 'NewReplicaSetAvailable', 'ReplicaSet "web-2" has successfully progressed.']);
    const off = rolloutStatus({ ...stuck(10_000), spec: { ...stuck(0).spec, progressDeadlineSeconds: 2147483647 } }, done, done[1], T0);
    assert.equal(cond(off.conditions, 'Progressing'), undefined);
  });
  it('mirrors a ReplicaFailure condition of the new ReplicaSet', () => {
    const failing: ReplicaSet = {
      ...rs('web-2', 1, { replicas: 0 }),
      status: { replicas: 0, conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "web-2-" is forbidden: exceeded quota', lastTransitionTime: '2026-01-01T00:00:00Z' }] },
    };
    const s = rolloutStatus(stuck(10_000), [rsList[0]!, failing], failing, T0);
    assert.deepEqual(cond(s.conditions, 'ReplicaFailure'), ['True', 'FailedCreate', 'pods "web-2-" is forbidden: exceeded quota']);
  });
});

describe('cleanupCandidates', () => {
  const old = (rev: number, replicas = 0): ReplicaSet => rs(`web-${rev}`, replicas, { replicas }, String(rev));
  it('deletes the oldest revisions beyond the limit', () => {
    const d = deployment({}, { revisionHistoryLimit: 2 });
    assert.deepEqual(cleanupCandidates(d, [old(3), old(1), old(5), old(2), old(4)]).map((r) => r.metadata.name), ['web-1', 'web-2', 'web-3']);
  });
  it('skips ReplicaSets that still have replicas, and keeps all at 2147483647', () => {
    const d = deployment({}, { revisionHistoryLimit: 1 });
    assert.deepEqual(cleanupCandidates(d, [old(1, 2), old(2), old(3)]).map((r) => r.metadata.name), ['web-2']);
    assert.deepEqual(cleanupCandidates(deployment({}, { revisionHistoryLimit: 2147483647 }), [old(1), old(2)]), []);
  });
});
