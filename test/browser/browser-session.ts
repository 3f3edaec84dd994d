// Debian's Chromium driven by playwright-core for the dashboard tests: a fresh profile per run,
// pages that collect console errors, and the layout checks every page must pass.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** CHROMIUM_CANDIDATES are where Debian and others install Chromium. */
export const CHROMIUM_CANDIDATES: readonly string[] = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** SCREENSHOT_DIR is where every page's screenshot is saved for review (gitignored). */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));

/** Viewport is a named browser window size. */
export interface Viewport {
  readonly name: string;
  readonly width: number;
  readonly height: number;
}

/** DESKTOP is a laptop screen. */
export const DESKTOP: Viewport = { name: 'desktop', width: 1280, height: 800 };
/** MOBILE is a phone screen. */
export const MOBILE: Viewport = { name: 'mobile', width: 390, height: 844 };
/** VIEWPORTS are the sizes the dashboard must work at: a laptop and a phone. */
export const VIEWPORTS: readonly Viewport[] = [DESKTOP, MOBILE];

/** BrowserSession is a running Chromium with a fresh profile. */
export interface BrowserSession {
  /**
   * newPage opens a page in a fresh context (own localStorage) at `viewport`; every console
   * error, page error and failed request is appended to `problems`.
   */
  newPage(viewport: Viewport, problems: string[]): Promise<{ readonly page: Page; readonly context: BrowserContext }>;
  close(): Promise<void>;
}

/**
 * launchChromium starts headless Chromium from `executablePath`. Playwright gives it a fresh
 * throw-away user-data dir (and removes it on close), so no profile state leaks between runs.
 */
export async function launchChromium(executablePath: string): Promise<BrowserSession> {
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];
  const browser = await chromium.launch({ executablePath, args, timeout: 30_000 });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    async newPage(viewport, problems) {
      const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height }, locale: 'en-US', colorScheme: 'light' });
      const page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console error on ${page.url()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
      page.on('response', (r) => {
        if (r.status() >= 400 && r.request().method() !== 'POST') problems.push(`HTTP ${r.status()} for ${r.url()}`);
      });
      return { page, context };
    },
    async close() {
      await browser.close();
    },
  };
}

/** LayoutReport says whether a page fits its viewport. */
export interface LayoutReport {
  readonly viewportWidth: number;
  readonly scrollWidth: number;
  /** Elements (tag.class) that stick out of the viewport on the right and are not inside a scrollable panel. */
  readonly overflowing: readonly string[];
}

/**
 * checkLayout measures horizontal overflow of the page body: the document must be no wider than
 * the viewport, and no element may stick out unless a scrollable ancestor (overflow-x auto/scroll)
 * clips it.
 */
export async function checkLayout(page: Page): Promise<LayoutReport> {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const overflowing: string[] = [];
    const clipped = (el: Element): boolean => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const ox = getComputedStyle(p).overflowX;
        if (ox === 'auto' || ox === 'scroll' || ox === 'hidden') return true;
      }
      return false;
    };
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > vw + 1 && !clipped(el)) overflowing.push(`${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ').join('.')}` : ''} (right ${Math.round(r.right)})`);
    }
    return { viewportWidth: vw, scrollWidth: document.documentElement.scrollWidth, overflowing: overflowing.slice(0, 10) };
  });
}

/** screenshot saves the full page as artifacts/screenshots/NAME.png and returns the path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
