// Live shows what is stuck (issue 11): a rollout that failed and that nothing has superseded or
// fixed stays on the Live page with its diagnosis — across a reload, because the server lists it
// (GET /api/v1/rollouts/stuck), not the page's memory — and leaves once a newer release replaces
// it; the pages say "loading" until their first answer; the release waterfall shows the phase a
// failed release never reached and for how long. Real demo, real kubectl, Debian's Chromium.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { Page, Route } from 'playwright-core';
import type { ApiRelease } from '../../src/web/api.ts';
import { STRINGS } from '../../src/web/i18n.ts';
import { DESKTOP, screenshot } from './browser-session.ts';
import { startDemoAndBrowser } from './demo-browser.ts';
import { eventually } from './wait.ts';

const EN = STRINGS.en;
/** SPEED plays the simulated pulls and start-ups 30× faster; the fail-fast graces shrink with it. */
const SPEED = 30;
const IMAGE = 'registry.acme.io/e2e/stuck';
const NAME = 'e2e-stuck';
/** CONTAINER is the name kubectl create deployment gives the container: the image's last path segment. */
const CONTAINER = 'stuck';

/** holdRequests delays every request matching `pattern` until the returned function is called. */
async function holdRequests(page: Page, pattern: string): Promise<() => void> {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  await page.route(pattern, async (route: Route) => {
    await gate;
    await route.continue();
  });
  return release;
}

test('Live keeps a stuck rollout with its diagnosis until a newer release replaces it', { timeout: 150_000 }, async (t: TestContext) => {
  const started = await startDemoAndBrowser(t, SPEED);
  if (!started) return;
  const { demo, browser } = started;
  const problems: string[] = [];
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(demo.url + path);
    assert.equal(res.status, 200, `GET ${path}`);
    return (await res.json()) as T;
  };
  const releasesOfWorkload = async (): Promise<ApiRelease[]> => (await api<{ items: ApiRelease[] }>(`/api/v1/releases?namespace=default&name=${NAME}`)).items;
  try {
    const page = (await browser.newPage(DESKTOP, problems)).page;

    await t.test('the Live and Releases pages say they are loading until their first answer, never "nothing" before data', async () => {
      const release = await holdRequests(page, '**/api/v1/rollouts/**');
      await page.goto(`${demo.url}/#/live`);
      const loading = page.locator('main [data-loading]');
      await loading.waitFor({ state: 'visible', timeout: 15_000 });
      assert.equal(await loading.innerText(), EN.loading);
      assert.equal(await page.getByText(EN.noActive).count(), 0, 'no "nothing is rolling out" before the answer');
      release();
      await loading.waitFor({ state: 'detached', timeout: 45_000 });
      await page.unroute('**/api/v1/rollouts/**');

      const releaseList = await holdRequests(page, '**/api/v1/releases?*');
      await page.goto(`${demo.url}/#/`);
      await page.locator('main [data-loading]').waitFor({ state: 'visible', timeout: 15_000 });
      assert.equal(await page.getByText(EN.noReleases).count(), 0, 'no "No releases match" before the answer');
      releaseList();
      await page.locator('table[data-table="releases"] tbody tr').first().waitFor({ state: 'visible', timeout: 45_000 });
      assert.equal(await page.locator('main [data-loading]').count(), 0);
      await page.unroute('**/api/v1/releases?*');
    });

    await demo.kubectl('-n', 'default', 'create', 'deployment', NAME, `--image=${IMAGE}:1.0`, '--replicas=2');
    await eventually(`the first release of default/${NAME} to succeed`, async () => ((await releasesOfWorkload()).some((r) => r.outcome === 'succeeded') ? true : undefined), 60_000);
    await page.goto(`${demo.url}/#/live`);
    await page.locator('main .panel h2').first().waitFor();

    let stuckId = '';
    await t.test('a rollout stuck on a missing image appears on Live with its diagnosis, pushed without a reload', async () => {
      await demo.kubectl('-n', 'default', 'set', 'image', `deployment/${NAME}`, `${CONTAINER}=${IMAGE}:missing`);
      const card = page.locator('[data-panel="stuck"] [data-stuck]', { hasText: `default/${NAME}` });
      await card.waitFor({ state: 'visible', timeout: 45_000 });
      stuckId = (await card.getAttribute('data-stuck')) ?? '';
      assert.match(await card.locator('[data-failure="ImagePullFailed"]').innerText(), /^ImagePullFailed: .*e2e\/stuck:missing/);
      assert.equal(await card.locator('[data-outcome="failed"]').count(), 1);
      assert.equal(await card.locator('[data-stalled]').getAttribute('data-stalled'), 'firstImagePulled', 'the card says where it stalled');
      const listed = (await api<{ items: ApiRelease[] }>('/api/v1/rollouts/stuck')).items.find((r) => r.id === stuckId);
      assert.equal(listed?.failure?.code, 'ImagePullFailed', 'the server lists it as stuck');
      await screenshot(page, 'live-desktop-stuck');
    });

    await t.test('it is still there after the page reloads (the server keeps it, not the page)', async () => {
      await page.reload();
      const card = page.locator(`[data-stuck="${stuckId}"]`);
      await card.waitFor({ state: 'visible', timeout: 15_000 });
      assert.match(await card.innerText(), /ImagePullFailed/);
    });

    await t.test('the failed release\'s waterfall shows the phase it never reached and for how long', async () => {
      const detail = await browser.newPage(DESKTOP, problems);
      await detail.page.goto(`${demo.url}/#/release/${stuckId}`);
      const stalled = detail.page.locator('svg[aria-label="phase waterfall"] [data-stalled]');
      await stalled.waitFor({ state: 'visible', timeout: 15_000 });
      assert.equal(await stalled.getAttribute('data-phase'), 'firstImagePulled');
      const text = await stalled.textContent();
      // The stall's length is a Go-style duration: `834ms` while it is under a second (on a fast machine
      // the page can be open that soon after the failure), then `2s`, `1m5s`.
      assert.match(text ?? '', new RegExp(`^firstImagePulled${EN.stuckFor} ((\\d+m)?\\d+s|\\d+(\\.\\d+)?ms)$`), `the stalled row names the phase and the time: ${text}`);
      // Stuck: the stall is measured to now, so it grows while nothing fixes it.
      const before = await stalled.getAttribute('data-stalled');
      await detail.page.waitForTimeout(2_100);
      await detail.page.reload();
      await stalled.waitFor({ state: 'visible', timeout: 15_000 });
      // Whole seconds shown (`834ms` → 0): the later reading, 2.1 s on, shows at least two more.
      const seconds = (d: string | null): number => {
        if (/^\d+(\.\d+)?ms$/.test(d ?? '')) return 0;
        const m = /^(?:(\d+)m)?(\d+)s$/.exec(d ?? '');
        return m ? Number(m[1] ?? 0) * 60 + Number(m[2]) : Number.NaN;
      };
      assert.ok(seconds(await stalled.getAttribute('data-stalled')) >= seconds(before) + 2, `stalled for ${before}, then ${await stalled.getAttribute('data-stalled')}`);
      assert.equal(await detail.page.locator('svg[aria-label="phase waterfall"] [data-phase="firstImagePulled"]:not([data-stalled])').count(), 0, 'a phase never reached has no "reached" bar');
      await screenshot(detail.page, 'release-desktop-stalled');
      await detail.context.close();
    });

    await t.test('a newer release supersedes it: it leaves Live without a reload, and stays gone after one', async () => {
      await demo.kubectl('-n', 'default', 'set', 'image', `deployment/${NAME}`, `${CONTAINER}=${IMAGE}:2.0`);
      await page.locator(`[data-stuck="${stuckId}"]`).waitFor({ state: 'detached', timeout: 45_000 });
      await page.reload();
      await page.locator('main .panel h2').first().waitFor();
      await eventually('Live to have its data', async () => ((await page.locator('main [data-loading]').count()) === 0 ? true : undefined), 15_000);
      assert.equal(await page.locator(`[data-stuck="${stuckId}"]`).count(), 0);
      assert.ok(!(await api<{ items: ApiRelease[] }>('/api/v1/rollouts/stuck')).items.some((r) => r.id === stuckId), 'the server no longer lists it');
      const mine = await releasesOfWorkload();
      assert.equal(mine.find((r) => r.id === stuckId)?.outcome, 'failed', 'the superseded release stays failed in the ledger (its diagnosis says more)');
    });

    await t.test('no console errors, page errors or failed requests', () => assert.deepEqual(problems, []));
  } finally {
    await started.stop();
  }
});
