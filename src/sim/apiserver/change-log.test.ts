import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChangeLog, rewind } from './change-log.ts';
import type { StoredChange } from '../core/store-api.ts';

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

test('rewind undoes ADDED, MODIFIED and DELETED changes to give the earlier state', () => {
  const a1 = { metadata: { name: 'a', namespace: 'x', resourceVersion: '1' } };
  const a2 = { metadata: { name: 'a', namespace: 'x', resourceVersion: '5' } };
  const b = { metadata: { name: 'b', namespace: 'x', resourceVersion: '2' } };
  const c = { metadata: { name: 'c', namespace: 'x', resourceVersion: '6' } };
  const changes: StoredChange[] = [
    { type: 'MODIFIED', resource: 'pods', object: a2, previous: a1, resourceVersion: '5' },
    { type: 'ADDED', resource: 'pods', object: c, resourceVersion: '6' },
    { type: 'DELETED', resource: 'pods', object: { metadata: { ...b.metadata, resourceVersion: '7' } }, previous: b, resourceVersion: '7' },
  ];
  assert.deepEqual(rewind([a2, c], changes), [a1, b]);
});
