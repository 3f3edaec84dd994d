import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePromoteCause, promoteCause, promotionOf } from './canary-cause.ts';

test('a promotion cause round-trips; other causes are not promotions', () => {
  const cause = promoteCause('01ABC', { app: 'web:2', side: 'proxy:3' });
  assert.equal(cause, 'canary-promote 01ABC: app=web:2, side=proxy:3');
  assert.deepEqual(parsePromoteCause(cause), { id: '01ABC', images: { app: 'web:2', side: 'proxy:3' } });
  for (const other of [null, '', 'kubectl set image deploy/web app=web:2', 'canary-promote 01ABC', 'canary-promote : app=web:2', 'canary-promote 01ABC: web2'])
    assert.equal(parsePromoteCause(other), null, String(other));
});

test('a release is the promotion only when it runs the images the cause names (a stale cause on a later release is not)', () => {
  const cause = promoteCause('01ABC', { app: 'web:2' });
  assert.deepEqual(promotionOf(cause, [{ container: 'app', image: 'web:2' }, { container: 'side', image: 'proxy:1' }])?.id, '01ABC');
  assert.equal(promotionOf(cause, [{ container: 'app', image: 'web:3' }]), null);
  assert.equal(promotionOf('rolled by hand', [{ container: 'app', image: 'web:2' }]), null);
});
