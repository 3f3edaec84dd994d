// One public view of a release: the HTTP API's release JSON, the CLI's `history -o json` (the real
// CLI as a child process) and the SSE payload (a real socket, published by the tracker's fact sink)
// all validate against the same zod schema (model/view/release-view.ts) and carry the same values.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { authPolicy } from '../src/api/auth.ts';
import { LiveBus } from '../src/api/bus.ts';
import { listenApi } from '../src/api/listen.ts';
import { createApi } from '../src/api/server.ts';
import { FactSink } from '../src/controllers/tracker/fact-sink.ts';
import type { Clock } from '../src/lib/clock.ts';
import { silentLogger } from '../src/lib/log.ts';
import { liveEventView } from '../src/model/view/live-event-view.ts';
import { releaseView, toReleaseView, type ReleaseView } from '../src/model/view/release-view.ts';
import { makeRelease, workloadRef } from '../src/store/ledger-fixtures.ts';
import { openSqliteLedger } from '../src/store/sqlite/store.ts';

const MAIN = resolve(import.meta.dirname, '..', 'src', 'cli', 'main.ts');
const dir = mkdtempSync(join(tmpdir(), 'rollscope-view-'));
const path = join(dir, 'ledger.db');
const ledger = openSqliteLedger({ path });
const clock: Clock = { now: () => Date.UTC(2026, 0, 2), sleep: async () => {} };
after(async () => {
  await ledger.close();
  rmSync(dir, { recursive: true, force: true });
});

const web = workloadRef('shop', 'web', { cluster: 'east' });
const failed = makeRelease(web, 2, {
  outcome: 'failed',
  finishedAt: makeRelease(web, 2).startedAt + 95_500,
  failure: { code: 'CrashLoop', reason: 'CrashLoopBackOff', message: 'back-off restarting failed container', object: 'Pod shop/web-2-abcde', exitCode: 1, container: 'web', logTail: ['ts=1 level=fatal msg="cannot start"'] },
  events: [{ uid: 'ev-1', time: makeRelease(web, 2).startedAt + 5_000, type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container', object: 'Pod shop/web-2-abcde', count: 3 }],
  actor: { manager: 'kubectl-set', user: 'alice' },
  images: [{ container: 'app', image: 'registry.example/web:v2', digest: 'sha256:0123' }],
});

function cli(...args: string[]): Promise<string> {
  return new Promise((done, fail) => {
    const env = { ...process.env, HOME: dir, KUBECONFIG: join(dir, 'no-kubeconfig'), ROLLSCOPE_DB: '' };
    execFile(process.execPath, [MAIN, ...args], { env, timeout: 30_000 }, (error, stdout, stderr) => (error ? fail(new Error(`${error.message}\n${stderr}`)) : done(stdout)));
  });
}

test('API release JSON, CLI -o json and the SSE payload validate against one schema and agree', async () => {
  const bus = new LiveBus();
  const api = createApi({ ledger, bus, clock, cluster: 'east', readiness: { isReady: () => true, detail: () => ({}) }, actions: { run: async () => 'ok' }, auth: authPolicy({ host: '127.0.0.1', tokens: [] }) });
  const server = await listenApi(api, '127.0.0.1', 0);
  const ctl = new AbortController();
  try {
    // SSE: subscribe over a real socket, then let the tracker's fact sink store and publish the release.
    const res = await fetch(`${server.url}/api/v1/stream`, { signal: ctl.signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('event: hello')) text += decoder.decode((await reader.read()).value);
    const sink = new FactSink({ ledger, clock, logger: silentLogger, bus });
    await sink.apply({ kind: 'releaseStarted', release: failed }, ctl.signal);
    while (!/event: release\ndata: .*\n/.test(text)) text += decoder.decode((await reader.read()).value);
    const data = JSON.parse(/event: release\ndata: (.*)\n/.exec(text)![1]!) as unknown;
    const fromSse = releaseView.parse(data);
    assert.deepEqual(liveEventView.parse({ type: 'release', data }).data, fromSse);

    const body = (await (await fetch(`${server.url}/api/v1/releases?namespace=shop`)).json()) as { items: unknown[] };
    assert.equal(body.items.length, 1);
    const fromApi = releaseView.parse(body.items[0]);
    const detail = (await (await fetch(`${server.url}/api/v1/releases/${failed.id}`)).json()) as { release: unknown };
    const fromDetail = releaseView.parse(detail.release);

    const doc = JSON.parse(await cli('history', '-A', '-o', 'json', '--db', `sqlite:${path}`)) as { items: unknown[] };
    assert.equal(doc.items.length, 1);
    const fromCli = releaseView.parse(doc.items[0]);

    for (const [name, view] of [['API detail', fromDetail], ['CLI -o json', fromCli], ['SSE', fromSse]] as [string, ReleaseView][]) assert.deepEqual(view, fromApi, `${name} equals the API list item`);
    assert.equal(fromApi.cluster, 'east');
    assert.equal(fromApi.durationMs, 95_500);
    assert.deepEqual(fromApi.failure, { code: 'CrashLoop', reason: 'CrashLoopBackOff', message: 'back-off restarting failed container', object: 'Pod shop/web-2-abcde', exitCode: 1, container: 'web', logTail: ['ts=1 level=fatal msg="cannot start"'] });
    assert.equal(fromApi.events[0]?.time, new Date(failed.events[0]!.time).toISOString());
  } finally {
    ctl.abort();
    await server.close();
  }
});

test('the schema rejects what is not the view (strict: no internal fields leak)', () => {
  const ok = releaseView.parse(JSON.parse(JSON.stringify(toReleaseView(failed))));
  assert.equal(releaseView.safeParse({ ...ok, template: {} }).success, false, 'the pod template is not part of the view');
  assert.equal(releaseView.safeParse({ ...ok, startedAt: 1767225720000 }).success, false, 'times are strings');
  assert.equal(releaseView.safeParse({ ...ok, outcome: 'exploded' }).success, false);
  const { cluster: _c, ...noCluster } = ok;
  assert.equal(releaseView.safeParse(noCluster).success, false, 'cluster is required');
});
