import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluate, parseCondition } from './condition.ts';

const cond = (t: string) => {
  const c = parseCondition(t);
  assert.ok(c.ok, JSON.stringify(c));
  return c.value;
};

test('conditions evaluate three-valued: missing data is unknown, never true', () => {
  const rows: [string, number | null, number | null, boolean | null][] = [
    ['result >= 0.99', 0.995, null, true],
    ['result >= 0.99', 0.7, null, false],
    ['result >= 0.99', null, null, null],
    ['result >= 0.99', NaN, null, null],
    ['result <= stable * 1.5 + 0.05', 0.2, 0.1, true],
    ['result <= stable * 1.5 + 0.05', 0.45, 0.1, false],
    ['result <= stable * 1.5 + 0.05', 0.2, null, null],
    ['result < 0.5 && result > 0.1', 0.3, null, true],
    ['result < 0.05 && stable > 1', 0.3, null, false], // false && unknown = false
    ['result > 0.05 || stable > 1', 0.3, null, true], // true || unknown = true
    ['!(result > 1)', 0.3, null, true],
    ['result / stable > 2', 1, 0, null], // division by zero is no data
    ['-result < 0', 2, null, true],
    ['(result - stable) * 100 <= 1', 0.985, 0.99, true],
  ];
  for (const [text, result, stable, want] of rows) assert.equal(evaluate(cond(text), { result, stable }), want, `${text} with ${result}/${stable}`);
  assert.equal(cond('result > stable').usesStable, true);
  assert.equal(cond('result > 1').usesStable, false);
});

test('bad conditions say what is wrong', () => {
  for (const [text, says] of [
    ['result >=', 'expected a value'],
    ['result > 0.9 foo', 'unexpected "foo"'],
    ['result + 1', 'not a comparison'],
    ['process.exit()', 'unexpected'],
    ['(result > 1', 'expected )'],
  ] as const) {
    const c = parseCondition(text);
    assert.ok(!c.ok && c.error.includes(says), `${text}: ${JSON.stringify(c)}`);
  }
});
