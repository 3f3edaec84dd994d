// Issue 9, "Done when": two clusters (two simulators), two `rollscope serve --cluster a|b` trackers
// and one real PostgreSQL. Each tracker writes its own cluster's releases without disturbing the
// other's; `rollscope history -A --cluster a` shows only a's, `show` needs --cluster for a name both
// clusters have; the API filters by ?cluster= from either server; each /metrics is labelled with its
// cluster; and the dashboard offers a cluster filter (Chromium, when installed).
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { execFile } from 'node:child_process';
import type { ReleaseView } from '../../src/model/view/release-view.ts';
import { releaseDetailView } from '../../src/model/view/release-detail-view.ts';
import { clusterListView } from '../../src/model/view/cluster-view.ts';
import { CHROMIUM_CANDIDATES, DESKTOP, launchChromium, screenshot } from '../browser/browser-session.ts';
import { startPostgres } from '../support/postgres.ts';
import { buildDashboardIfMissing } from '../support/dashboard-build.ts';
import { findExecutable, needComponent } from '../support/services.ts';
import { eventually, startCluster, type Cluster } from '../sim/kubectl-support.ts';
import { REPO_ROOT, simClockEnv, startServe, waitReady, type ServeProcess } from './fixtures/daemon.ts';

/** What each cluster's ledger must hold at the end: workload, release number, trigger, image, outcome. */
const EXPECTED: Readonly<Record<'a' | 'b', readonly string[]>> = {
  a: ['web#1 create web:a1 succeeded', 'web#2 image web:a2 succeeded'],
  b: ['web#1 create web:b1 succeeded', 'worker#1 create worker:b1 succeeded', 'worker#2 image worker:missing failed'],
};
const row = (r: ReleaseView): string => `${r.name}#${r.releaseNumber} ${r.trigger} ${r.images.map((i) => i.image).join(',')} ${r.outcome}`;
const FINAL = new Set(['succeeded', 'failed', 'superseded', 'rolled-back']);

/** cli runs `rollscope ARGS` and resolves with its exit code and output (never rejects on a non-zero exit). */
function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['src/cli/main.ts', ...args], { cwd: REPO_ROOT, env: { ...process.env, ROLLSCOPE_DB: '' }, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }));
  });
}

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  assert.equal(res.status, 200, `GET ${url}: ${res.status}`);
  return res.json();
}
const releasesAt = async (base: string, query = ''): Promise<ReleaseView[]> => ((await getJson(`${base}/api/v1/releases?limit=500${query}`)) as { items: ReleaseView[] }).items;

/** releaseDay makes each cluster's changes with the real kubectl, both clusters at once. */
async function releaseDay(a: Cluster, b: Cluster): Promise<void> {
  await Promise.all([
    (async () => {
      await a.kubectlOk(['create', 'deployment', 'web', '--image=web:a1', '--replicas=2']);
      await a.kubectlOk(['rollout', 'status', 'deployment/web', '--timeout=30s']);
      await a.kubectlOk(['set', 'image', 'deployment/web', 'web=web:a2']);
    })(),
    (async () => {
      await b.kubectlOk(['create', 'deployment', 'web', '--image=web:b1', '--replicas=2']);
      await b.kubectlOk(['create', 'deployment', 'worker', '--image=worker:b1']);
      await b.kubectlOk(['rollout', 'status', 'deployment/worker', '--timeout=30s']);
      await b.kubectlOk(['set', 'image', 'deployment/worker', 'worker=worker:missing']);
    })(),
  ]);
}

/** dashboardFilter checks the dashboard of tracker a: a cluster filter listing both clusters that narrows the releases table. */
async function dashboardFilter(t: TestContext, base: string): Promise<void> {
  const chromium = needComponent(t, 'Chromium', CHROMIUM_CANDIDATES, 'apt-get install chromium');
  if (!chromium) return;
  const browser = await launchChromium(chromium);
  const problems: string[] = [];
  try {
    const { page } = await browser.newPage(DESKTOP, problems);
    await page.goto(`${base}/#/`);
    const select = page.locator('header select[name="cluster"]');
    await select.waitFor({ state: 'visible', timeout: 15_000 });
    assert.deepEqual(await select.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)), ['', 'a', 'b']);
    const clustersOfRows = (): Promise<string[]> => page.locator('table[data-table="releases"] tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-cluster') ?? ''));
    await eventually('both clusters in the unfiltered table', async () => ((await clustersOfRows()).includes('a') && (await clustersOfRows()).includes('b') ? true : undefined));
    const answered = page.waitForResponse((r) => r.url().includes('/api/v1/releases?') && new URL(r.url()).searchParams.get('cluster') === 'b');
    await select.selectOption('b');
    await answered;
    const onlyB = await eventually('only cluster b rows', async () => {
      const cs = await clustersOfRows();
      return cs.length === EXPECTED.b.length && cs.every((c) => c === 'b') ? cs : undefined;
    });
    assert.equal(onlyB.length, 3);
    assert.equal((await page.locator('table[data-table="releases"] tbody tr td[data-cell="cluster"]').first().innerText()).trim(), 'b');
    await screenshot(page, 'releases-cluster-b');
    // A release of cluster b, opened on tracker a's dashboard, offers no actions: a acts on cluster a only.
    await page.locator('table[data-table="releases"] tbody tr a[href^="#/release/"]').first().click();
    await page.locator('[data-actions-elsewhere="b"]').waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await page.locator('[data-action]').count(), 0);
    await screenshot(page, 'release-other-cluster');
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
}

test('two clusters, two trackers, one PostgreSQL: labelled, filtered, never mixed', { timeout: 120_000 }, async (t) => {
  const pg = await startPostgres();
  if ('skip' in pg) return t.skip(pg.skip);
  const started: ServeProcess[] = [];
  const clusters: Cluster[] = [];
  try {
    // Given two simulated clusters and a tracker for each, both writing to one PostgreSQL
    // (started together: the ledger's migrations run once under an advisory lock).
    if (findExecutable(CHROMIUM_CANDIDATES)) await buildDashboardIfMissing();
    for (let i = 0; i < 2; i++) {
      const c = await startCluster(t);
      if (!c) return;
      clusters.push(c);
    }
    const [a, b] = clusters as [Cluster, Cluster];
    const [serveA, serveB] = await Promise.all([
      startServe({ kubeconfig: a.kubeconfig, db: pg.url, cluster: 'a', env: simClockEnv(a.sim) }),
      startServe({ kubeconfig: b.kubeconfig, db: pg.url, cluster: 'b', env: simClockEnv(b.sim) }),
    ]);
    started.push(serveA, serveB);
    await Promise.all([waitReady(serveA.url), waitReady(serveB.url)]);

    // When both clusters release at the same time
    await releaseDay(a, b);
    const all = await eventually('both clusters\' releases in the shared ledger, all finished', async () => {
      const items = await releasesAt(serveA.url).catch(() => []);
      return items.length === EXPECTED.a.length + EXPECTED.b.length && items.every((r) => FINAL.has(r.outcome)) ? items : undefined;
    }, 40_000);

    // Then the ledger holds each cluster's releases under its own name, numbered per workload, nothing mixed
    for (const c of ['a', 'b'] as const) assert.deepEqual(all.filter((r) => r.cluster === c).map(row).sort(), [...EXPECTED[c]].sort(), `cluster ${c}`);
    assert.equal(all.find((r) => r.cluster === 'b' && r.name === 'worker' && r.releaseNumber === 2)?.failure?.code, 'ImagePullFailed');

    // The API of either server filters by ?cluster=
    for (const base of [serveA.url, serveB.url]) {
      assert.deepEqual((await releasesAt(base, '&cluster=a')).map(row).sort(), [...EXPECTED.a].sort());
      assert.deepEqual((await releasesAt(base, '&cluster=b')).map((r) => r.cluster), ['b', 'b', 'b']);
      const workloadsB = (await getJson(`${base}/api/v1/workloads?cluster=b`)) as { items: { cluster: string; name: string }[] };
      assert.deepEqual(workloadsB.items.map((w) => `${w.cluster}/${w.name}`).sort(), ['b/web', 'b/worker']);
    }
    const webOfA = (await getJson(`${serveB.url}/api/v1/workloads/default/deployment/web/releases?cluster=a`)) as { items: ReleaseView[] };
    assert.deepEqual(webOfA.items.map((r) => `${r.cluster}:${r.releaseNumber}`), ['a:2', 'a:1']);
    const listed = clusterListView.parse(await getJson(`${serveB.url}/api/v1/clusters`));
    assert.deepEqual(listed, { current: 'b', items: [{ name: 'a', workloads: 1 }, { name: 'b', workloads: 2 }] });
    const bad = await fetch(`${serveA.url}/api/v1/releases?cluster=`);
    assert.equal(bad.status, 400);
    await bad.body?.cancel();

    // `history -A --cluster a` shows only a's releases; without --cluster a CLUSTER column tells them apart
    const history = await cli(['history', '-A', '--cluster', 'a', '--db', pg.url, '-o', 'json']);
    assert.equal(history.code, 0, history.stderr);
    assert.deepEqual(((JSON.parse(history.stdout) as { items: ReleaseView[] }).items).map(row).sort(), [...EXPECTED.a].sort());
    const table = await cli(['history', '-A', '--db', pg.url]);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^CLUSTER +NAMESPACE +WORKLOAD +RELEASE /);
    assert.deepEqual(lines.slice(1).map((l) => l.split(/ +/)[0]).sort(), ['a', 'a', 'b', 'b', 'b']);
    const tableA = await cli(['history', '-A', '--cluster', 'a', '--db', pg.url]);
    assert.doesNotMatch(tableA.stdout, /CLUSTER|worker|web:b1/);
    assert.match(tableA.stdout, /web:a2/);

    // `show` addresses a release by TYPE/NAME#N; a name both clusters have needs --cluster
    const ambiguous = await cli(['show', 'deployment/web#1', '-n', 'default', '--db', pg.url]);
    assert.equal(ambiguous.code, 3);
    assert.match(ambiguous.stderr, /releases in 2 clusters: a, b/);
    const shown = await cli(['show', 'deployment/web#2', '-n', 'default', '--cluster', 'a', '--db', pg.url, '-o', 'json']);
    assert.equal(shown.code, 0, shown.stderr);
    const detail = releaseDetailView.parse(JSON.parse(shown.stdout));
    assert.equal(detail.release.cluster, 'a');
    assert.equal(detail.previous?.releaseNumber, 1);
    assert.deepEqual(detail.diff.map((d) => `${d.path} ${String(d.before)}→${String(d.after)}`), ['spec.containers[web].image web:a1→web:a2']);

    // Each tracker's /metrics carries its own cluster label only
    const metrics = await Promise.all([serveA, serveB].map(async (s) => (await fetch(`${s.url}/metrics`)).text()));
    assert.match(metrics[0] ?? '', /^rollscope_releases_total\{trigger="image",outcome="succeeded",cluster="a"\} 1$/m);
    assert.doesNotMatch(metrics[0] ?? '', /cluster="b"/);
    assert.match(metrics[1] ?? '', /^rollscope_rollout_failures_total\{code="ImagePullFailed",cluster="b"\} 1$/m);
    assert.doesNotMatch(metrics[1] ?? '', /cluster="a"/);

    await t.test('the dashboard filters by cluster', (st) => dashboardFilter(st, serveA.url));
  } finally {
    await Promise.allSettled(started.map((s) => s.stop()));
    await Promise.allSettled(clusters.map((c) => c.stop()));
    await pg.stop();
  }
});
