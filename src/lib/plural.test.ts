import assert from 'node:assert/strict';
import { test } from 'node:test';
import { counted } from './plural.ts';

test('counted: singular for exactly one, plural otherwise (zero included)', () => {
  assert.equal(counted(1, 'time'), '1 time');
  assert.equal(counted(0, 'pod'), '0 pods');
  assert.equal(counted(2, 'replica'), '2 replicas');
  assert.equal(counted(1, 'entry', 'entries'), '1 entry');
  assert.equal(counted(5, 'entry', 'entries'), '5 entries');
});
