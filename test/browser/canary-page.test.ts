// Browser test of the dashboard's canary pages against a real setup: the simulated cluster (its
// pods listen on loopback), steady traffic through the Service's cluster IP, Debian's Prometheus
// scraping every pod through the simulator's http_sd endpoint, `rollscope canary` (the CLI as a
// child process) judging a good image on the built-in success-rate and p99 gates, and a `serve`
// tracking it all. Chromium (playwright-core) opens the canary list and the canary's page at a
// laptop and a phone width: steps with replica share against measured traffic share, a chart per
// metric, every measurement with its threshold and verdict; no console errors, nothing wider than
// the phone. Screenshots go to artifacts/screenshots/.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { canaryView, type CanaryView } from '../../src/model/view/canary-view.ts';
import { PROMETHEUS_SD_PATH } from '../../src/sim/apiserver/http/prometheus-sd.ts';
import { startLoad, type RunningLoad } from '../../src/sim/network/load.ts';
import { prometheusConfig } from '../../src/sim/network/prometheus-config.ts';
import { buildDashboardIfMissing } from '../support/dashboard-build.ts';
import { needComponent } from '../support/services.ts';
import { startInProcessTracker, type InProcessTracker } from '../e2e/fixtures/daemon.ts';
import { PROMETHEUS_CANDIDATES, startPrometheusWith, type RunningPrometheus } from '../e2e/fixtures/prometheus.ts';
import { startOpsCluster, type OpsCluster } from '../ops/ops-support.ts';
import { applyWebApp } from '../ops/web-app.ts';
import { CHROMIUM_CANDIDATES, DESKTOP, MOBILE, checkLayout, launchChromium, screenshot, type BrowserSession } from './browser-session.ts';
import { eventually } from './wait.ts';

const NS = 'canary-page';
const TOTAL = 4;

let c: OpsCluster | undefined;
let tracker: InProcessTracker | undefined;
let prom: RunningPrometheus | undefined;
let load: RunningLoad | undefined;
let browser: BrowserSession | undefined;

before(async (t) => {
  const chromium = needComponent(t as unknown as TestContext, 'chromium', CHROMIUM_CANDIDATES, 'apt-get install chromium');
  const promBin = needComponent(t as unknown as TestContext, 'prometheus', PROMETHEUS_CANDIDATES, 'apt-get install prometheus');
  if (chromium === undefined || promBin === undefined) return;
  await buildDashboardIfMissing();
  c = await startOpsCluster(t as unknown as TestContext, 20);
  if (!c) return;
  tracker = await startInProcessTracker(c.sim, c.kubeconfig, { db: `sqlite:${join(c.dir, 'ledger.db')}` });
  await applyWebApp(c, NS, { replicas: TOTAL, scraped: true });
  [prom, browser] = await Promise.all([startPrometheusWith(promBin, prometheusConfig({ sdUrl: `${c.sim.url}${PROMETHEUS_SD_PATH}`, scrapeInterval: '1s' }), 'the web pods', 40_000), launchChromium(chromium)]);
  load = startLoad(c.sim.store, [{ namespace: NS, service: 'web', rps: 40 }]);
  await eventually(`${TOTAL} scraped web pods`, async () => ((await prom!.query(`count(up{kubernetes_namespace="${NS}"} == 1)`))[0]?.value === TOTAL ? true : undefined), 30_000);
});
after(async () => {
  await load?.stop();
  await browser?.close();
  await prom?.stop();
  await tracker?.stop();
  await c?.stop();
});

test('the canary pages show steps, replica vs traffic share, charts and every measurement; usable at 390 px', { timeout: 120_000 }, async () => {
  if (!c || !tracker || !prom || !browser) return;
  const analysis = join(c.dir, 'analysis.yaml');
  writeFileSync(analysis, `trafficFloor: 0.5
labels: {namespace: kubernetes_namespace}
metrics:
  - {name: success-rate, builtin: success-rate, successCondition: "result >= 0.99 || result >= stable - 0.005", failureCondition: "result < 0.95 && result < stable - 0.02", interval: 3s, initialDelay: 3s, count: 2, inconclusiveLimit: 6}
  - {name: latency-p99, builtin: latency-p99, successCondition: "result <= stable * 1.5 + 0.05", failureCondition: "result > stable * 2 + 0.1", interval: 3s, initialDelay: 3s, count: 2, inconclusiveLimit: 6}
`);
  const run = await c.rollscope(['canary', 'deployment/web', '-n', NS, '--image', 'app=web:2', '--steps', '50', '--analysis', analysis, '--prometheus', prom.url, '--timeout', '60s'], { timeoutMs: 70_000 });
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);

  // the ledger has it, with both measured metrics at the 50 % step
  const v: CanaryView = await eventually('the promoted canary in the ledger', async () => {
    const res = await fetch(`${tracker!.daemon.url}/api/v1/canaries/${NS}/web`);
    const body = res.status === 200 ? canaryView.parse(await res.json()) : undefined;
    return body?.canary.state === 'promoted' ? body : undefined;
  }, 20_000);
  const first = v.steps[0]!;
  assert.deepEqual([first.weight, first.canaryReplicas, first.stableReplicas, first.replicaShare], [50, 2, 2, 50]);
  assert.ok(first.trafficShare !== null && Math.abs(first.trafficShare - 50) <= 15, `traffic share at 50 %: ${first.trafficShare}`);
  assert.deepEqual(v.metrics, ['success-rate', 'latency-p99']);
  const successful = v.measurements.filter((m) => m.verdict === 'successful');
  assert.ok(successful.filter((m) => m.metric === 'success-rate').length >= 2 && successful.filter((m) => m.metric === 'latency-p99').length >= 2, JSON.stringify(v.measurements.map((m) => `${m.metric} ${m.verdict} ${m.reason}`)));

  const problems: string[] = [];
  for (const viewport of [DESKTOP, MOBILE]) {
    const { page, context } = await browser.newPage(viewport, problems);
    try {
      // the list, reached from the navigation
      await page.goto(`${tracker.daemon.url}/#/`);
      await page.click('header nav a[href="#/canaries"]');
      await page.waitForSelector(`table[data-table="canaries"] tr[data-canary="${v.canary.id}"]`);
      assert.match(await page.textContent(`tr[data-canary="${v.canary.id}"]`) ?? '', /canary-page\/web.*promoted.*web:1 → web:2/s);
      await screenshot(page, `canaries-${viewport.name}`);
      // the canary's page
      await page.click(`tr[data-canary="${v.canary.id}"] a`);
      await page.waitForSelector('table[data-table="canary-measurements"] tbody tr');
      await page.waitForSelector('[data-chart="canary-success-rate"] canvas');
      await page.waitForSelector('[data-chart="canary-latency-p99"] canvas');
      const steps = await page.$$eval('table[data-table="canary-steps"] tbody tr', (rows) => rows.map((r) => r.textContent ?? ''));
      assert.equal(steps.length, 2);
      assert.match(steps[0]!, /50%.*2 \/ 2.*Replica share 50%.*Measured traffic share \d+(\.\d)?%/s);
      const shown = Number(await page.getAttribute('table[data-table="canary-steps"] tr[data-step="0"] [data-traffic-share]', 'data-traffic-share'));
      assert.ok(Math.abs(shown - first.trafficShare) < 0.1, `the page shows the measured share ${first.trafficShare}, got ${shown}`);
      const rows = await page.$$eval('table[data-table="canary-measurements"] tbody tr', (trs) => trs.map((r) => ({ verdict: r.getAttribute('data-verdict'), text: r.textContent ?? '' })));
      assert.equal(rows.length, v.measurements.length);
      assert.ok(rows.some((r) => r.verdict === 'successful' && /success-rate.*result >= 0\.99/s.test(r.text)), JSON.stringify(rows));
      assert.ok(rows.some((r) => /latency-p99.*result <= stable \* 1\.5 \+ 0\.05/s.test(r.text)));
      assert.match(await page.textContent('[data-canary-page]') ?? '', /promoted/);
      assert.ok(await page.$(`a[href="#/release/${v.promoteReleaseId ?? 'none'}"]`) !== null || v.promoteReleaseId === null);
      const layout = await checkLayout(page);
      assert.ok(layout.scrollWidth <= layout.viewportWidth + 1 && layout.overflowing.length === 0, `${viewport.name}: ${JSON.stringify(layout)}`);
      await screenshot(page, `canary-${viewport.name}`);
    } finally {
      await context.close();
    }
  }
  assert.deepEqual(problems, []);
});
