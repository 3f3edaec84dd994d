import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTrackerError } from '../lib/errors.ts';
import { keyOf, objectKey, splitKey, tryObjectKey } from './keys.ts';

const rows: readonly { name: string; obj: unknown; key: string | undefined }[] = [
  { name: 'namespaced object', obj: { metadata: { namespace: 'shop', name: 'web' } }, key: 'shop/web' },
  { name: 'cluster-scoped object', obj: { metadata: { name: 'node-1' } }, key: 'node-1' },
  { name: 'a record (namespace/name at the top)', obj: { namespace: 'shop', name: 'web' }, key: 'shop/web' },
  { name: 'no name', obj: { metadata: { namespace: 'shop' } }, key: undefined },
  { name: 'not an object', obj: 'web', key: undefined },
];
for (const row of rows) {
  test(`objectKey: ${row.name}`, () => {
    assert.equal(tryObjectKey(row.obj), row.key);
    if (row.key === undefined) assert.throws(() => objectKey(row.obj), (e) => isTrackerError(e) && e.code === 'MALFORMED_OBJECT' && e.details.cause === row.obj);
    else assert.equal(objectKey(row.obj), row.key);
  });
}

test('splitKey inverts keyOf', () => {
  assert.deepEqual(splitKey(keyOf('shop', 'web')), { namespace: 'shop', name: 'web' });
  assert.deepEqual(splitKey(keyOf('', 'node-1')), { namespace: '', name: 'node-1' });
});
