// Browser tests of the dashboard against a real running demo (issue 6): Debian's Chromium via
// playwright-core, the demo as a child process, kubectl against its simulated cluster.
// Screenshots of every page land in artifacts/screenshots/ for review.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import type { ApiRelease } from '../../src/web/api.ts';
import { STRINGS } from '../../src/web/i18n.ts';
import { DIAGNOSIS_CODES } from '../../src/model/diagnosis.ts';
import { DESKTOP, MOBILE, VIEWPORTS, checkLayout, screenshot, type BrowserSession, type Viewport } from './browser-session.ts';
import type { RunningDemo } from './demo-process.ts';
import { startDemoAndBrowser } from './demo-browser.ts';
import { applyFilters, open, readReleaseRows, restartClicker, rowsWhere, rowTexts } from './page-helpers.ts';
import { eventually } from './wait.ts';

/** SPEED makes the demo's first failure round (minutes 6–10 of simulated time) play within ~20 s. */
const SPEED = 30;
const EN = STRINGS.en;
const LIVE_IMAGE = 'registry.acme.io/e2e/web';
/** LIVE_WORKLOAD is the dashboard page of the Deployment the tests create and roll out themselves (default/e2e-live). */
const LIVE_WORKLOAD = '#/workload/default/deployment/e2e-live';

async function apiGet<T>(demo: RunningDemo, path: string): Promise<T> {
  const res = await fetch(demo.url + path);
  assert.equal(res.status, 200, `GET ${path}`);
  return (await res.json()) as T;
}

/** ROOT_CAUSES are the diagnoses the demo's failure round produces (a missing image, a crash loop, a CPU request no node fits). */
const ROOT_CAUSES = ['ImagePullFailed', 'CrashLoop', 'Unschedulable'] as const;

const releasesOf = async (demo: RunningDemo, query: string): Promise<ApiRelease[]> => (await apiGet<{ items: ApiRelease[] }>(demo, `/api/v1/releases?${query}`)).items;

/** rootCauseFailures lists the failed releases diagnosed with one of ROOT_CAUSES. */
const rootCauseFailures = async (demo: RunningDemo): Promise<ApiRelease[]> =>
  (await releasesOf(demo, 'outcome=failed')).filter((r) => (ROOT_CAUSES as readonly string[]).includes(r.failure?.code ?? ''));

/** Scope is what every sub-test shares: the demo, the browser, and the problems pages reported. */
interface Scope {
  readonly demo: RunningDemo;
  readonly browser: BrowserSession;
  readonly problems: string[];
}

async function newPage(s: Scope, viewport: Viewport = DESKTOP): Promise<Page> {
  return (await s.browser.newPage(viewport, s.problems)).page;
}

async function apiAnswersProblems(s: Scope): Promise<void> {
  const bad = await fetch(`${s.demo.url}/api/v1/releases?limit=abc&outcome=exploded`);
  assert.equal(bad.status, 400);
  assert.match(bad.headers.get('content-type') ?? '', /^application\/problem\+json/);
  const body = (await bad.json()) as { status: number; detail: string; errors: { path: string }[] };
  assert.equal(body.status, 400);
  assert.deepEqual(body.errors.map((e) => e.path).sort(), ['limit', 'outcome']);
  // Every answer carries the server's clock, which the dashboard measures "now" with: the demo's
  // simulated cluster keeps its timestamps on the wall clock (one clock for every view).
  // The demo's first releases are recorded once its tracker has synced; ask until there is one.
  const { list, newest } = await eventually('a release in the demo ledger', async () => {
    const r = await fetch(`${s.demo.url}/api/v1/releases?limit=1`);
    const first = ((await r.json()) as { items: ApiRelease[] }).items[0];
    return first === undefined ? undefined : { list: r, newest: first };
  }, 30_000, 200);
  const serverNow = Number(list.headers.get('x-rollscope-now'));
  assert.ok(newest && Number.isFinite(serverNow), 'x-rollscope-now header and a release');
  assert.ok(serverNow >= Date.parse(newest.startedAt) && Math.abs(serverNow - Date.now()) < 5_000, `server clock ${new Date(serverNow).toISOString()} is the wall clock`);
  const restart = `${s.demo.url}/api/v1/workloads/default/deployment/e2e-live/restart`;
  const none = await fetch(restart, { method: 'POST' });
  assert.equal(none.status, 401);
  assert.match(none.headers.get('content-type') ?? '', /^application\/problem\+json/);
  const wrong = await fetch(restart, { method: 'POST', headers: { authorization: 'Bearer not-a-token-of-this-demo' } });
  assert.equal(wrong.status, 401);
}

async function liveRolloutAppearsAndCompletes(s: Scope): Promise<void> {
  await eventually('the first release of default/e2e-live to succeed', async () => ((await releasesOf(s.demo, 'namespace=default&name=e2e-live&outcome=succeeded')).length > 0 ? true : undefined));
  // Two pages open before the rollout starts: they must learn of it from the SSE stream, without a reload.
  const live = await newPage(s);
  await open(live, s.demo, '#/live', 'main .panel h2');
  const list = await newPage(s);
  await open(list, s.demo, '#/', 'table[data-table="releases"] tbody tr');
  await applyFilters(list, { name: 'e2e-live' });
  await s.demo.kubectl('-n', 'default', 'set', 'image', 'deployment/e2e-live', `web=${LIVE_IMAGE}:slow`);

  const card = live.locator('[data-live]', { hasText: 'default/e2e-live' });
  await card.waitFor({ state: 'visible', timeout: 15_000 });
  assert.match(await card.innerText(), /e2e\/web:slow · \d+(m\d+)?s$/m, 'the card says how long it has been rolling, on the cluster clock');
  assert.equal(await card.locator('.bar').count(), 1, 'the live card shows a progress bar');
  assert.match(await card.innerText(), new RegExp(`\\d+ ${EN.updated} · \\d+ ${EN.ready} · \\d+/3 ${EN.available}`));
  await screenshot(live, 'live-desktop-rolling');
  await card.waitFor({ state: 'detached', timeout: 30_000 });

  const row = list.locator('table[data-table="releases"] tbody tr', { hasText: 'e2e/web:slow' });
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  await row.locator('[data-outcome="succeeded"]').waitFor({ state: 'visible', timeout: 10_000 });
  await Promise.all([live.context().close(), list.context().close()]);
}

async function releasesPageAndFilters(s: Scope): Promise<void> {
  const page = await newPage(s);
  await open(page, s.demo, '#/', 'table[data-table="releases"] tbody tr');
  assert.ok((await page.locator('svg[aria-label="release timeline"] rect[data-release]').count()) >= 10, 'the timeline draws the demo releases');
  assert.ok((await readReleaseRows(page)).length >= 10, 'the table lists the demo releases');

  await applyFilters(page, { namespace: 'shop' });
  await rowsWhere(page, 'namespace filter shop', (r) => assert.match(r.workload, /^shop\//));

  await applyFilters(page, { namespace: '', outcome: 'failed' });
  const failed = await rowsWhere(page, 'outcome filter failed', (r) => {
    assert.equal(r.outcome, 'failed');
    assert.match(r.reason, new RegExp(`^(${DIAGNOSIS_CODES.join('|')}): \\S`), 'every failed row says why');
  });
  assert.ok(failed.some((r) => ROOT_CAUSES.some((c) => r.reason.startsWith(`${c}: `))), `a failed row names its root cause: ${failed.map((r) => r.reason).join(' | ')}`);
  const reasonBox = await page.locator('table[data-table="releases"] tbody td.reason').first().boundingBox();
  assert.ok(reasonBox && reasonBox.x + reasonBox.width <= DESKTOP.width, 'at 1280 px the reason column is on screen, not scrolled out of the table panel');

  await applyFilters(page, { outcome: '', image: 'checkout' });
  await rowsWhere(page, 'image filter checkout', (r) => assert.match(r.images, /checkout/));
  await page.context().close();
}

async function failedReleasePage(s: Scope): Promise<ApiRelease> {
  const failed = (await rootCauseFailures(s.demo))[0];
  assert.ok(failed?.failure, 'the demo has a release failed for a root cause');
  const page = await newPage(s);
  await open(page, s.demo, `#/release/${failed.id}`, `[data-release="${failed.id}"]`);
  const diagnosis = page.locator(`td[data-failure="${failed.failure.code}"]`);
  assert.match(await diagnosis.innerText(), new RegExp(`^${failed.failure.code} \\(${failed.failure.reason}\\): `));
  assert.ok((await diagnosis.innerText()).includes(failed.failure.message));
  assert.ok((await page.locator('svg[aria-label="phase waterfall"] [data-phase]').count()) >= 1, 'the waterfall shows the phases reached');
  assert.ok((await rowTexts(page, 'events')).length >= 1, 'the events timeline lists events');
  const diff = await rowTexts(page, 'diff');
  assert.ok(diff.some((d) => d.includes('image')), `the template diff shows the image change: ${diff.join(' | ')}`);
  await page.context().close();
  return failed;
}

async function crashLogTailOnReleasePage(s: Scope): Promise<void> {
  // The tracker reads the crashed container's log in the background and adds it to the release.
  const crashed = await eventually('a CrashLoop release with its log tail in the ledger', async () =>
    (await rootCauseFailures(s.demo)).find((r) => r.failure?.code === 'CrashLoop' && (r.failure.logTail?.length ?? 0) > 0), 30_000, 500);
  const tail = crashed.failure?.logTail ?? [];
  const page = await newPage(s);
  await open(page, s.demo, `#/release/${crashed.id}`, `[data-release="${crashed.id}"]`);
  const quoted = page.locator('td[data-failure="CrashLoop"] pre[data-log-tail]');
  assert.equal(await quoted.getAttribute('data-log-tail'), crashed.failure?.container, 'the block names the crashed container');
  assert.deepEqual((await quoted.innerText()).split('\n'), tail, 'the release page quotes the stored lines, in order');
  await page.context().close();
}

async function workloadTrendChart(s: Scope): Promise<void> {
  // A trend needs two releases; on a loaded machine the demo may not have made the second yet.
  await eventually('two releases of shop/frontend', async () => ((await releasesOf(s.demo, 'namespace=shop&name=frontend')).length >= 2 ? true : undefined));
  const page = await newPage(s);
  await open(page, s.demo, '#/workload/shop/deployment/frontend', '[data-chart="duration-trend"] canvas');
  assert.ok((await rowTexts(page, 'workload-releases')).length >= 2);
  const box = await page.locator('[data-chart="duration-trend"] canvas').boundingBox();
  assert.ok(box && box.width > 200 && box.height > 100, 'the uPlot canvas has a size');
  await page.context().close();
}

async function operatorActionsNeedAToken(s: Scope): Promise<void> {
  const page = await newPage(s);
  const restart = await restartClicker(page, s.demo, LIVE_WORKLOAD);
  const useToken = async (token: string): Promise<void> => {
    await page.locator('input[name="token"]').fill(token);
    await Promise.all([page.waitForEvent('load'), page.locator('header form button[type="submit"]').click()]);
    await page.locator('[data-action="restart"]').waitFor();
  };

  const none = await restart();
  assert.equal(none.status, 401);
  assert.ok(none.message.startsWith(EN.needToken), none.message);

  await useToken(s.demo.operatorToken);
  const before = (await releasesOf(s.demo, 'namespace=default&name=e2e-live')).length;
  const operator = await restart();
  assert.equal(operator.status, 200, operator.message);
  assert.match(operator.message, /restart/);
  // Chromium logs the expected 401 answer as a console error; it is the point here.
  for (let i = s.problems.length - 1; i >= 0; i--) if (/status of 401/.test(s.problems[i]!)) s.problems.splice(i, 1);

  await eventually('the restart to show up as a release', async () => ((await releasesOf(s.demo, 'namespace=default&name=e2e-live&trigger=restart')).length > 0 ? true : undefined));
  assert.ok((await releasesOf(s.demo, 'namespace=default&name=e2e-live')).length > before);
  await page.reload();
  const row = page.locator('table[data-table="workload-releases"] tbody tr', { hasText: 'restart' });
  await row.first().waitFor({ state: 'visible', timeout: 10_000 });
  await page.context().close();
}

async function viewerTokenIsForbidden(s: Scope, viewerToken: string): Promise<void> {
  const api = await fetch(`${s.demo.url}/api/v1/workloads/default/deployment/e2e-live/restart`, { method: 'POST', headers: { authorization: `Bearer ${viewerToken}` } });
  assert.equal(api.status, 403);
  assert.match(api.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.match(((await api.json()) as { detail: string }).detail, /viewer role/);
  const page = await newPage(s);
  await open(page, s.demo, '#/', 'header input[name="token"]');
  await page.locator('input[name="token"]').fill(viewerToken);
  await Promise.all([page.waitForEvent('load'), page.locator('header form button[type="submit"]').click()]);
  const restart = await restartClicker(page, s.demo, LIVE_WORKLOAD);
  const viewer = await restart();
  assert.equal(viewer.status, 403);
  assert.ok(viewer.message.startsWith(EN.needToken), viewer.message);
  assert.match(viewer.message, /viewer role/);
  for (let i = s.problems.length - 1; i >= 0; i--) if (/status of 403/.test(s.problems[i]!)) s.problems.splice(i, 1);
  await page.context().close();
}

/** PAGES are the routes checked at every viewport, with an element that shows once the page has its data. */
function pages(failedId: string): readonly { readonly name: string; readonly hash: string; readonly ready: string }[] {
  return [
    { name: 'releases', hash: '#/', ready: 'table[data-table="releases"] tbody tr' },
    { name: 'live', hash: '#/live', ready: 'main .panel h2' },
    { name: 'stats', hash: '#/stats', ready: 'table[data-table="stats"] tbody tr' },
    { name: 'release', hash: `#/release/${failedId}`, ready: 'svg[aria-label="phase waterfall"]' },
    { name: 'workload', hash: '#/workload/shop/deployment/frontend', ready: '[data-chart="duration-trend"] canvas' },
  ];
}

async function viewportsAndThemes(s: Scope, failedId: string): Promise<void> {
  for (const viewport of VIEWPORTS) {
    const page = await newPage(s, viewport);
    for (const themeName of viewport.name === 'desktop' ? ['light', 'dark'] : ['light']) {
      if (themeName === 'dark') {
        await page.locator('[data-theme-toggle]').click();
        assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
      }
      for (const p of pages(failedId)) {
        await open(page, s.demo, p.hash, p.ready);
        assert.equal(await page.locator('html').getAttribute('data-theme'), themeName, 'the theme sticks across pages');
        await page.waitForTimeout(150); // charts size themselves on the next frame
        const layout = await checkLayout(page);
        assert.ok(layout.scrollWidth <= layout.viewportWidth, `${p.name} at ${viewport.name}: page is ${layout.scrollWidth}px wide in a ${layout.viewportWidth}px viewport`);
        assert.deepEqual(layout.overflowing, [], `${p.name} at ${viewport.name}: elements stick out of the viewport`);
        for (const key of ['header nav', '[data-theme-toggle]', 'main']) assert.ok(await page.locator(key).first().isVisible(), `${key} visible on ${p.name} at ${viewport.name}`);
        await screenshot(page, `${p.name}-${viewport.name}-${themeName}`);
      }
    }
    await page.context().close();
  }
}

async function simplifiedChinese(s: Scope): Promise<void> {
  const page = await newPage(s, MOBILE);
  await open(page, s.demo, '#/', 'table[data-table="releases"] tbody tr');
  await page.locator('header select').selectOption('zh-CN');
  assert.equal(await page.locator('header nav a').first().innerText(), STRINGS['zh-CN'].timeline);
  assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
  assert.ok((await page.locator('main').innerText()).includes(STRINGS['zh-CN'].namespace));
  const layout = await checkLayout(page);
  assert.ok(layout.scrollWidth <= layout.viewportWidth, `zh-CN releases page is ${layout.scrollWidth}px wide`);
  await screenshot(page, 'releases-mobile-zh');
  await open(page, s.demo, '#/stats', 'table[data-table="stats"] tbody tr');
  assert.equal(await page.locator('header nav a.active').innerText(), STRINGS['zh-CN'].stats);
  await screenshot(page, 'stats-mobile-zh');
  await page.context().close();
}

test('dashboard against a running demo', { timeout: 180_000 }, async (t: TestContext) => {
  const started = await startDemoAndBrowser(t, SPEED);
  if (!started) return;
  const { demo, browser } = started;
  const s: Scope = { demo, browser, problems: [] };
  try {
    await demo.kubectl('-n', 'default', 'create', 'deployment', 'e2e-live', `--image=${LIVE_IMAGE}:1.0`, '--replicas=3');
    await t.test('the API answers problem+json 400 for bad parameters and 401/403 for missing or weak tokens', () => apiAnswersProblems(s));
    await t.test('a live rollout appears with its progress and then succeeds, pushed to open pages over SSE', () => liveRolloutAppearsAndCompletes(s));
    await eventually(`the demo to fail releases with ${ROOT_CAUSES.join(', ')}`, async () => {
      const codes = new Set((await rootCauseFailures(demo)).map((r) => r.failure?.code));
      return ROOT_CAUSES.every((c) => codes.has(c)) ? true : undefined;
    }, 60_000, 500);
    await t.test('the releases page shows the timeline and the table, and its filters work', () => releasesPageAndFilters(s));
    let failedId = '';
    await t.test('a failed release page shows its reason, phase waterfall, events and template diff', async () => {
      failedId = (await failedReleasePage(s)).id;
    });
    await t.test('a CrashLoop release page quotes the crashed container’s last log lines', () => crashLogTailOnReleasePage(s));
    await t.test('the workload page draws the duration trend chart', () => workloadTrendChart(s));
    await t.test('operator actions need a token (401 without); the operator token restarts, and the restart becomes a release', () => operatorActionsNeedAToken(s));
    await t.test('a viewer token is not enough for operator actions (403)', async (st) => {
      if (demo.viewerToken === undefined) return st.skip('rollscope demo prints no viewer token (add a `viewer token: …` line to its banner)');
      await viewerTokenIsForbidden(s, demo.viewerToken);
    });
    await t.test('pages fit 1280×800 and 390×844, light and dark', () => viewportsAndThemes(s, failedId));
    await t.test('简体中文 renders', () => simplifiedChinese(s));
    await t.test('no console errors, page errors or failed requests', () => assert.deepEqual(s.problems, []));
  } finally {
    await started.stop();
  }
});
