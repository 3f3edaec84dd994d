import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReleaseId } from '../../model/release.ts';
import { aRelease } from '../../../test/support/release-fixture.ts';
import { RolloutMetrics } from './registry.ts';
import { releaseTransition } from './transition.ts';

const t0 = Date.parse('2026-11-20T10:00:00Z');
const progressing = aRelease({ outcome: 'progressing', finishedAt: null, startedAt: t0, phases: { templateObserved: t0 } });
const succeeded = aRelease({ outcome: 'succeeded', startedAt: t0, finishedAt: t0 + 30_000, phases: { templateObserved: t0, revisionCreated: t0 + 1_000, allAvailable: t0 + 30_000 } });

const rows = [
  { name: 'new live release starts', before: undefined, after: progressing, started: true, finished: null },
  { name: 'progressing → succeeded finishes with duration and phases', before: progressing, after: succeeded, started: false, finished: 'succeeded' },
  { name: 'replayed final state counts nothing', before: succeeded, after: succeeded, started: false, finished: null },
  { name: 'backfilled release counts nothing', before: undefined, after: aRelease({ backfilled: true }), started: false, finished: null },
] as const;
for (const row of rows)
  test(`releaseTransition: ${row.name}`, () => {
    const t = releaseTransition(row.before, row.after);
    assert.equal(t.started, row.started);
    assert.equal(t.finished, row.finished);
  });

test('releaseTransition: per-phase durations are the gaps between reached phases', () => {
  assert.deepEqual(releaseTransition(progressing, succeeded).phaseSeconds, [['revisionCreated', 1], ['allAvailable', 29]]);
  assert.equal(releaseTransition(progressing, succeeded).durationSeconds, 30);
});

function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`) || (labels === '' && l.startsWith(`${name} `)));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

test('RolloutMetrics exposes counts, histograms, in-progress and tracker health', async () => {
  let now = t0 + 100_000;
  const m = new RolloutMetrics({ processMetrics: false, now: () => now });
  m.observeRelease(undefined, progressing);
  let text = await m.metrics();
  assert.equal(sample(text, 'rollscope_rollouts_in_progress', ''), 1);
  m.observeRelease(progressing, succeeded);
  m.observeRelease(succeeded, succeeded);
  const failed = aRelease({ id: 'r2' as ReleaseId, outcome: 'failed', trigger: 'config', phases: {}, failure: { code: 'CrashLoop', reason: 'CrashLoopBackOff', message: 'x', exitCode: 1 } });
  m.observeRelease(undefined, failed);
  m.watchEvent('pods', 'MODIFIED', t0 + 90_000);
  m.watchRestart('pods', 'expired');
  m.relist('pods');
  m.ledgerWrite(0.002);
  text = await m.metrics();
  assert.equal(sample(text, 'rollscope_releases_total', 'trigger="image",outcome="succeeded"'), 1);
  assert.equal(sample(text, 'rollscope_releases_total', 'trigger="config",outcome="failed"'), 1);
  assert.equal(sample(text, 'rollscope_releases_started_total', 'trigger="image"'), 1);
  assert.equal(sample(text, 'rollscope_rollout_failures_total', 'code="CrashLoop"'), 1);
  assert.equal(sample(text, 'rollscope_rollout_duration_seconds_bucket', 'le="30",trigger="image",outcome="succeeded"'), 1);
  assert.equal(sample(text, 'rollscope_rollout_duration_seconds_bucket', 'le="20",trigger="image",outcome="succeeded"'), 0);
  assert.equal(sample(text, 'rollscope_rollout_phase_duration_seconds_count', 'phase="allAvailable"'), 1);
  assert.equal(sample(text, 'rollscope_rollouts_in_progress', ''), 0);
  assert.equal(sample(text, 'rollscope_last_event_age_seconds', ''), 10);
  assert.equal(sample(text, 'rollscope_watch_restarts_total', 'resource="pods",reason="expired"'), 1);
  assert.equal(sample(text, 'rollscope_relists_total', 'resource="pods"'), 1);
  assert.equal(sample(text, 'rollscope_ledger_write_duration_seconds_count', ''), 1);
  now += 5_000;
  assert.equal(sample(await m.metrics(), 'rollscope_last_event_age_seconds', ''), 15);
});

test('per-workload labels are off by default and on when asked', async () => {
  const off = new RolloutMetrics({ processMetrics: false });
  off.observeRelease(undefined, succeeded);
  assert.doesNotMatch(await off.metrics(), /workload="/);
  const on = new RolloutMetrics({ processMetrics: false, perWorkloadLabels: true });
  on.observeRelease(undefined, succeeded);
  assert.match(await on.metrics(), /rollscope_releases_total\{trigger="image",outcome="succeeded",namespace="shop",workload="Deployment\/web"\} 1/);
});

test('with a cluster, every series carries it — release, health, watch and process metrics alike', async () => {
  const m = new RolloutMetrics({ cluster: 'eu-1', now: () => t0 });
  m.watchHealth(() => [{ resource: 'pods', restarts: { expired: 2 }, relists: 1, errors: 0, lastEventAt: t0, downSince: null }]);
  m.observeRelease(undefined, progressing);
  m.observeRelease(progressing, succeeded);
  const series = (await m.metrics()).split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  for (const name of ['rollscope_releases_total', 'rollscope_rollouts_in_progress', 'rollscope_watch_restarts_total', 'rollscope_watch_down_seconds', 'rollscope_process_cpu_user_seconds_total'])
    assert.ok(series.some((l) => l.startsWith(name)), `${name} is exposed`);
  const unlabelled = series.filter((l) => !/[{,]cluster="eu-1"[,}]/.test(l));
  assert.deepEqual(unlabelled, [], 'every series has cluster="eu-1"');
  assert.equal(sample(series.join('\n'), 'rollscope_releases_total', 'trigger="image",outcome="succeeded",cluster="eu-1"'), 1);
  const none = new RolloutMetrics({ processMetrics: false });
  none.observeRelease(undefined, succeeded);
  assert.doesNotMatch(await none.metrics(), /cluster="/, 'no cluster label unless one is given');
});
