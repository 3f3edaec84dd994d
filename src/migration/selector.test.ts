import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatSelector, labelKeyProblem, labelValueProblem, mapSelectorMatches, readSelector, selectorMatches, selectorsEqual } from './selector.ts';

test('selectorMatches: matchLabels AND matchExpressions, with apimachinery semantics for absent keys', () => {
  const s = readSelector({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }, { key: 'debug', operator: 'DoesNotExist' }, { key: 'env', operator: 'NotIn', values: ['dev'] }] });
  const cases: [Record<string, string>, boolean][] = [
    [{ app: 'web', tier: 'a' }, true],
    [{ app: 'web', tier: 'c' }, false],
    [{ app: 'web' }, false],
    [{ app: 'web', tier: 'b', debug: '' }, false],
    [{ app: 'web', tier: 'b', env: 'dev' }, false],
    [{ app: 'web', tier: 'b', env: 'prod' }, true],
    [{ app: 'api', tier: 'a' }, false],
  ];
  for (const [labels, want] of cases) assert.equal(selectorMatches(s, labels), want, JSON.stringify(labels));
  assert.equal(selectorMatches({}, { any: 'thing' }), true, 'an empty selector selects everything');
});

test('readSelector drops malformed clauses; formatSelector is order-independent', () => {
  const s = readSelector({ matchLabels: { b: '2', a: '1', n: 3 }, matchExpressions: [{ key: 'x', operator: 'Bogus' }, { key: 'y', operator: 'Exists' }] });
  assert.equal(formatSelector(s), 'a=1,b=2,y');
  assert.ok(selectorsEqual(readSelector({ matchLabels: { a: '1', b: '2' } }), readSelector({ matchLabels: { b: '2', a: '1' } })));
  assert.ok(!selectorsEqual(readSelector({ matchLabels: { a: '1' } }), readSelector({ matchLabels: { a: '2' } })));
});

test('a Service selector (map) selects only when non-empty and every pair holds', () => {
  assert.equal(mapSelectorMatches({}, { app: 'web' }), false);
  assert.equal(mapSelectorMatches({ app: 'web' }, { app: 'web', tier: 'x' }), true);
  assert.equal(mapSelectorMatches({ app: 'web', tier: 'y' }, { app: 'web', tier: 'x' }), false);
});

test('label key and value validation', () => {
  assert.equal(labelKeyProblem('app.kubernetes.io/part-of'), null);
  assert.equal(labelKeyProblem('tier'), null);
  assert.match(labelKeyProblem('-bad') ?? '', /invalid label key/);
  assert.match(labelKeyProblem(`x/${'a'.repeat(64)}`) ?? '', /invalid label key/);
  assert.equal(labelValueProblem(''), null);
  assert.match(labelValueProblem('has space') ?? '', /invalid label value/);
});
