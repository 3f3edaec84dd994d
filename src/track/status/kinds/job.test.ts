import assert from 'node:assert/strict';
import { test } from 'node:test';
import { job } from '../testing/fixtures.ts';
import { jobStatus } from './job.ts';

const rows = [
  { name: 'running', over: {}, state: 'InProgress', reason: 'JobRunning', desired: 2 },
  { name: 'not started', over: { status: { startTime: null, active: 0 } }, state: 'InProgress', reason: 'JobNotStarted', desired: 2 },
  { name: 'complete', over: { status: { active: 0, succeeded: 2, conditions: [{ type: 'Complete', status: 'True' }] } }, state: 'Current', reason: 'Completed', desired: 2 },
  {
    name: 'failed',
    over: { status: { failed: 3, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] } },
    state: 'Failed',
    reason: 'JobFailed',
    desired: 2,
  },
  { name: 'suspended by spec', over: { spec: { suspend: true } }, state: 'Paused', reason: 'Suspended', desired: 2 },
  { name: 'suspended and observed', over: { spec: { suspend: true }, status: { conditions: [{ type: 'Suspended', status: 'True' }] } }, state: 'Paused', reason: 'Suspended', desired: 2 },
  { name: 'resumed, Suspended condition not yet cleared', over: { spec: { suspend: false }, status: { conditions: [{ type: 'Suspended', status: 'True' }] } }, state: 'InProgress', reason: 'JobResuming', desired: 2 },
  { name: 'resumed and running', over: { spec: { suspend: false }, status: { conditions: [{ type: 'Suspended', status: 'False' }] } }, state: 'InProgress', reason: 'JobRunning', desired: 2 },
  { name: 'completions default to parallelism', over: { spec: { completions: null, parallelism: 3 } }, state: 'InProgress', reason: 'JobRunning', desired: 3 },
] as const;

for (const row of rows) {
  test(`jobStatus: ${row.name} → ${row.state}`, () => {
    const { verdict } = jobStatus(job(row.over));
    assert.equal(verdict.state, row.state);
    assert.equal(verdict.reason, row.reason);
    assert.equal(verdict.progress.desired, row.desired);
  });
}
