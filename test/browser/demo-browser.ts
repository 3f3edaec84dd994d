// The start-up the browser tests against a running demo share: the dashboard built, the demo (a
// child process) and Debian's Chromium launched side by side, and both stopped after the test.
import type { TestContext } from 'node:test';
import { buildDashboardIfMissing } from '../support/dashboard-build.ts';
import { needComponent } from '../support/services.ts';
import { CHROMIUM_CANDIDATES, launchChromium, type BrowserSession } from './browser-session.ts';
import { launchDemo, type RunningDemo } from './demo-process.ts';

/** DemoAndBrowser is a running demo and a Chromium session. */
export interface DemoAndBrowser {
  readonly demo: RunningDemo;
  readonly browser: BrowserSession;
  /** stop closes the browser and stops the demo (call it in a `finally`). */
  stop(): Promise<void>;
}

/**
 * startDemoAndBrowser launches the demo at `speed` and Chromium in parallel; undefined when
 * Chromium is missing (the test is skipped, or fails under ROLLSCOPE_REQUIRE_SERVICES=1). If one
 * of the two fails to start, the other is stopped and the error is thrown.
 */
export async function startDemoAndBrowser(t: TestContext, speed: number): Promise<DemoAndBrowser | undefined> {
  const chromiumPath = needComponent(t, 'Chromium', CHROMIUM_CANDIDATES, 'apt-get install chromium');
  if (!chromiumPath) return undefined;
  await buildDashboardIfMissing();
  const [demoStart, browserStart] = await Promise.allSettled([launchDemo({ speed }), launchChromium(chromiumPath)]);
  if (demoStart.status === 'rejected' || browserStart.status === 'rejected') {
    await Promise.allSettled([demoStart.status === 'fulfilled' ? demoStart.value.stop() : null, browserStart.status === 'fulfilled' ? browserStart.value.close() : null]);
    throw demoStart.status === 'rejected' ? demoStart.reason : (browserStart as PromiseRejectedResult).reason;
  }
  const demo = demoStart.value, browser = browserStart.value;
  return {
    demo,
    browser,
    async stop() {
      await Promise.allSettled([browser.close(), demo.stop()]);
    },
  };
}
