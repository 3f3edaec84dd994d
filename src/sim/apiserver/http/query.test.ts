import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSimApiError } from '../../core/api-error.ts';
import { queryBool, queryInt } from './query.ts';

test('queryBool: every value except absent, empty, "0" and "false" (any case) is true', () => {
  const cases: [string, boolean][] = [['', false], ['watch=', false], ['watch=0', false], ['watch=false', false], ['watch=FALSE', false], ['watch=False', false],
    ['watch=1', true], ['watch=true', true], ['watch=True', true], ['watch=yes', true], ['watch=2', true]];
  for (const [q, want] of cases) assert.equal(queryBool(new URLSearchParams(q), 'watch'), want, q);
});

test('queryInt: absent is undefined, digits parse, anything else is a 400', () => {
  assert.equal(queryInt(new URLSearchParams(''), 'limit'), undefined);
  assert.equal(queryInt(new URLSearchParams('limit=500'), 'limit'), 500);
  assert.equal(queryInt(new URLSearchParams('limit=-1'), 'limit'), -1);
  assert.throws(() => queryInt(new URLSearchParams('limit=ten'), 'limit'), (e) => isSimApiError(e) && e.status.code === 400);
});
