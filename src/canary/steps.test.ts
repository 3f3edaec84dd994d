import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSteps, formatSteps, parseWeights } from './steps.ts';

test('weights: default, appended 100, errors name the bad value', () => {
  const d = buildSteps({});
  assert.ok(d.ok);
  assert.deepEqual(d.value.map((s) => s.weight), [10, 25, 50, 100]);
  assert.deepEqual(parseWeights('10,50'), { ok: true, value: [10, 50, 100] });
  assert.deepEqual(parseWeights(' 20 , 100 '), { ok: true, value: [20, 100] });
  for (const [bad, says] of [['10,5', 'must increase'], ['0,50', 'outside 1–100'], ['10,abc', '"abc"'], ['', 'give weights'], ['150', 'outside']] as const) {
    const r = parseWeights(bad);
    assert.ok(!r.ok && r.error.includes(says), `${bad}: ${JSON.stringify(r)}`);
  }
});

test('pauses: --pause after every step but the last, --pause-steps one each, manual', () => {
  const a = buildSteps({ steps: '10,50,100', pause: '1m' });
  assert.ok(a.ok);
  assert.equal(formatSteps(a.value), '10% (pause 1m0s) → 50% (pause 1m0s) → 100%');
  const b = buildSteps({ steps: '10,50', pauseSteps: 'manual,30s' });
  assert.ok(b.ok);
  assert.deepEqual(b.value.map((s) => s.pause), [{ kind: 'manual' }, { kind: 'timed', ms: 30_000 }, { kind: 'none' }]);
  const c = buildSteps({ steps: '10,50', pauseSteps: '0' });
  assert.ok(c.ok && c.value[0]!.pause.kind === 'none');
  assert.ok(!buildSteps({ pause: '1m', pauseSteps: '1m' }).ok);
  const d = buildSteps({ steps: '50', pauseSteps: '1m,1m' });
  assert.ok(!d.ok && d.error.includes('2 pauses for 1 steps'));
  const e = buildSteps({ pause: 'soon' });
  assert.ok(!e.ok && e.error.includes('"soon"'));
});
