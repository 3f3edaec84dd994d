// The HTTP API over a real SQLite ledger: filters, detail with diff, problem+json for bad input,
// 401/403 for tokens, a fuzz test over query parameters that must never get a 500, and SSE.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import type { Clock } from '../lib/clock.ts';
import { TrackerError } from '../lib/errors.ts';
import type { ReleaseId } from '../model/release.ts';
import { openSqliteLedger } from '../store/sqlite/store.ts';
import { aRelease } from '../../test/support/release-fixture.ts';
import { authPolicy } from './auth.ts';
import { LiveBus } from './bus.ts';
import type { OperatorActions } from './deps.ts';
import { listenApi } from './listen.ts';
import { createApi } from './server.ts';

const dir = mkdtempSync(join(tmpdir(), 'rollscope-api-'));
const ledger = openSqliteLedger({ path: join(dir, 'ledger.db') });
const t0 = Date.parse('2026-11-22T10:00:00Z');
const clock: Clock = { now: () => t0 + 86_400_000, sleep: async () => {} };
const bus = new LiveBus();
const calls: string[] = [];
const actions: OperatorActions = {
  async run(action, target, o) {
    if (target.name === 'ghost') throw new TrackerError('NOT_FOUND', `deployment ${target.namespace}/${target.name} not found`, { hint: 'check the name' });
    calls.push(`${action} ${target.kind} ${target.namespace}/${target.name} by ${o.who}`);
    return `${target.kind.toLowerCase()}.apps/${target.name} ${action}d`;
  },
};
const tokens = [{ subject: 'alice', role: 'operator' as const, token: 'op-token' }, { subject: 'bob', role: 'viewer' as const, token: 'view-token' }];
const readiness = { isReady: () => true, detail: () => ({}) };
const local = createApi({ ledger, bus, clock, cluster: 'sim', readiness, actions, auth: authPolicy({ host: '127.0.0.1', tokens }) });
const exposed = createApi({ ledger, bus, clock, cluster: 'sim', readiness, actions, auth: authPolicy({ host: '0.0.0.0', tokens }) });

const r1 = aRelease({ id: '01AAAAAAAAAAAAAAAAAAAAAAA1' as ReleaseId, releaseNumber: 1, revision: '1', templateHash: 'h1', startedAt: t0, finishedAt: t0 + 60_000, images: [{ container: 'web', image: 'web:1' }], template: { spec: { containers: [{ name: 'web', image: 'web:1' }] } } });
const r2 = aRelease({ id: '01AAAAAAAAAAAAAAAAAAAAAAA2' as ReleaseId, releaseNumber: 2, revision: '2', templateHash: 'h2', previousReleaseId: r1.id, startedAt: t0 + 3_600_000, finishedAt: t0 + 3_700_000, outcome: 'failed', failure: { code: 'ImagePullFailed', reason: 'ImagePullBackOff', message: 'Back-off pulling image "web:missing"' }, images: [{ container: 'web', image: 'web:missing' }], template: { spec: { containers: [{ name: 'web', image: 'web:missing' }] } } });
const r3 = aRelease({ id: '01AAAAAAAAAAAAAAAAAAAAAAA3' as ReleaseId, workload: { cluster: 'sim', namespace: 'payments', kind: 'StatefulSet', name: 'db', uid: 'uid-db' }, releaseNumber: 1, revision: '1', templateHash: 'h3', startedAt: t0 + 7_200_000, finishedAt: null, outcome: 'progressing', images: [{ container: 'db', image: 'postgres:16' }] });

before(async () => {
  for (const r of [r1, r2, r3]) await ledger.upsertRelease(r);
});
after(async () => {
  await ledger.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = async (app: typeof local, path: string, token?: string) => app.request(path, token ? { headers: { authorization: `Bearer ${token}` } } : {});

test('releases: filters by namespace, outcome, image and time', async () => {
  const all = await (await get(local, '/api/v1/releases')).json();
  assert.deepEqual(all.items.map((r: { id: string }) => r.id), [r3.id, r2.id, r1.id], 'newest first');
  const failed = await (await get(local, '/api/v1/releases?outcome=failed')).json();
  assert.deepEqual(failed.items.map((r: { id: string }) => r.id), [r2.id]);
  assert.equal(failed.items[0].failure.code, 'ImagePullFailed');
  assert.equal(failed.items[0].startedAt, new Date(r2.startedAt).toISOString());
  const ns = await (await get(local, '/api/v1/releases?namespace=payments&kind=sts')).json();
  assert.deepEqual(ns.items.map((r: { id: string }) => r.id), [r3.id]);
  const img = await (await get(local, '/api/v1/releases?image=web:1')).json();
  assert.deepEqual(img.items.map((r: { id: string }) => r.id), [r1.id]);
  const since = await (await get(local, '/api/v1/releases?since=2026-11-22T10:30:00Z&until=2026-11-22T11:30:00Z')).json();
  assert.deepEqual(since.items.map((r: { id: string }) => r.id), [r2.id]);
  const page1 = await (await get(local, '/api/v1/releases?limit=2')).json();
  const page2 = await (await get(local, `/api/v1/releases?limit=2&cursor=${encodeURIComponent(page1.nextCursor)}`)).json();
  assert.deepEqual([...page1.items, ...page2.items].map((r: { id: string }) => r.id), [r3.id, r2.id, r1.id]);
  assert.equal(page2.nextCursor, null);
});

test('release detail carries the previous release and the template diff', async () => {
  const res = await get(local, `/api/v1/releases/${r2.id}`);
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.previous.id, r1.id);
  assert.deepEqual(body.diff, [{ path: 'spec.containers[web].image', op: 'changed', before: 'web:1', after: 'web:missing' }]);
  const missing = await get(local, '/api/v1/releases/01ZZZZZZZZZZZZZZZZZZZZZZZZ');
  assert.equal(missing.status, 404);
  assert.equal(missing.headers.get('content-type'), 'application/problem+json');
});

test('workloads, active rollouts and stats answer', async () => {
  const wl = await (await get(local, '/api/v1/workloads/shop/deployment/web/releases')).json();
  assert.deepEqual(wl.items.map((r: { releaseNumber: number }) => r.releaseNumber), [2, 1]);
  const active = await (await get(local, '/api/v1/rollouts/active')).json();
  assert.deepEqual(active.items.map((r: { id: string }) => r.id), [r3.id]);
  // r2 failed and is its workload's latest release: stuck; r1 is older and succeeded, r3 is still rolling.
  await ledger.upsertWorkload({ workload: r2.workload, labels: {}, createdAt: t0, deletedAt: null, observedAt: t0 });
  await ledger.upsertWorkload({ workload: r3.workload, labels: {}, createdAt: t0, deletedAt: null, observedAt: t0 });
  const stuck = await (await get(local, '/api/v1/rollouts/stuck')).json();
  assert.deepEqual(stuck.items.map((r: { id: string; failure: { code: string } }) => `${r.id} ${r.failure.code}`), [`${r2.id} ImagePullFailed`]);
  assert.equal((await (await get(local, '/api/v1/rollouts/stuck?cluster=sim')).json()).items.length, 1);
  assert.deepEqual((await (await get(local, '/api/v1/rollouts/stuck?cluster=elsewhere')).json()).items, [], 'only the named cluster');
  const stats = await get(local, '/api/v1/stats?since=7d');
  assert.equal(stats.status, 200);
  assert.equal((await stats.json()).total.releases, 3);
});

const badRequests = ['/api/v1/releases?outcome=exploded', '/api/v1/releases?limit=0', '/api/v1/releases?limit=abc', '/api/v1/releases?since=yesterday', '/api/v1/releases?kind=CronJob', '/api/v1/stats?groupBy=team', '/api/v1/stats?since=1h&until=2h', '/api/v1/workloads/Shop!/deployment/web/releases', '/api/v1/releases/%00bad'];
for (const path of badRequests)
  test(`400 problem+json for ${path}`, async () => {
    const res = await get(local, path);
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    const p = await res.json();
    assert.equal(p.status, 400);
    assert.match(p.detail, /invalid/);
  });

test('tokens: reads open on loopback, need a viewer token when exposed; actions need operator', async () => {
  assert.equal((await get(local, '/api/v1/releases')).status, 200);
  const unauthorized = await get(exposed, '/api/v1/releases');
  assert.equal(unauthorized.status, 401);
  const hint = ((await unauthorized.json()) as { hint?: string }).hint ?? '';
  assert.match(hint, /tokens: in the file given to rollscope serve --config FILE \(or ROLLSCOPE_CONFIG=FILE\)/, 'the hint names the real way to configure tokens');
  assert.doesNotMatch(hint, /--token/, 'there is no token flag');
  assert.equal((await get(exposed, '/api/v1/releases', 'wrong')).status, 401);
  assert.equal((await get(exposed, '/api/v1/releases', 'view-token')).status, 200);
  const post = (app: typeof local, token?: string, path = '/api/v1/workloads/shop/deployment/web/pause') => app.request(path, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {} });
  assert.equal((await post(local)).status, 401, 'actions need a token even on loopback');
  const forbidden = await post(local, 'view-token');
  assert.equal(forbidden.status, 403);
  assert.equal(forbidden.headers.get('content-type'), 'application/problem+json');
  const okRes = await post(local, 'op-token');
  assert.equal(okRes.status, 200);
  assert.deepEqual(calls, ['pause Deployment shop/web by alice']);
  const nf = await post(local, 'op-token', '/api/v1/workloads/shop/deployment/ghost/restart');
  assert.equal(nf.status, 404);
  const audit = await ledger.listActions({ namespace: 'shop' });
  assert.deepEqual(audit.map((a) => `${a.action}:${a.result}:${a.who}`), ['restart:error:alice', 'pause:ok:alice']);
});

test('fuzz: arbitrary query parameters never produce a 500', async () => {
  const paths = ['/api/v1/releases', '/api/v1/workloads', '/api/v1/stats', '/api/v1/rollouts/active', '/api/v1/rollouts/stuck', '/api/v1/clusters', '/api/v1/workloads/shop/deployment/web/releases'];
  const keys = ['cluster', 'namespace', 'kind', 'name', 'image', 'since', 'until', 'outcome', 'trigger', 'cursor', 'limit', 'groupBy', 'includeDeleted', 'x'];
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...paths), fc.array(fc.tuple(fc.constantFrom(...keys), fc.string({ unit: 'binary', maxLength: 40 })), { maxLength: 6 }), async (path, params) => {
      const qs = new URLSearchParams(params).toString();
      const res = await get(local, `${path}?${qs}`);
      assert.ok(res.status < 500, `${path}?${qs} → ${res.status} ${await res.text()}`);
    }),
    { numRuns: 300 },
  );
});

test('SSE stream delivers live events over a real socket', async () => {
  const api = await listenApi(local, '127.0.0.1', 0);
  const ctl = new AbortController();
  try {
    const res = await fetch(`${api.url}/api/v1/stream`, { signal: ctl.signal });
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('event: hello')) text += decoder.decode((await reader.read()).value);
    bus.publish({ type: 'release', data: { id: 'X1', outcome: 'succeeded' } });
    while (!text.includes('"X1"')) text += decoder.decode((await reader.read()).value);
    assert.match(text, /event: release\ndata: \{"id":"X1","outcome":"succeeded"\}/);
  } finally {
    ctl.abort();
    await api.close();
  }
});

test('GET / without a built dashboard says how to build it', async () => {
  const res = await get(local, '/');
  assert.equal(res.status, 404);
  const body = await res.json();
  assert.match(body.hint, /npm run build:web/);
  const api = await (await get(local, '/api/v1/nope')).json();
  assert.doesNotMatch(api.hint, /build:web/, 'an unknown API path is not about the dashboard');
});
