import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pod } from '../testing/fixtures.ts';
import { podStatus } from './pod.ts';

const rows = [
  { name: 'running and ready', over: {}, state: 'Current', reason: 'Ready' },
  { name: 'succeeded', over: { status: { phase: 'Succeeded' } }, state: 'Current', reason: 'Completed' },
  {
    name: 'failed with a non-zero exit',
    over: { status: { phase: 'Failed', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 2, reason: 'Error' } } }] } },
    state: 'Failed',
    reason: 'PodFailed',
    message: 'Pod failed: container app exited with code 2 (Error)',
  },
  { name: 'running, not ready', over: { status: { conditions: [{ type: 'Ready', status: 'False' }] } }, state: 'InProgress', reason: 'PodRunningNotReady' },
  {
    name: 'pending, unschedulable',
    over: { status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available: 1 Insufficient memory.' }] } },
    state: 'InProgress',
    reason: 'PodPending',
    message: 'Pod is pending: 0/1 nodes are available: 1 Insufficient memory.',
  },
  { name: 'no phase yet', over: { status: null }, state: 'InProgress', reason: 'PodNotObserved' },
] as const;

for (const row of rows) {
  test(`podStatus: ${row.name} → ${row.state}`, () => {
    const { verdict } = podStatus(pod(row.over));
    assert.equal(verdict.state, row.state);
    assert.equal(verdict.reason, row.reason);
    if ('message' in row) assert.equal(verdict.message, row.message);
  });
}
