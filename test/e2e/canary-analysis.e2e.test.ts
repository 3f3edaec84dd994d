// End-to-end tests of `rollscope canary` judged by a real Prometheus on real traffic: the simulated
// cluster's pods listen on loopback, a steady client sends requests through the Service's cluster IP
// (one connection each, so the service proxy shares them by ready replicas), Debian's Prometheus
// scrapes every pod each second through the simulator's http_sd endpoint with the canary field
// report's relabel rules (fixtures/canary.ts), and the CLI drives the canary as a child process. A
// good image is promoted step by step with the traffic share measured at each step; a bad one
// (-errors30) is aborted on its first measurement.
import assert from 'node:assert/strict';
import { after, before, test, type TestContext } from 'node:test';
import type { Measurement } from '../../src/canary/record.ts';
import type { OpsCluster } from '../ops/ops-support.ts';
import { analysisFile, deployment, INTERVAL_S, loadCodes, prometheus, RPS, setup, startCanaryCluster, statusOf, stopCanaryCluster, TOTAL } from './fixtures/canary.ts';

let c: OpsCluster | undefined;
before(async (t) => {
  c = await startCanaryCluster(t as unknown as TestContext);
});
after(stopCanaryCluster);

/** share is the canary's share of the traffic (percent) a measurement saw in Prometheus. */
const share = (m: Measurement): number => (100 * (m.canaryRate ?? 0)) / ((m.canaryRate ?? 0) + (m.stableRate ?? 0));

test('a good image goes 10 → 50 → 100 and is promoted; the measured traffic share follows the replica share; no client request fails', { timeout: 90_000 }, async () => {
  if (!c) return;
  const ns = 'cn-good';
  const load = (await setup(ns))!;
  const run = await c.rollscope(['canary', 'deployment/web', '-n', ns, '--image', 'app=web:2', '--steps', '10,50', '--prometheus', prometheus().url, '--analysis', analysisFile('good'), '-o', 'json'], { timeoutMs: 80_000 });
  await load.stop();
  assert.equal(run.code, 0, run.stderr);
  const out = JSON.parse(run.stdout) as { result: string };
  assert.equal(out.result, 'promoted');
  const web = await deployment(ns, 'web');
  assert.deepEqual([web?.spec.replicas, web?.spec.template.spec.containers.map((x) => x.image)], [TOTAL, ['web:2']]);
  assert.equal(await deployment(ns, 'web-canary'), null, 'the canary Deployment is gone');
  const st = statusOf(web);
  assert.equal(st.phase, 'promoted');
  // the traffic share the analysis measured in Prometheus at each analysed step, against the replica share
  const lines: string[] = [];
  for (const [step, weight] of [[0, 10], [1, 50]] as const) {
    const ms = st.measurements.filter((m) => m.step === step && m.metric === 'success-rate');
    assert.ok(ms.filter((m) => m.verdict === 'successful').length === 3 && ms.every((m) => m.verdict !== 'failed'), `step ${step} passed on three successful measurements: ${JSON.stringify(ms.map((m) => m.reason))}`);
    const last = ms.at(-1)!;
    lines.push(`${weight}% of replicas → ${share(last).toFixed(1)}% of requests (${ms.map((m) => share(m).toFixed(1)).join(', ')})`);
    assert.ok(Math.abs(share(last) - weight) <= 5, `step ${step + 1}: replica share ${weight} %, measured traffic share ${share(last).toFixed(1)} %`);
  }
  const codes = loadCodes(load);
  process.stdout.write(`# canary traffic share: ${lines.join('; ')}; client: ${JSON.stringify(codes)}\n`);
  assert.ok((codes['200'] ?? 0) > RPS * 5, `the client kept sending: ${JSON.stringify(codes)}`);
  assert.deepEqual(Object.keys(codes), ['200'], `no failed client request: ${JSON.stringify(codes)}`);
});

test('a bad image (-errors30) is aborted on its first measurement; the stable keeps web:1 at full size; the message names metric, value and threshold', { timeout: 90_000 }, async () => {
  if (!c) return;
  const ns = 'cn-bad';
  const load = (await setup(ns))!;
  // when the canary's requests first appear in Prometheus (the test looks every 100 ms)
  let firstData = 0;
  const watcher = (async () => {
    while (firstData === 0) {
      const r = await prometheus().query(`sum(http_requests_total{kubernetes_namespace="${ns}",rollscope_io_track="canary"})`).catch(() => []);
      if ((r[0]?.value ?? 0) > 0) firstData = Date.now();
      else await new Promise((res) => setTimeout(res, 100));
    }
  })();
  const run = await c.rollscope(['canary', 'deployment/web', '-n', ns, '--image', 'app=web:2-errors30', '--steps', '10,50', '--prometheus', prometheus().url, '--analysis', analysisFile('bad')], { timeoutMs: 80_000 });
  await load.stop();
  if (firstData === 0) firstData = -1;
  await watcher;
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stdout, /ABORTED — analysis failed at 10%: success-rate = 0\.(?:[0-8]\d*|9[0-4]\d*) \(stable 1\): failure condition result < 0\.95 && result < stable - 0\.02 holds/);
  const web = await deployment(ns, 'web');
  assert.deepEqual([web?.spec.replicas, web?.spec.template.spec.containers.map((x) => x.image)], [TOTAL, ['web:1']]);
  assert.equal(await deployment(ns, 'web-canary'), null, 'the canary Deployment is gone');
  const st = statusOf(web);
  assert.equal(st.phase, 'aborted');
  const failed = st.measurements.find((m) => m.verdict === 'failed');
  assert.ok(failed !== undefined, JSON.stringify(st.measurements));
  assert.ok(firstData > 0, 'the canary\'s requests showed in Prometheus');
  process.stdout.write(`# -errors30: canary data in Prometheus at +0 ms, failed measurement at +${failed.at - firstData} ms (interval ${INTERVAL_S} s): ${failed.reason}\n`);
  assert.ok(failed.at - firstData <= INTERVAL_S * 1000, `aborted within the first analysis interval after the canary's data appeared (${failed.at - firstData} ms): ${JSON.stringify(st.measurements.map((m) => [m.at - firstData, m.verdict, m.reason]))}\n${run.stderr}`);
  assert.equal(st.measurements.filter((m) => m.verdict === 'failed' || m.verdict === 'successful').length <= 2, true, 'no measurement after the failing round');
});
