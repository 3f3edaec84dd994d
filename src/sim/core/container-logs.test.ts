import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ContainerLogs, RUNS_KEPT } from './container-logs.ts';

const owner = { podUid: 'u1', container: 'app' };

test('a run keeps its lines; followers get later lines, then null when it ends', () => {
  const logs = new ContainerLogs();
  logs.start(owner, 'c1');
  logs.append('c1', { at: 1, text: 'one' });
  const got: (string | null)[] = [];
  logs.follow('c1', (l) => got.push(l === null ? null : l.text));
  logs.append('c1', { at: 2, text: 'two' });
  logs.end('c1');
  logs.append('c1', { at: 3, text: 'after the end' });
  assert.deepEqual(logs.lines('c1').map((l) => l.text), ['one', 'two']);
  assert.deepEqual(got, ['two', null]);
  const late: (string | null)[] = [];
  logs.follow('c1', (l) => late.push(l === null ? null : l.text));
  assert.deepEqual(late, [null], 'following an ended run ends at once');
});

test('only the current and the previous run of a container are kept; a deleted pod loses its logs', () => {
  const logs = new ContainerLogs();
  for (const id of ['c1', 'c2', 'c3']) logs.start(owner, id);
  assert.equal(RUNS_KEPT, 2);
  assert.deepEqual(['c1', 'c2', 'c3'].map((id) => logs.has(id)), [false, true, true]);
  logs.start({ podUid: 'u2', container: 'app' }, 'd1');
  logs.forgetPod('u1');
  assert.deepEqual(['c2', 'c3', 'd1'].map((id) => logs.has(id)), [false, false, true]);
});
