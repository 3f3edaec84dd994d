// Issue 5, "Done when" 1: a real Prometheus scrapes `rollscope serve` during a simulated day; PromQL
// over the scraped data gives the ledger's release counts per trigger and outcome, and duration
// quantiles that agree with the ledger's within bucket resolution.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DURATION_BUCKETS } from '../../src/export/metrics/registry.ts';
import { needComponent } from '../support/services.ts';
import { eventually, startCluster } from '../sim/kubectl-support.ts';
import { fetchReleases, simClockEnv, startServe, waitReady, type ReleaseJson } from './fixtures/daemon.ts';
import { PROMETHEUS_CANDIDATES, startPrometheus } from './fixtures/prometheus.ts';
import { EXPECTED_DAY, runScriptedDay } from './fixtures/scripted-day.ts';

/** firstFinalOutcome is the outcome a release was counted under: metrics count a release once, when it first becomes final; in this day every release later rolled back had succeeded first. */
const firstFinalOutcome = (r: ReleaseJson): string => (r.outcome === 'rolled-back' ? 'succeeded' : r.outcome);

/** bucketOf is the histogram bucket [lower, upper] holding `seconds`. */
function bucketOf(seconds: number): [number, number] {
  let lower = 0;
  for (const upper of DURATION_BUCKETS) {
    if (seconds <= upper) return [lower, upper];
    lower = upper;
  }
  return [lower, Infinity];
}

/** quantile is the nearest-rank quantile of sorted values. */
function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

test('Prometheus scraping rollscope serve agrees with the ledger', { timeout: 120_000 }, async (t) => {
  const bin = needComponent(t, 'prometheus', PROMETHEUS_CANDIDATES, 'apt-get install prometheus');
  if (!bin) return;
  // Given a simulated cluster, `rollscope serve` on it, and a real Prometheus scraping its /metrics every second
  const cluster = await startCluster(t, { speed: 40 });
  if (!cluster) return;
  const dir = mkdtempSync(join(tmpdir(), 'rollscope-prom-e2e-'));
  const serve = await startServe({ kubeconfig: cluster.kubeconfig, db: `sqlite:${join(dir, 'ledger.db')}`, env: simClockEnv(cluster.sim) });
  t.after(async () => {
    await serve.kill();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  await waitReady(serve.url);
  const prom = await startPrometheus(bin, new URL(serve.url).host);
  t.after(() => prom.stop());

  // When the scripted day runs and the tracker has finished every release
  await runScriptedDay(cluster);
  const releases = await eventually('every release of the day to be final in the ledger', async () => {
    const rs = await fetchReleases(serve.url);
    return rs.length === EXPECTED_DAY.length && rs.every((r) => !['progressing', 'paused'].includes(r.outcome)) ? rs : undefined;
  }, 20_000);
  const want = new Map<string, number>();
  for (const r of releases) want.set(`${r.trigger}/${firstFinalOutcome(r)}`, (want.get(`${r.trigger}/${firstFinalOutcome(r)}`) ?? 0) + 1);

  // Then PromQL gives the same counts per trigger and outcome (once Prometheus has scraped them)
  const got = await eventually('Prometheus to scrape every finished release', async () => {
    const v = await prom.query('sum by (trigger, outcome) (rollscope_releases_total)');
    const m = new Map(v.map((s) => [`${s.metric.trigger}/${s.metric.outcome}`, s.value]));
    return [...m.values()].reduce((a, b) => a + b, 0) === releases.length ? m : undefined;
  }, 15_000);
  assert.deepEqual(Object.fromEntries([...got].sort()), Object.fromEntries([...want].sort()));
  const started = await prom.query('sum(rollscope_releases_started_total)');
  assert.equal(started[0]?.value, releases.length, 'every release counted once as started');
  const failures = await prom.query('sum by (code) (rollscope_rollout_failures_total)');
  assert.deepEqual(Object.fromEntries(failures.map((s) => [s.metric.code, s.value]).sort()), { CrashLoop: 1, ImagePullFailed: 1, Unschedulable: 1 });

  // And its duration quantiles fall in the same histogram bucket as the ledger's
  const durations = releases.map((r) => (Date.parse(r.finishedAt ?? '') - Date.parse(r.startedAt)) / 1000).sort((a, b) => a - b);
  for (const q of [0.5, 0.9]) {
    const [v] = await prom.query(`histogram_quantile(${q}, sum by (le) (rollscope_rollout_duration_seconds_bucket))`);
    assert.ok(v, `histogram_quantile(${q}) has a value`);
    const [lower, upper] = bucketOf(quantile(durations, q));
    assert.ok(v.value >= lower && v.value <= upper, `p${q * 100}: PromQL ${v.value.toFixed(2)} s vs ledger ${quantile(durations, q).toFixed(2)} s (bucket ${lower}–${upper} s)`);
  }
});
