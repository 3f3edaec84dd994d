import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyPMap } from './persistent-map.ts';

test('PMap set/delete leave the original untouched and share when unchanged', () => {
  const a = emptyPMap<number>().set('x', 1).set('y', 2);
  const b = a.set('x', 3);
  assert.equal(a.get('x'), 1);
  assert.equal(b.get('x'), 3);
  assert.equal(a.set('x', 1), a, 'same value → same map');
  assert.equal(a.delete('nope'), a);
  const c = b.delete('y');
  assert.equal(c.size, 1);
  assert.equal(b.size, 2);
  assert.equal(c.has('y'), false);
});

test('PMap holds many keys and iterates all of them', () => {
  let m = emptyPMap<number>();
  for (let i = 0; i < 1000; i++) m = m.set(`k${i}`, i);
  assert.equal(m.size, 1000);
  assert.equal([...m.values()].reduce((x, y) => x + y, 0), (999 * 1000) / 2);
  assert.equal([...m.entries()].length, 1000);
});
