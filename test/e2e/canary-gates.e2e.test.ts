// End-to-end tests of the canary's analysis gates with a real Prometheus (fixtures/canary.ts): a slow
// image (-slow400) fails the p99 latency gate against the stable; with no traffic at all the
// analysis is inconclusive, the canary pauses and stays paused (never promoted by itself) until
// `rollscope canary promote` from another process continues it; with --baseline the canary is
// compared with a baseline Deployment of the stable version at its size, removed at the end.
import assert from 'node:assert/strict';
import { after, before, test, type TestContext } from 'node:test';
import type { OpsCluster } from '../ops/ops-support.ts';
import { spawnRollscope } from '../ops/ops-support.ts';
import type { StoredChange } from '../../src/sim/core/store-api.ts';
import { analysisFile, deployment, INTERVAL_S, loadCodes, prometheus, setup, startCanaryCluster, statusOf, stopCanaryCluster, TOTAL } from './fixtures/canary.ts';

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
  // histogram_quantile over the default buckets: 0.4 s lies in (0.25, 0.5], the stable's in (0, 0.005] (a few ms) or, on a loaded machine, a higher bucket below 0.1 s
  assert.match(run.stdout, /ABORTED — analysis failed at 10%: latency-p99 = 0\.4\d* \(stable 0\.0\d+\): failure condition result > stable \* 2 \+ 0\.1 holds/);
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

test('--baseline: a baseline Deployment of the stable version at the canary\'s size is what the canary is compared with; it is removed at the end', { timeout: 90_000 }, async () => {
  if (!c) return;
  const ns = 'cn-base';
  const load = (await setup(ns))!;
  // (canary, baseline) spec.replicas and the baseline's image after every change of either, in commit order
  const seen: [number, number][] = [];
  const baselineImages = new Set<string>();
  let canary = 0;
  let baseline = 0;
  const off = c.sim.store.subscribe('deployments.apps', (ch: StoredChange) => {
    const o = ch.object as { metadata: { namespace?: string; name?: string }; spec?: { replicas?: number; template?: { metadata?: { labels?: Record<string, string> }; spec?: { containers?: { image: string }[] } } } };
    if (o.metadata.namespace !== ns) return;
    const n = ch.type === 'DELETED' ? 0 : (o.spec?.replicas ?? 0);
    if (o.metadata.name === 'web-canary') canary = n;
    else if (o.metadata.name === 'web-baseline') {
      baseline = n;
      for (const x of o.spec?.template?.spec?.containers ?? []) baselineImages.add(`${x.image} track=${o.spec?.template?.metadata?.labels?.['rollscope.io/track'] ?? ''}`);
    } else return;
    const last = seen.at(-1);
    if (last === undefined || last[0] !== canary || last[1] !== baseline) seen.push([canary, baseline]);
  });
  const run = await c.rollscope(['canary', 'deployment/web', '-n', ns, '--image', 'app=web:2', '--steps', '20,40', '--baseline', '--prometheus', prometheus().url, '--analysis', analysisFile('base'), '-o', 'json'], { timeoutMs: 80_000 });
  off();
  await load.stop();
  assert.equal(run.code, 0, run.stderr);
  assert.equal((JSON.parse(run.stdout) as { result: string }).result, 'promoted');
  // the baseline runs the stable's image with the baseline track label, and matches the canary's size at each step below 100 %
  assert.deepEqual([...baselineImages], ['web:1 track=baseline']);
  const atSteps = seen.filter(([cn, b]) => b > 0 && cn > 0 && cn < TOTAL);
  assert.ok(atSteps.length > 0 && atSteps.some(([cn, b]) => cn === b), `the baseline reached the canary's size: ${JSON.stringify(seen)}`);
  const sizes = [...new Set(seen.filter(([cn]) => cn > 0 && cn < TOTAL).map(([cn]) => cn))];
  assert.deepEqual(sizes, [2, 4], `canary at 20 % and 40 % of ${TOTAL}: ${JSON.stringify(seen)}`);
  for (const s of sizes) assert.ok(seen.some(([cn, b]) => cn === s && b === s), `baseline at ${s} beside the canary at ${s}: ${JSON.stringify(seen)}`);
  assert.deepEqual(seen.at(-1), [0, 0], 'canary and baseline are gone at the end');
  assert.equal(await deployment(ns, 'web-baseline'), null);
  // the analysis compared the canary with the baseline: its queries select the baseline track, at the same size the request rates match
  const st = statusOf(await deployment(ns, 'web'));
  assert.equal(st.phase, 'promoted');
  const compared = st.measurements.filter((m) => m.stableQuery !== null);
  for (const m of compared) assert.match(m.stableQuery!, /rollscope_io_track="baseline"/);
  // the judged ones (not the no-data rounds before the canary's first scrapes) had both values and both rates
  const judged = compared.filter((m) => m.verdict === 'successful');
  assert.ok(judged.length >= 6, JSON.stringify(st.measurements.map((m) => m.reason)));
  for (const m of judged) assert.ok(m.stableValue !== null && m.canaryRate !== null && m.stableRate !== null, JSON.stringify(m));
  const last = judged.at(-1)!;
  process.stdout.write(`# --baseline: ${JSON.stringify(seen)} (canary, baseline replicas); last measurement canary ${last.canaryRate!.toFixed(1)} req/s vs baseline ${last.stableRate!.toFixed(1)} req/s: ${last.reason}\n`);
  assert.ok(Math.abs(last.canaryRate! - last.stableRate!) <= 0.35 * Math.max(last.canaryRate!, last.stableRate!), `same size, about the same traffic: ${JSON.stringify(last)}`);
  const web = await deployment(ns, 'web');
  assert.deepEqual([web?.spec.replicas, web?.spec.template.spec.containers.map((x) => x.image)], [TOTAL, ['web:2']]);
  assert.deepEqual(Object.keys(loadCodes(load)), ['200']);
});
