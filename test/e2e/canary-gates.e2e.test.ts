// End-to-end tests of the canary's analysis gates with a real Prometheus (fixtures/canary.ts): a slow
// image (-slow400) fails the p99 latency gate against the stable; with no traffic at all the
// analysis is inconclusive, the canary pauses and stays paused (never promoted by itself) until
// `rollscope canary promote` from another process continues it.
import assert from 'node:assert/strict';
import { after, before, test, type TestContext } from 'node:test';
import type { OpsCluster } from '../ops/ops-support.ts';
import { spawnRollscope } from '../ops/ops-support.ts';
import { analysisFile, deployment, INTERVAL_S, prometheus, setup, startCanaryCluster, statusOf, stopCanaryCluster, TOTAL } from './fixtures/canary.ts';

let c: OpsCluster | undefined;
before(async (t) => {
  c = await startCanaryCluster(t as unknown as TestContext);
});
after(stopCanaryCluster);

test('a slow image (-slow400) fails the p99 latency gate and is aborted', { timeout: 90_000 }, async () => {
  if (!c) return;
  const ns = 'cn-slow';
  const load = (await setup(ns))!;
  const run = await c.rollscope(['canary', 'deployment/web', '-n', ns, '--image', 'app=web:2-slow400', '--steps', '10,50', '--prometheus', prometheus().url, '--analysis', analysisFile('slow')], { timeoutMs: 80_000 });
  await load.stop();
  assert.equal(run.code, 1, run.stderr);
  // histogram_quantile over the default buckets: 0.4 s lies in (0.25, 0.5], the stable's few ms in (0, 0.005]
  assert.match(run.stdout, /ABORTED — analysis failed at 10%: latency-p99 = 0\.4\d* \(stable 0\.00\d+\): failure condition result > stable \* 2 \+ 0\.1 holds/);
  const web = await deployment(ns, 'web');
  assert.deepEqual([web?.spec.replicas, web?.spec.template.spec.containers.map((x) => x.image)], [TOTAL, ['web:1']]);
  assert.equal(await deployment(ns, 'web-canary'), null);
  const st = statusOf(web);
  const failed = st.measurements.filter((m) => m.verdict === 'failed');
  assert.deepEqual(failed.map((m) => m.metric), ['latency-p99'], 'only the latency gate failed');
  assert.ok(st.measurements.filter((m) => m.metric === 'success-rate').every((m) => m.verdict !== 'failed'), 'the success rate of a slow image is fine');
  process.stdout.write(`# -slow400: ${failed[0]!.reason}\n`);
});

test('no traffic: the analysis is inconclusive and the canary pauses, never promoting itself; `canary promote` continues it', { timeout: 90_000 }, async () => {
  if (!c) return;
  const ns = 'cn-idle';
  await setup(ns, 0);
  const driver = spawnRollscope(c, ['canary', 'deployment/web', '-n', ns, '--image', 'app=web:2', '--steps', '10,50', '--prometheus', prometheus().url, '--analysis', analysisFile('idle', ['inconclusiveLimit: 1']), '--lease', '3s']);
  const pausedAt = await driver.when(/paused: .*inconclusive measurements, inconclusiveLimit 1/, 60_000);
  let st = statusOf(await deployment(ns, 'web'));
  assert.deepEqual([st.phase, st.stepIndex], ['paused', 0]);
  assert.match(st.message, /^paused at 10%: success-rate: no request rate for the canary in Prometheus \(traffic floor 0\.5 req\/s\) \(2 inconclusive measurements, inconclusiveLimit 1\); promote to continue or abort$/);
  const counted = st.measurements.filter((m) => m.metric === 'success-rate');
  assert.ok(counted.length === 2 && counted.every((m) => m.verdict === 'inconclusive'), JSON.stringify(counted));
  // no data counts once per interval, not once per retry
  assert.ok(counted[1]!.at - counted[0]!.at >= INTERVAL_S * 1000, `inconclusive measurements one interval apart: ${counted.map((m) => m.at).join(', ')}`);
  // paused stays paused: the driver keeps its claim and moves nothing
  await new Promise((r) => setTimeout(r, 2 * INTERVAL_S * 1000));
  st = statusOf(await deployment(ns, 'web'));
  assert.deepEqual([st.phase, st.stepIndex, (await deployment(ns, 'web-canary'))?.spec.replicas], ['paused', 0, 1], 'still paused at 10 % after two more intervals');
  assert.ok(st.holderUntil > Date.now(), 'the paused driver still holds its claim');

  const p = await c.rollscope(['canary', 'promote', 'deployment/web', '-n', ns]);
  assert.equal(p.code, 0, p.stderr);
  await driver.when(/on to 50%/, 30_000);
  // at 50 % there is still no traffic: paused again, then promoted by hand to the end
  await driver.when(/paused at 50%: success-rate: no request rate/, 60_000);
  const p2 = await c.rollscope(['canary', 'promote', 'deployment/web', '-n', ns]);
  assert.equal(p2.code, 0, p2.stderr);
  const end = await driver.done;
  assert.equal(end.code, 0, end.stderr);
  const web = await deployment(ns, 'web');
  assert.deepEqual([web?.spec.replicas, web?.spec.template.spec.containers.map((x) => x.image), statusOf(web).phase], [TOTAL, ['web:2'], 'promoted']);
  process.stdout.write(`# no traffic: paused ${Math.round((pausedAt - st.stepReachedAt!) / 100) / 10} s after 10 % was reached; promoted by hand\n`);
});
