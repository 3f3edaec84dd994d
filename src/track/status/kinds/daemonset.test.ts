import assert from 'node:assert/strict';
import { test } from 'node:test';
import { daemonSet } from '../testing/fixtures.ts';
import { daemonSetStatus } from './daemonset.ts';

const rows = [
  { name: 'all nodes updated and available', over: {}, state: 'Current', reason: 'RolledOut', desired: 4 },
  { name: 'spec not observed', over: { metadata: { generation: 4 } }, state: 'InProgress', reason: 'LatestGenerationNotObserved' },
  { name: 'no desiredNumberScheduled yet', over: { status: { desiredNumberScheduled: null } }, state: 'InProgress', reason: 'NoDesiredNumber' },
  { name: 'two of four updated', over: { status: { updatedNumberScheduled: 2 } }, state: 'InProgress', reason: 'LessUpdated', message: '2 of 4 pods updated' },
  { name: 'three of four available', over: { status: { numberAvailable: 3 } }, state: 'InProgress', reason: 'LessAvailable' },
  { name: 'OnDelete, not updated, all available', over: { spec: { updateStrategy: { type: 'OnDelete' } }, status: { updatedNumberScheduled: 0 } }, state: 'Current', reason: 'OnDeleteStrategy' },
] as const;

for (const row of rows) {
  test(`daemonSetStatus: ${row.name} → ${row.state}`, () => {
    const { verdict } = daemonSetStatus(daemonSet(row.over));
    assert.equal(verdict.state, row.state);
    assert.equal(verdict.reason, row.reason);
    if ('message' in row) assert.equal(verdict.message, row.message);
    if ('desired' in row) assert.equal(verdict.progress.desired, row.desired);
  });
}
