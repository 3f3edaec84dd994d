import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChangeLog } from './change-log.ts';
import type { StoredChange } from './store-api.ts';

const change = (rv: number): StoredChange => ({ type: 'ADDED', resource: 'pods', object: { metadata: { name: `p${rv}` } }, resourceVersion: String(rv) });
const rvs = (got: ReturnType<ChangeLog['since']>): string[] | 'expired' => (got.expired ? 'expired' : got.changes.map((c) => c.resourceVersion));

test('ChangeLog keeps a bounded window; resuming from before it is Expired', () => {
  const log = new ChangeLog(3);
  for (const rv of [10, 12, 15, 20, 21]) log.append(change(rv), rv);
  // Window holds 15, 20, 21: every change after 12 is known, the one at 12 is gone.
  assert.deepEqual(rvs(log.since(12)), ['15', '20', '21']);
  assert.deepEqual(rvs(log.since(16)), ['20', '21']);
  assert.deepEqual(rvs(log.since(21)), []);
  assert.deepEqual(log.since(11), { expired: true, oldest: 12 });
});

test('ChangeLog.compact expires every earlier resourceVersion', () => {
  const log = new ChangeLog(100);
  for (const rv of [1, 2, 3]) log.append(change(rv), rv);
  log.compact(3);
  assert.deepEqual(log.since(2), { expired: true, oldest: 3 });
  assert.deepEqual(rvs(log.since(3)), []);
});
