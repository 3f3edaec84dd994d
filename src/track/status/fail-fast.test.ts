import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Diagnosis } from '../../model/diagnosis.ts';
import { goDuration, parseDuration } from '../../model/duration.ts';
import { DEFAULT_FAIL_FAST_RULES, evaluateFailFast, formatFailFastRules, parseFailFastRules } from './fail-fast.ts';

const durations = [
  ['0s', 0], ['0', 0], ['30s', 30_000], ['1m30s', 90_000], ['250ms', 250], ['1.5s', 1500], ['2h', 7_200_000],
  ['', null], ['10', null], ['-1s', null], ['1d', null], ['s', null], ['1m 30s', null],
] as const;
for (const [text, want] of durations) test(`parseDuration(${JSON.stringify(text)}) → ${want}`, () => assert.equal(parseDuration(text), want));

for (const [ms, want] of [[0, '0s'], [250, '250ms'], [30_000, '30s'], [90_000, '1m30s'], [7_200_000, '2h0m0s']] as const)
  test(`goDuration(${ms}) → ${want}`, () => assert.equal(goDuration(ms), want));

const unschedulable: Diagnosis = { code: 'Unschedulable', reason: 'Unschedulable', message: '0/3 nodes are available' };
const evaluations = [
  { name: 'within grace → wait until firstSeen + grace', rules: { Unschedulable: 30_000 }, first: 1000, now: 20_000, want: { kind: 'wait', failAt: 31_000 } },
  { name: 'grace reached → fail', rules: { Unschedulable: 30_000 }, first: 1000, now: 31_000, want: { kind: 'fail' } },
  { name: 'zero grace → fail at once', rules: { Unschedulable: 0 }, first: 5000, now: 5000, want: { kind: 'fail' } },
  { name: 'no rule for the code → never', rules: { CrashLoop: 0 }, first: 0, now: 1e9, want: { kind: 'never' } },
] as const;
for (const row of evaluations) test(`evaluateFailFast: ${row.name}`, () => assert.deepEqual(evaluateFailFast(unschedulable, row.first, row.now, row.rules), row.want));

test('parseFailFastRules: pairs override the defaults', () => {
  const r = parseFailFastRules('ImagePullFailed=0s, Unschedulable=1m,ReadinessFailing=never');
  assert.ok(r.ok);
  assert.equal(r.value.Unschedulable, 60_000);
  assert.equal(r.value.ImagePullFailed, 0);
  assert.equal(r.value.ReadinessFailing, undefined);
  assert.equal(r.value.CrashLoop, DEFAULT_FAIL_FAST_RULES.CrashLoop);
});

test('parseFailFastRules: "none" starts from no rules', () => {
  const r = parseFailFastRules('none');
  assert.ok(r.ok);
  assert.deepEqual(r.value, {});
});

for (const bad of ['Bogus=1s', 'CrashLoop', 'CrashLoop=soon', 'crashloop=1s'])
  test(`parseFailFastRules rejects ${JSON.stringify(bad)} with a usage error naming the flag`, () => {
    const r = parseFailFastRules(bad);
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'USAGE');
    assert.match(r.error.message, /--fail-fast/);
    assert.match(r.error.details.hint ?? '', /ImagePullFailed=0s/);
  });

test('formatFailFastRules round-trips through parseFailFastRules', () => {
  const text = formatFailFastRules(DEFAULT_FAIL_FAST_RULES);
  assert.equal(text, 'ImagePullFailed=0s,CrashLoop=0s,Unschedulable=30s,ReadinessFailing=2m0s,ConfigError=30s,ReplicaFailure=30s,ProgressDeadlineExceeded=0s,Deleted=0s');
  const r = parseFailFastRules(text, {});
  assert.ok(r.ok);
  assert.deepEqual(r.value, DEFAULT_FAIL_FAST_RULES);
});
