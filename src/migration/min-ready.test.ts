import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultMinReady, parseMinReady, resolveFenceposts, resolveMinReady, scaledValue } from './min-ready.ts';

test('fenceposts resolve like the deployment controller: surge rounds up, unavailable down, never both 0', () => {
  const cases: [Parameters<typeof resolveFenceposts>[0], number, number, number][] = [
    [{ strategyType: 'RollingUpdate' }, 3, 1, 0], // 25% of 3: surge ceil 0.75 = 1, unavailable floor = 0
    [{ strategyType: 'RollingUpdate' }, 10, 3, 2],
    [{ strategyType: 'RollingUpdate', maxSurge: 0, maxUnavailable: 0 }, 4, 0, 1],
    [{ strategyType: 'RollingUpdate', maxSurge: '0%', maxUnavailable: '50%' }, 5, 0, 2],
    [{ strategyType: 'RollingUpdate', maxUnavailable: 7 }, 3, 1, 3],
    [{ strategyType: 'Recreate' }, 4, 0, 0],
  ];
  for (const [p, replicas, surge, unavailable] of cases) assert.deepEqual(resolveFenceposts(p, replicas), { maxSurge: surge, maxUnavailable: unavailable }, JSON.stringify([p, replicas]));
  assert.equal(defaultMinReady({ strategyType: 'RollingUpdate' }, 3), 3);
  assert.equal(defaultMinReady({ strategyType: 'RollingUpdate' }, 10), 8);
  assert.equal(defaultMinReady({ strategyType: 'Recreate' }, 4), 4, 'Recreate: Available treats maxUnavailable as 0');
  assert.equal(scaledValue('bogus', 10, true, '25%'), null);
});

test('--min-ready N or P% (a percentage rounds up)', () => {
  assert.deepEqual(parseMinReady('2'), { ok: true, value: { kind: 'count', n: 2 } });
  assert.deepEqual(parseMinReady('75%'), { ok: true, value: { kind: 'percent', percent: 75 } });
  assert.ok(!parseMinReady('150%').ok);
  assert.ok(!parseMinReady('two').ok);
  assert.equal(resolveMinReady({ kind: 'percent', percent: 50 }, { strategyType: 'RollingUpdate' }, 3), 2);
  assert.equal(resolveMinReady({ kind: 'count', n: 1 }, { strategyType: 'RollingUpdate' }, 3), 1);
  assert.equal(resolveMinReady(undefined, { strategyType: 'RollingUpdate', maxUnavailable: 1 }, 3), 2);
});
