import assert from 'node:assert/strict';
import { test } from 'node:test';
import { statefulSet } from '../testing/fixtures.ts';
import { statefulSetStatus } from './statefulset.ts';

const rows = [
  { name: 'all pods ready at the update revision', over: {}, state: 'Current', reason: 'RolledOut' },
  { name: 'spec not observed', over: { status: { observedGeneration: 1 } }, state: 'InProgress', reason: 'LatestGenerationNotObserved' },
  { name: 'two of three ready', over: { status: { readyReplicas: 2 } }, state: 'InProgress', reason: 'LessReady', message: '2 of 3 pods ready' },
  { name: 'extra pods', over: { status: { replicas: 4 } }, state: 'InProgress', reason: 'ExtraPods' },
  { name: 'rolling: one of three updated', over: { status: { updatedReplicas: 1, updateRevision: 'db-3' } }, state: 'InProgress', reason: 'LessUpdated', message: '1 of 3 pods updated to revision db-3' },
  { name: 'all updated, revision not yet current', over: { status: { updateRevision: 'db-3' } }, state: 'InProgress', reason: 'RevisionMismatch' },
  { name: 'partition 2: one pod above it updated', over: { spec: { updateStrategy: { rollingUpdate: { partition: 2 } } }, status: { updatedReplicas: 1, updateRevision: 'db-3' } }, state: 'Current', reason: 'RolledOut' },
  { name: 'partition 1: one of two updated', over: { spec: { updateStrategy: { rollingUpdate: { partition: 1 } } }, status: { updatedReplicas: 1, updateRevision: 'db-3' } }, state: 'InProgress', reason: 'PartitionRollout' },
  { name: 'OnDelete with old pods is current', over: { spec: { updateStrategy: { type: 'OnDelete', rollingUpdate: null } }, status: { updatedReplicas: 0, updateRevision: 'db-3' } }, state: 'Current', reason: 'OnDeleteStrategy' },
] as const;

for (const row of rows) {
  test(`statefulSetStatus: ${row.name} → ${row.state}`, () => {
    const { verdict } = statefulSetStatus(statefulSet(row.over));
    assert.equal(verdict.state, row.state);
    assert.equal(verdict.reason, row.reason);
    if ('message' in row) assert.equal(verdict.message, row.message);
  });
}
