import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replicaSet } from '../testing/fixtures.ts';
import { replicaSetStatus } from './replicaset.ts';

const rows = [
  { name: 'all available', over: {}, state: 'Current', reason: 'RolledOut', finding: undefined },
  { name: 'not observed', over: { status: { observedGeneration: null } }, state: 'InProgress', reason: 'LatestGenerationNotObserved', finding: undefined },
  { name: 'one of two available', over: { status: { availableReplicas: 1 } }, state: 'InProgress', reason: 'LessAvailable', finding: undefined },
  { name: 'extra replicas', over: { status: { replicas: 3 } }, state: 'InProgress', reason: 'ExtraPods', finding: undefined },
  {
    name: 'ReplicaFailure with missing pods',
    over: { status: { availableReplicas: 0, conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'exceeded quota' }] } },
    state: 'InProgress',
    reason: 'LessAvailable',
    finding: 'ReplicaFailure',
  },
] as const;

for (const row of rows) {
  test(`replicaSetStatus: ${row.name} → ${row.state}`, () => {
    const r = replicaSetStatus(replicaSet(row.over));
    assert.equal(r.verdict.state, row.state);
    assert.equal(r.verdict.reason, row.reason);
    assert.equal(r.finding?.diagnosis.code, row.finding);
  });
}
