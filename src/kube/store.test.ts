import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyOf } from './keys.ts';
import { MemoryStore } from './store.ts';

const rec = (namespace: string, name: string, v = 1) => ({ namespace, name, v });

test('MemoryStore: set, get, has, delete and size across namespaces', () => {
  const s = new MemoryStore<ReturnType<typeof rec>>();
  s.set(keyOf('a', 'x'), rec('a', 'x'));
  s.set(keyOf('b', 'x'), rec('b', 'x'));
  s.set(keyOf('', 'node-1'), rec('', 'node-1'));
  s.set(keyOf('a', 'x'), rec('a', 'x', 2)); // replace: size unchanged
  assert.equal(s.size, 3);
  assert.equal(s.get(keyOf('a', 'x'))?.v, 2);
  assert.ok(s.has(keyOf('', 'node-1')));
  assert.equal(s.get(keyOf('c', 'x')), undefined);
  assert.deepEqual([...s.keys()].sort(), ['a/x', 'b/x', 'node-1']);
  assert.deepEqual(s.list().map((r) => `${r.namespace}/${r.name}`).sort(), ['/node-1', 'a/x', 'b/x']);
  assert.equal(s.delete(keyOf('a', 'x')), true);
  assert.equal(s.delete(keyOf('a', 'x')), false);
  assert.equal(s.size, 2);
  assert.deepEqual([...s.entries()].map(([k]) => k).sort(), ['b/x', 'node-1']);
});
