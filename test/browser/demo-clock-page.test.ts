// One clock for every view (issue 11), the dashboard's part: in the demo at 10× the release page of
// a release made now shows a start time within seconds of the browser's own clock and the same
// plausible duration as the API — the companion of test/sim/demo-clock.test.ts (kubectl describe,
// rollscope history and the API).
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { formatDuration } from '../../src/model/duration.ts';
import { DESKTOP } from './browser-session.ts';
import { startDemoAndBrowser } from './demo-browser.ts';
import { eventually } from './wait.ts';

interface ApiRelease {
  readonly id: string;
  readonly name: string;
  readonly images: readonly { readonly image: string }[];
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly durationMs: number | null;
  readonly outcome: string;
}

test('demo at 10×: the release page shows a release made now at the browser\'s time with the API\'s duration', { timeout: 120_000 }, async (t: TestContext) => {
  const running = await startDemoAndBrowser(t, 10);
  if (!running) return;
  const { demo, browser } = running;
  t.after(() => running.stop());
  const releases = async (): Promise<ApiRelease[]> => {
    const res = await fetch(`${demo.url}/api/v1/releases?namespace=shop&limit=20`);
    assert.equal(res.status, 200);
    return ((await res.json()) as { items: ApiRelease[] }).items;
  };
  // The tracker has synced before the change is made.
  await eventually('the demo tracker recorded frontend', async () => ((await releases()).some((x) => x.name === 'frontend' && x.finishedAt !== null) ? true : undefined), 45_000);
  const image = 'registry.acme.io/shop/frontend:8.8.8';
  await demo.kubectl('-n', 'shop', 'set', 'image', 'deploy/frontend', `frontend=${image}`);
  const release = await eventually('the release of frontend:8.8.8 finished', async () =>
    (await releases()).find((x) => x.name === 'frontend' && x.images.some((i) => i.image === image) && x.finishedAt !== null), 45_000);
  assert.equal(release.outcome, 'succeeded');
  assert.ok(release.durationMs !== null && release.durationMs > 0 && release.durationMs < 30_000, `a plausible duration: ${release.durationMs} ms`);

  const problems: string[] = [];
  const { page } = await browser.newPage(DESKTOP, problems);
  await page.goto(`${demo.url}/#/release/${release.id}`);
  const started = page.locator('th:text-is("Started") + td');
  const duration = page.locator('th:text-is("Duration") + td');
  await started.waitFor({ state: 'visible', timeout: 20_000 });
  // The page writes local `MM-DD HH:MM:SS`; read it back in the browser, against the browser's clock.
  const shown = await started.innerText();
  const skewMs = await page.evaluate((text) => {
    const m = /^(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)$/.exec(text);
    if (!m) return null;
    const now = new Date();
    const at = new Date(now.getFullYear(), Number(m[1]) - 1, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
    return now.getTime() - at.getTime();
  }, shown);
  assert.ok(skewMs !== null, `the start time is shown as MM-DD HH:MM:SS: ${shown}`);
  assert.ok(skewMs >= -2_000 && skewMs < 60_000, `the release page shows the release as seconds old (${skewMs} ms before the browser's now): ${shown}`);
  assert.equal(await duration.innerText(), formatDuration(release.durationMs), 'the page and the API agree on the duration');
  assert.deepEqual(problems, []);
});
