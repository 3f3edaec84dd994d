import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MigrationOutcome } from '../../controllers/migration/controller.ts';
import { summaryTable } from './migrate-selector.ts';

const outcome = (name: string, result: MigrationOutcome['result'], over: Partial<MigrationOutcome> = {}): MigrationOutcome => ({
  id: 'x',
  namespace: 'shop',
  name,
  result,
  path: 'adopt',
  from: 'app=web',
  to: 'app=web,tier=fe',
  reason: '',
  hint: '',
  findings: [],
  writes: [],
  backups: [],
  plan: '',
  minReady: 3,
  lowestReady: 3,
  durationMs: 1500,
  ...over,
});

test('the summary has one row per Deployment, the reason and fix of each that did not succeed, and the counts', () => {
  const text = summaryTable([
    outcome('web', 'migrated'),
    outcome('api', 'blocked', { path: 'copy', reason: 'poddisruptionbudget/api covers the pods', hint: 'rerun with --min-ready 2 --force', lowestReady: null }),
    outcome('db', 'unchanged', { to: 'app=web' , from: 'app=web'}),
  ]);
  const lines = text.trimEnd().split('\n');
  assert.match(lines[0]!, /^NAMESPACE\s+NAME\s+PATH\s+RESULT\s+SELECTOR\s+LOWEST-READY\s+TIME$/);
  assert.match(lines[1]!, /^shop\s+web\s+adopt\s+migrated\s+app=web → app=web,tier=fe\s+3\/3\s+1\.5s$/);
  assert.match(lines[2]!, /^shop\s+api\s+copy\s+BLOCKED\s+.*\s+-\s+1\.5s$/);
  assert.match(lines[3]!, /^shop\s+db\s+adopt\s+unchanged\s+app=web\s/);
  assert.equal(lines[4], 'shop/api: poddisruptionbudget/api covers the pods');
  assert.equal(lines[5], '  fix: rerun with --min-ready 2 --force');
  assert.equal(lines[6], '3 deployment(s): 1 migrated, 1 unchanged, 0 planned, 1 failed, 0 timed out');
});
