// Browser tests of the dashboard against a real running demo (issue 6): Debian's Chromium via
// playwright-core, the demo as a child process, kubectl against its simulated cluster.
// Screenshots of every page land in artifacts/screenshots/ for review.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { test, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import type { ApiRelease } from '../../src/web/api.ts';
import { STRINGS } from '../../src/web/i18n.ts';
import { DIAGNOSIS_CODES } from '../../src/model/diagnosis.ts';
import { needComponent } from '../support/services.ts';
import { CHROMIUM_CANDIDATES, DESKTOP, MOBILE, VIEWPORTS, checkLayout, launchChromium, screenshot, type BrowserSession, type Viewport } from './browser-session.ts';
import { launchDemo, type RunningDemo } from './demo-process.ts';
import { eventually } from './wait.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** SPEED makes the demo's first failure round (minutes 6–10 of simulated time) play within ~20 s. */
const SPEED = 30;
const EN = STRINGS.en;
const LIVE_IMAGE = 'registry.acme.io/e2e/web';

async function buildDashboardIfMissing(): Promise<void> {
  if (existsSync(`${ROOT}dist/web/index.html`)) return;
  await run(`${ROOT}node_modules/.bin/vite`, ['build', '--config', 'src/web/vite.config.ts'], { cwd: ROOT, timeout: 60_000 });
}

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

/** open navigates to a dashboard route and waits for `ready` to show. */
async function open(page: Page, demo: RunningDemo, hash: string, ready: string): Promise<void> {
  await page.goto(`${demo.url}/${hash}`);
  await page.locator(ready).first().waitFor({ state: 'visible', timeout: 15_000 });
}

/** rowTexts returns the visible text of each row of a data table. */
const rowTexts = (page: Page, table: string): Promise<string[]> => page.locator(`table[data-table="${table}"] tbody tr`).allInnerTexts();

async function applyFilters(page: Page, fields: Readonly<Record<string, string>>): Promise<void> {
  for (const [name, value] of Object.entries(fields)) {
    const el = page.locator(`form.filters [name="${name}"]`);
    if ((await el.evaluate((e) => e.tagName)) === 'SELECT') await el.selectOption(value);
    else await el.fill(value);
  }
  const wanted = new URLSearchParams(Object.entries(fields).filter(([, v]) => v !== ''));
  const settled = page.waitForResponse((r) => {
    const q = new URL(r.url()).searchParams;
    return r.url().includes('/api/v1/releases?') && [...wanted].every(([k, v]) => q.get(k) === v) && Object.entries(fields).every(([k, v]) => v !== '' || !q.has(k));
  });
  await page.locator('form.filters button[type="submit"]').click();
  await settled;
  await page.waitForTimeout(200); // let React render the answer
}

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
  const restart = `${s.demo.url}/api/v1/workloads/default/deployment/e2e-live/restart`;
  const none = await fetch(restart, { method: 'POST' });
  assert.equal(none.status, 401);
  assert.match(none.headers.get('content-type') ?? '', /^application\/problem\+json/);
  const viewer = await fetch(restart, { method: 'POST', headers: { authorization: `Bearer ${s.demo.viewerToken}` } });
  assert.equal(viewer.status, 403);
  assert.match(((await viewer.json()) as { detail: string }).detail, /viewer role/);
  const wrong = await fetch(restart, { method: 'POST', headers: { authorization: 'Bearer not-a-token-of-this-demo' } });
  assert.equal(wrong.status, 401);
}

async function liveRolloutAppearsAndCompletes(s: Scope): Promise<void> {
  await eventually('the first release of default/e2e-live to succeed', async () => ((await releasesOf(s.demo, 'namespace=default&name=e2e-live&outcome=succeeded')).length > 0 ? true : undefined));
  const page = await newPage(s);
  await open(page, s.demo, '#/live', 'main .panel h2');
  await s.demo.kubectl('-n', 'default', 'set', 'image', 'deployment/e2e-live', `web=${LIVE_IMAGE}:slow`);
  const card = page.locator('[data-live]', { hasText: 'default/e2e-live' });
  await card.waitFor({ state: 'visible', timeout: 15_000 });
  assert.match(await card.innerText(), /e2e\/web:slow/);
  assert.equal(await card.locator('.bar').count(), 1, 'the live card shows a progress bar');
  assert.match(await card.innerText(), new RegExp(`\\d+ ${EN.updated} · \\d+ ${EN.ready} · \\d+/3 ${EN.available}`));
  await screenshot(page, 'live-desktop-rolling');
  await card.waitFor({ state: 'detached', timeout: 30_000 });
  await open(page, s.demo, '#/', 'table[data-table="releases"]');
  await applyFilters(page, { name: 'e2e-live' });
  const row = page.locator('table[data-table="releases"] tbody tr', { hasText: 'e2e/web:slow' });
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  assert.equal(await row.locator('[data-outcome]').getAttribute('data-outcome'), 'succeeded');
  await page.context().close();
}

async function releasesPageAndFilters(s: Scope): Promise<void> {
  const page = await newPage(s);
  await open(page, s.demo, '#/', 'table[data-table="releases"] tbody tr');
  assert.ok((await page.locator('svg[aria-label="release timeline"] rect[data-release]').count()) >= 10, 'the timeline draws the demo releases');
  assert.ok((await rowTexts(page, 'releases')).length >= 10, 'the table lists the demo releases');

  await applyFilters(page, { namespace: 'shop' });
  const shop = await rowTexts(page, 'releases');
  assert.ok(shop.length > 0);
  for (const r of shop) assert.match(r, /^shop\//, 'namespace filter');

  await applyFilters(page, { namespace: '', outcome: 'failed' });
  const outcomes = await page.locator('table[data-table="releases"] tbody tr [data-outcome]').evaluateAll((els) => els.map((e) => e.getAttribute('data-outcome')));
  assert.ok(outcomes.length > 0, 'the demo has failed releases');
  assert.deepEqual([...new Set(outcomes)], ['failed'], 'outcome filter');
  const reasons = await page.locator('table[data-table="releases"] tbody td.reason').allInnerTexts();
  for (const reason of reasons) assert.match(reason, new RegExp(`^(${DIAGNOSIS_CODES.join('|')}): \\S`), 'every failed row says why');
  assert.ok(reasons.some((r) => ROOT_CAUSES.some((c) => r.startsWith(`${c}: `))), `a failed row names its root cause: ${reasons.join(' | ')}`);

  await applyFilters(page, { outcome: '', image: 'checkout' });
  const images = await page.locator('table[data-table="releases"] tbody tr td:nth-child(5)').allInnerTexts();
  assert.ok(images.length > 0);
  for (const i of images) assert.match(i, /checkout/, 'image filter');
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

async function workloadTrendChart(s: Scope): Promise<void> {
  const page = await newPage(s);
  await open(page, s.demo, '#/workload/shop/deployment/frontend', '[data-chart="duration-trend"] canvas');
  assert.ok((await rowTexts(page, 'workload-releases')).length >= 2);
  const box = await page.locator('[data-chart="duration-trend"] canvas').boundingBox();
  assert.ok(box && box.width > 200 && box.height > 100, 'the uPlot canvas has a size');
  await page.context().close();
}

async function operatorActionsNeedAToken(s: Scope): Promise<void> {
  const page = await newPage(s);
  const hash = '#/workload/default/deployment/e2e-live';
  await open(page, s.demo, hash, '[data-action="restart"]');
  const restart = async (): Promise<{ status: number; message: string }> => {
    const answered = page.waitForResponse((r) => r.url().endsWith('/restart') && r.request().method() === 'POST');
    await page.locator('[data-action="restart"]').click();
    const status = (await answered).status();
    const result = page.locator('[data-action-result]');
    await result.waitFor({ state: 'visible' });
    return { status, message: await result.innerText() };
  };
  const useToken = async (token: string): Promise<void> => {
    await page.locator('input[name="token"]').fill(token);
    await Promise.all([page.waitForEvent('load'), page.locator('header form button[type="submit"]').click()]);
    await page.locator('[data-action="restart"]').waitFor();
  };

  const none = await restart();
  assert.equal(none.status, 401);
  assert.ok(none.message.startsWith(EN.needToken), none.message);

  await useToken(s.demo.viewerToken);
  const viewer = await restart();
  assert.equal(viewer.status, 403);
  assert.ok(viewer.message.startsWith(EN.needToken), viewer.message);
  assert.match(viewer.message, /viewer role/);

  await useToken(s.demo.operatorToken);
  const before = (await releasesOf(s.demo, 'namespace=default&name=e2e-live')).length;
  const operator = await restart();
  assert.equal(operator.status, 200, operator.message);
  assert.match(operator.message, /restart/);
  // Chromium logs the expected 401 and 403 answers as console errors; they are the point here.
  for (let i = s.problems.length - 1; i >= 0; i--) if (/status of 40[13]/.test(s.problems[i]!)) s.problems.splice(i, 1);

  await eventually('the restart to show up as a release', async () => ((await releasesOf(s.demo, 'namespace=default&name=e2e-live&trigger=restart')).length > 0 ? true : undefined));
  assert.ok((await releasesOf(s.demo, 'namespace=default&name=e2e-live')).length > before);
  await page.reload();
  const row = page.locator('table[data-table="workload-releases"] tbody tr', { hasText: 'restart' });
  await row.first().waitFor({ state: 'visible', timeout: 10_000 });
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
  const chromiumPath = needComponent(t, 'Chromium', CHROMIUM_CANDIDATES, 'apt-get install chromium');
  if (!chromiumPath) return;
  await buildDashboardIfMissing();
  const [demoStart, browserStart] = await Promise.allSettled([launchDemo({ speed: SPEED }), launchChromium(chromiumPath)]);
  if (demoStart.status === 'rejected' || browserStart.status === 'rejected') {
    await Promise.allSettled([demoStart.status === 'fulfilled' ? demoStart.value.stop() : null, browserStart.status === 'fulfilled' ? browserStart.value.close() : null]);
    throw demoStart.status === 'rejected' ? demoStart.reason : (browserStart as PromiseRejectedResult).reason;
  }
  const demo = demoStart.value, browser = browserStart.value;
  const s: Scope = { demo, browser, problems: [] };
  try {
    await demo.kubectl('-n', 'default', 'create', 'deployment', 'e2e-live', `--image=${LIVE_IMAGE}:1.0`, '--replicas=3');
    await t.test('the API answers problem+json 400 for bad parameters and 401/403 for missing or weak tokens', () => apiAnswersProblems(s));
    await t.test('a live rollout appears with its progress and then succeeds', () => liveRolloutAppearsAndCompletes(s));
    await eventually(`the demo to fail releases with ${ROOT_CAUSES.join(', ')}`, async () => {
      const codes = new Set((await rootCauseFailures(demo)).map((r) => r.failure?.code));
      return ROOT_CAUSES.every((c) => codes.has(c)) ? true : undefined;
    }, 60_000, 500);
    await t.test('the releases page shows the timeline and the table, and its filters work', () => releasesPageAndFilters(s));
    let failedId = '';
    await t.test('a failed release page shows its reason, phase waterfall, events and template diff', async () => {
      failedId = (await failedReleasePage(s)).id;
    });
    await t.test('the workload page draws the duration trend chart', () => workloadTrendChart(s));
    await t.test('operator actions need an operator token; a restart becomes a release', () => operatorActionsNeedAToken(s));
    await t.test('pages fit 1280×800 and 390×844, light and dark', () => viewportsAndThemes(s, failedId));
    await t.test('简体中文 renders', () => simplifiedChinese(s));
    await t.test('no console errors, page errors or failed requests', () => assert.deepEqual(s.problems, []));
  } finally {
    await Promise.allSettled([browser.close(), demo.stop()]);
  }
});
