import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveChange, type SelectorChange } from './change.ts';
import { choosePath } from './path.ts';

const sel = { matchLabels: { app: 'web', version: 'v1' } };
const tmpl = { app: 'web', version: 'v1' };
const rolling = { strategyType: 'RollingUpdate' };

test('each kind of change takes the path the rules say', () => {
  const cases: [string, SelectorChange, Partial<Parameters<typeof choosePath>[0]>, 'adopt' | 'copy', boolean][] = [
    ['remove a key: adopt, no rollout', { mode: 'edit', add: {}, remove: ['version'] }, {}, 'adopt', false],
    ['add a key: roll the template, then adopt', { mode: 'edit', add: { tier: 'fe' }, remove: [] }, {}, 'adopt', true],
    ['add a key the pods carry: adopt, no rollout', { mode: 'edit', add: { app: 'web' }, remove: [] }, {}, 'adopt', false],
    ['change a value: copy', { mode: 'set', matchLabels: { app: 'web', version: 'v2' } }, {}, 'copy', true],
    ['add under Recreate: copy', { mode: 'edit', add: { tier: 'fe' }, remove: [] }, { strategy: { strategyType: 'Recreate' } }, 'copy', true],
    ['add with --min-ready above the rollout floor: copy', { mode: 'edit', add: { tier: 'fe' }, remove: [] }, { replicas: 4, minReady: 4 }, 'copy', true],
    ['add while paused: copy', { mode: 'edit', add: { tier: 'fe' }, remove: [] }, { paused: true }, 'copy', true],
    ['remove under Recreate still adopts (no pod is touched)', { mode: 'edit', add: {}, remove: ['version'] }, { strategy: { strategyType: 'Recreate' } }, 'adopt', false],
  ];
  for (const [what, change, over, path, rolls] of cases) {
    const c = choosePath({ change: resolveChange(change, sel, tmpl), strategy: rolling, replicas: 3, paused: false, minReady: 3, ...over });
    assert.deepEqual([c.path, c.rollsTemplate], [path, rolls], `${what}: ${c.reason}`);
    assert.ok(c.reason.length > 20);
  }
});
