import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fmtDuration, fmtElapsed } from './format.ts';

test('a running clock on Live ticks in whole seconds, while a finished duration keeps its milliseconds', () => {
  assert.equal(fmtElapsed(295), '0s');
  assert.equal(fmtElapsed(1_999), '1s');
  assert.equal(fmtElapsed(92_400), '1m32s');
  assert.equal(fmtDuration(295), '295ms');
  assert.equal(fmtDuration(null), '–');
});
