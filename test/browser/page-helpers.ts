// Page-level helpers for the dashboard browser tests: navigation, reading tables, the filter form
// and the action buttons, each waiting for the page to settle rather than for a fixed time.
import type { Page } from 'playwright-core';
import type { RunningDemo } from './demo-process.ts';
import { eventually } from './wait.ts';

/** open navigates to a dashboard route and waits for `ready` to show. */
export async function open(page: Page, demo: RunningDemo, hash: string, ready: string): Promise<void> {
  await page.goto(`${demo.url}/${hash}`);
  await page.locator(ready).first().waitFor({ state: 'visible', timeout: 15_000 });
}

/** rowTexts returns the visible text of each row of a data table. */
export const rowTexts = (page: Page, table: string): Promise<string[]> => page.locator(`table[data-table="${table}"] tbody tr`).allInnerTexts();

/** applyFilters fills the releases filter form, submits it and waits for the answer to that query. */
export async function applyFilters(page: Page, fields: Readonly<Record<string, string>>): Promise<void> {
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
}

/** ReleaseRow is what one row of the releases table shows. */
export interface ReleaseRow {
  readonly workload: string;
  readonly images: string;
  readonly outcome: string;
  readonly reason: string;
}

/** readReleaseRows reads every row of the releases table. */
export const readReleaseRows = (page: Page): Promise<ReleaseRow[]> =>
  page.locator('table[data-table="releases"] tbody tr').evaluateAll((trs) =>
    trs.map((tr) => {
      const td = (i: number): string => (tr.children[i] as HTMLElement | undefined)?.innerText ?? '';
      return { workload: td(0), images: td(4), outcome: tr.querySelector('[data-outcome]')?.getAttribute('data-outcome') ?? '', reason: td(9) };
    }),
  );

/**
 * rowsWhere waits (up to 5 s: the page re-renders after the answer, and later on SSE ticks) until
 * the releases table is non-empty and every row passes `check`, which throws to say what is wrong.
 */
export const rowsWhere = (page: Page, what: string, check: (r: ReleaseRow) => void): Promise<ReleaseRow[]> =>
  eventually(what, async () => {
    const rows = await readReleaseRows(page);
    if (rows.length === 0) throw new Error('the table is empty');
    for (const r of rows) check(r);
    return rows;
  }, 5000, 100);

/** restartClicker opens a workload page (`#/workload/NS/KIND/NAME`) and returns a function that clicks Restart and reports the HTTP status and the message shown. */
export async function restartClicker(page: Page, demo: RunningDemo, workloadHash: string): Promise<() => Promise<{ status: number; message: string }>> {
  await open(page, demo, workloadHash, '[data-action="restart"]');
  return async () => {
    const answered = page.waitForResponse((r) => r.url().endsWith('/restart') && r.request().method() === 'POST');
    await page.locator('[data-action="restart"]').click();
    const status = (await answered).status();
    const result = page.locator('[data-action-result]');
    await result.waitFor({ state: 'visible' });
    return { status, message: await result.innerText() };
  };
}
