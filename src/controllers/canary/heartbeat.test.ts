import assert from 'node:assert/strict';
import { test } from 'node:test';
import { driverLeaseName, freshHolder } from './heartbeat.ts';

const lease = (holderIdentity: string, renewTime: number | null, leaseDurationSeconds = 15) => ({ resourceVersion: '1', record: { holderIdentity, leaseDurationSeconds, acquireTime: 0, renewTime, leaseTransitions: 1 } });

test('the heartbeat names a driver only while it is renewed within its duration and held', () => {
  assert.equal(driverLeaseName('rollscope'), 'rollscope-canary');
  assert.equal(freshHolder(lease('serve-a', 100_000), 114_999), 'serve-a');
  assert.equal(freshHolder(lease('serve-a', 100_000), 115_000), null, 'expired');
  assert.equal(freshHolder(lease('', 100_000, 1), 100_100), null, 'released');
  assert.equal(freshHolder(lease('serve-a', null), 0), null, 'never renewed');
  assert.equal(freshHolder(null, 0), null, 'no Lease: no serve drives');
});
