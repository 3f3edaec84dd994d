import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deployment } from '../testing/fixtures.ts';
import { deploymentStatus } from './deployment.ts';

const rows = [
  { name: 'all replicas updated and available', over: {}, state: 'Current', reason: 'RolledOut', progress: [3, 3, 3, 3] },
  { name: 'paused', over: { spec: { paused: true } }, state: 'Paused', reason: 'Paused' },
  { name: 'new generation not observed', over: { metadata: { generation: 3 } }, state: 'InProgress', reason: 'LatestGenerationNotObserved' },
  { name: 'no status at all', over: { status: null }, state: 'InProgress', reason: 'LatestGenerationNotObserved' },
  {
    name: 'progress deadline exceeded',
    over: { status: { conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-1" has timed out progressing.' }] } },
    state: 'Failed',
    reason: 'ProgressDeadlineExceeded',
    diagnosis: 'ProgressDeadlineExceeded',
  },
  { name: 'one of three updated', over: { status: { updatedReplicas: 1 } }, state: 'InProgress', reason: 'LessUpdated', message: '1 of 3 replicas updated' },
  { name: 'old replicas terminating', over: { status: { replicas: 4 } }, state: 'InProgress', reason: 'ExtraPods', message: '1 old replicas pending termination' },
  { name: 'updated but not available', over: { status: { availableReplicas: 1 } }, state: 'InProgress', reason: 'LessAvailable', message: '1 of 3 updated replicas available' },
  { name: 'spec.replicas defaults to 1', over: { spec: { replicas: null }, status: { replicas: 1, updatedReplicas: 1, availableReplicas: 1 } }, state: 'Current', reason: 'RolledOut', progress: [1, 1, 3, 1] },
] as const;

for (const row of rows) {
  test(`deploymentStatus: ${row.name} → ${row.state}`, () => {
    const { verdict } = deploymentStatus(deployment(row.over));
    assert.equal(verdict.state, row.state);
    assert.equal(verdict.reason, row.reason);
    if ('message' in row) assert.equal(verdict.message, row.message);
    if ('progress' in row) assert.deepEqual([verdict.progress.desired, verdict.progress.updated, verdict.progress.ready, verdict.progress.available], row.progress);
    assert.equal(verdict.diagnosis?.code, 'diagnosis' in row ? row.diagnosis : undefined);
  });
}

test('deploymentStatus: a ReplicaFailure condition becomes a finding for the fail-fast rules', () => {
  const r = deploymentStatus(
    deployment({
      status: {
        updatedReplicas: 1,
        conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'exceeded quota: compute', lastTransitionTime: '2026-01-01T00:00:10Z' }],
      },
    }),
  );
  assert.equal(r.verdict.state, 'InProgress');
  assert.equal(r.finding?.diagnosis.code, 'ReplicaFailure');
  assert.equal(r.finding?.diagnosis.message, 'exceeded quota: compute');
  assert.equal(r.finding?.since, Date.parse('2026-01-01T00:00:10Z'));
});
