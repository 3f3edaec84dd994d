import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isReleaseIdShape, releaseIdFor } from './identity.ts';

const key = { workloadUid: 'uid-1', templateHash: '0123456789abcdef', revision: '3' } as const;

test('releaseIdFor is deterministic: same key and start → same id', () => {
  assert.equal(releaseIdFor(key, 1_767_225_600_000), releaseIdFor({ ...key }, 1_767_225_600_000));
});

test('releaseIdFor is ULID-shaped and sorts by start time', () => {
  const a = releaseIdFor(key, 1_767_225_600_000);
  const b = releaseIdFor({ ...key, revision: '4' }, 1_767_225_600_001);
  assert.ok(isReleaseIdShape(a), a);
  assert.equal(a.length, 26);
  assert.ok(a < b);
});

const rows = [
  { name: 'another revision', other: { ...key, revision: '4' } },
  { name: 'another template', other: { ...key, templateHash: 'fedcba9876543210' } },
  { name: 'another workload (re-created under the same name)', other: { ...key, workloadUid: 'uid-2' } },
  { name: 'unknown revision', other: { ...key, revision: null } },
] as const;
for (const row of rows) {
  test(`releaseIdFor: ${row.name} → a different id`, () => {
    assert.notEqual(releaseIdFor(key, 0).slice(10), releaseIdFor(row.other, 0).slice(10));
  });
}

test('releaseIdFor: time part encodes startedAt (ULID spec example time 1469918176385 → 01ARYZ6S41)', () => {
  assert.equal(releaseIdFor(key, 1469918176385).slice(0, 10), '01ARYZ6S41');
});
