import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTrackerError } from '../../lib/errors.ts';
import { parseLimit, parseOutcomes, parseTimeArg, parseWorkloadTarget } from './history-args.ts';

const NOW = Date.parse('2026-11-23T12:00:00Z');

const targets = [
  { args: ['deployment/web'], want: { kind: 'Deployment', name: 'web' } },
  { args: ['deploy/web'], want: { kind: 'Deployment', name: 'web' } },
  { args: ['deployments.apps/web'], want: { kind: 'Deployment', name: 'web' } },
  { args: ['sts', 'db'], want: { kind: 'StatefulSet', name: 'db' } },
  { args: ['DS/agent'], want: { kind: 'DaemonSet', name: 'agent' } },
] as const;
for (const row of targets) test(`parseWorkloadTarget ${row.args.join(' ')}`, () => assert.deepEqual(parseWorkloadTarget(row.args, 'history'), row.want));

for (const bad of [['web'], ['pod/x'], ['deploy/'], ['deploy/a/b'], ['deploy/a', 'b'], ['a', 'b', 'c']])
  test(`parseWorkloadTarget rejects ${bad.join(' ')} as a usage error`, () =>
    assert.throws(() => parseWorkloadTarget(bad, 'history'), (e: unknown) => isTrackerError(e) && e.code === 'USAGE' && e.details.hint !== undefined));

const times = [
  { value: '2h', want: NOW - 2 * 3600_000 },
  { value: '7d', want: NOW - 7 * 86_400_000 },
  { value: '1h30m', want: NOW - 90 * 60_000 },
  { value: '90s', want: NOW - 90_000 },
  { value: '2026-11-20T08:00:00Z', want: Date.parse('2026-11-20T08:00:00Z') },
  { value: '2026-11-20T08:00:00.250+02:00', want: Date.parse('2026-11-20T06:00:00.250Z') },
] as const;
for (const row of times) test(`parseTimeArg ${row.value}`, () => assert.equal(parseTimeArg(row.value, NOW, '--since'), row.want));

for (const bad of ['', 'yesterday', '2h ago', '-2h', '2026-11-20', '2026-13-45T99:00:00Z', '1w'])
  test(`parseTimeArg rejects ${JSON.stringify(bad)} naming the flag`, () =>
    assert.throws(() => parseTimeArg(bad, NOW, '--until'), (e: unknown) => isTrackerError(e) && e.code === 'USAGE' && e.message.includes('--until') && /2h/.test(e.details.hint ?? '')));

test('parseOutcomes reads a comma-separated list and rejects unknown outcomes', () => {
  assert.deepEqual(parseOutcomes('failed, rolled-back'), ['failed', 'rolled-back']);
  assert.throws(() => parseOutcomes('failed,done'), (e: unknown) => isTrackerError(e) && e.code === 'USAGE' && /done/.test(e.message));
  assert.throws(() => parseOutcomes(','), (e: unknown) => isTrackerError(e) && e.code === 'USAGE');
});

test('parseLimit accepts positive whole numbers only', () => {
  assert.equal(parseLimit('20'), 20);
  for (const bad of ['0', '-1', '2.5', 'ten', '']) assert.throws(() => parseLimit(bad), (e: unknown) => isTrackerError(e) && e.code === 'USAGE');
});
