import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeChange, parseChange, resolveChange } from './change.ts';

test('parseChange accepts add/remove or set, never both, and validates labels', () => {
  assert.deepEqual(parseChange({ addLabel: ['tier=frontend'], removeLabel: ['version'] }), { ok: true, value: { mode: 'edit', add: { tier: 'frontend' }, remove: ['version'] } });
  assert.deepEqual(parseChange({ addLabel: [], removeLabel: [], setSelector: 'app=web, tier=frontend' }), { ok: true, value: { mode: 'set', matchLabels: { app: 'web', tier: 'frontend' } } });
  const bad: [Parameters<typeof parseChange>[0], RegExp][] = [
    [{ addLabel: [], removeLabel: [] }, /say what to change/],
    [{ addLabel: ['tier'], removeLabel: [] }, /expected KEY=VALUE/],
    [{ addLabel: ['tier=a b'], removeLabel: [] }, /invalid label value/],
    [{ addLabel: ['a=1'], removeLabel: [], setSelector: 'a=1' }, /not both/],
    [{ addLabel: [], removeLabel: [], setSelector: '' }, /at least one/],
    [{ addLabel: ['a=1'], removeLabel: ['a'] }, /both name a/],
    [{ addLabel: [], removeLabel: ['-x'] }, /invalid label key/],
  ];
  for (const [flags, want] of bad) {
    const r = parseChange(flags);
    assert.ok(!r.ok && want.test(r.error), `${JSON.stringify(flags)} → ${JSON.stringify(r)}`);
  }
});

test('resolveChange classifies add, remove and changed keys against a Deployment', () => {
  const sel = { matchLabels: { app: 'web', version: 'v1' } };
  const tmpl = { app: 'web', version: 'v1', team: 'a' };
  const add = resolveChange({ mode: 'edit', add: { tier: 'frontend' }, remove: [] }, sel, tmpl);
  assert.deepEqual([add.added, add.removed, add.changed, add.templateChanges, add.templateKeepsOldSelector], [['tier'], [], [], true, true]);
  assert.deepEqual(add.toTemplateLabels, { app: 'web', version: 'v1', team: 'a', tier: 'frontend' });

  const rm = resolveChange({ mode: 'edit', add: {}, remove: ['version'] }, sel, tmpl);
  assert.deepEqual([rm.added, rm.removed, rm.changed, rm.templateChanges], [[], ['version'], [], false]);
  assert.deepEqual(rm.toSelector, { matchLabels: { app: 'web' } });
  assert.deepEqual(rm.toTemplateLabels, tmpl, 'a removed key stays on the pods');

  const chg = resolveChange({ mode: 'set', matchLabels: { app: 'web', version: 'v2' } }, sel, tmpl);
  assert.deepEqual([chg.added, chg.removed, chg.changed, chg.templateChanges, chg.templateKeepsOldSelector], [[], [], ['version'], true, false]);

  const onPods = resolveChange({ mode: 'edit', add: { team: 'a' }, remove: [] }, sel, tmpl);
  assert.equal(onPods.templateChanges, false, 'adding a key the pods already carry needs no rollout');
  assert.equal(resolveChange({ mode: 'edit', add: {}, remove: ['nothere'] }, sel, tmpl).noop, true);
  assert.equal(describeChange({ mode: 'edit', add: { tier: 'frontend' }, remove: ['version'] }), '+tier=frontend -version');
});

test('matchExpressions survive a change untouched', () => {
  const sel = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' as const }] };
  const r = resolveChange({ mode: 'edit', add: { tier: 'x' }, remove: [] }, sel, { app: 'web' });
  assert.deepEqual(r.toSelector.matchExpressions, sel.matchExpressions);
});
