// Several trackers, one ledger: every list of the HTTP API filters by `?cluster=`, /clusters names
// the clusters the ledger holds, and a server refuses operator actions aimed at another cluster.
// Over a real SQLite ledger (the PostgreSQL path runs in test/e2e/multi-cluster.e2e.test.ts).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Clock } from '../lib/clock.ts';
import type { Release, ReleaseId, WorkloadRef } from '../model/release.ts';
import { openLedger } from '../store/open.ts';
import type { LedgerStore } from '../store/ledger.ts';
import { aRelease } from '../../test/support/release-fixture.ts';
import { authPolicy } from './auth.ts';
import { LiveBus } from './bus.ts';
import type { OperatorActions } from './deps.ts';
import { createApi } from './server.ts';

const t0 = Date.parse('2026-12-05T10:00:00Z');
const clock: Clock = { now: () => t0 + 3_600_000, sleep: async () => {} };
const calls: string[] = [];
const actions: OperatorActions = {
  async run(action, target) {
    calls.push(`${action} ${target.namespace}/${target.name}`);
    return `${action} done`;
  },
};
let ledger: LedgerStore;
let api: ReturnType<typeof createApi>;

// The same namespace/kind/name in both clusters (different objects, different uids).
const webA: WorkloadRef = { cluster: 'a', namespace: 'shop', kind: 'Deployment', name: 'web', uid: 'uid-web-a' };
const webB: WorkloadRef = { cluster: 'b', namespace: 'shop', kind: 'Deployment', name: 'web', uid: 'uid-web-b' };
const dbB: WorkloadRef = { cluster: 'b', namespace: 'data', kind: 'StatefulSet', name: 'db', uid: 'uid-db-b' };
const release = (n: number, workload: WorkloadRef, over: Partial<Release> = {}): Release =>
  aRelease({ id: `01CLUSTERTEST0000000000000${n}` as ReleaseId, workload, releaseNumber: n, templateHash: `h${n}`, revision: String(n), startedAt: t0 + n * 60_000, finishedAt: t0 + n * 60_000 + 30_000, ...over });
const releases = [release(1, webA), release(2, webB), release(3, webA), release(4, dbB, { finishedAt: null, outcome: 'progressing' }), release(5, webA, { finishedAt: null, outcome: 'progressing' })];

before(async () => {
  ledger = await openLedger('sqlite::memory:');
  for (const w of [webA, webB, dbB]) await ledger.upsertWorkload({ workload: w, labels: {}, createdAt: t0, deletedAt: null, observedAt: t0 });
  for (const r of releases) await ledger.upsertRelease(r);
  api = createApi({ ledger, bus: new LiveBus(), clock, cluster: 'a', readiness: { isReady: () => true, detail: () => ({}) }, actions, auth: authPolicy({ host: '127.0.0.1', tokens: [{ subject: 'ops', role: 'operator', token: 'operator-token-0123' }] }) });
});
after(async () => {
  await ledger.close();
});

const json = async (path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
  const res = await api.request(path);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const ids = (body: Record<string, unknown>): string[] => (body.items as { id: string }[]).map((r) => r.id);
const idsOf = (...ns: number[]): string[] => ns.map((n) => `01CLUSTERTEST0000000000000${n}`);

test('releases: ?cluster= keeps one cluster, no parameter spans every cluster', async () => {
  assert.deepEqual(ids((await json('/api/v1/releases')).body), idsOf(5, 4, 3, 2, 1));
  assert.deepEqual(ids((await json('/api/v1/releases?cluster=a')).body), idsOf(5, 3, 1));
  const b = await json('/api/v1/releases?cluster=b&namespace=shop');
  assert.deepEqual(ids(b.body), idsOf(2));
  assert.equal((b.body.items as { cluster: string }[])[0]?.cluster, 'b');
  assert.deepEqual(ids((await json('/api/v1/releases?cluster=elsewhere')).body), []);
});

test('workloads, one workload\'s releases and active rollouts filter by cluster', async () => {
  const wl = (await json('/api/v1/workloads?cluster=b')).body.items as { cluster: string; name: string }[];
  assert.deepEqual(wl.map((w) => `${w.cluster}/${w.name}`).sort(), ['b/db', 'b/web']);
  assert.equal(((await json('/api/v1/workloads')).body.items as unknown[]).length, 3);
  assert.deepEqual(ids((await json('/api/v1/workloads/shop/deployment/web/releases?cluster=a')).body), idsOf(5, 3, 1));
  assert.deepEqual(ids((await json('/api/v1/workloads/shop/deployment/web/releases?cluster=b')).body), idsOf(2));
  assert.deepEqual(ids((await json('/api/v1/workloads/shop/deployment/web/releases')).body), idsOf(5, 3, 2, 1), 'the same name in both clusters');
  assert.deepEqual(ids((await json('/api/v1/rollouts/active?cluster=b')).body), idsOf(4));
  assert.deepEqual(ids((await json('/api/v1/rollouts/active')).body), idsOf(5, 4), 'every cluster when unset, not only the server\'s own');
});

test('stats count one cluster with ?cluster=', async () => {
  const total = async (q: string): Promise<number> => ((await json(`/api/v1/stats?since=1d${q}`)).body.total as { releases: number }).releases;
  assert.equal(await total('&cluster=a'), 3);
  assert.equal(await total('&cluster=b'), 2);
  assert.equal(await total(''), 5);
});

test('/clusters lists the ledger\'s clusters with their workload counts and names the server\'s own', async () => {
  const { status, body } = await json('/api/v1/clusters');
  assert.equal(status, 200);
  assert.deepEqual(body, { current: 'a', items: [{ name: 'a', workloads: 1 }, { name: 'b', workloads: 2 }] });
});

for (const path of ['/api/v1/releases?cluster=', '/api/v1/releases?cluster=a%20b', '/api/v1/releases?cluster=a&cluster=b', `/api/v1/workloads?cluster=${'x'.repeat(254)}`, '/api/v1/rollouts/active?cluster=%07', '/api/v1/clusters?cluster=a'])
  test(`400 naming the parameter for ${path.slice(0, 60)}`, async () => {
    const { status, body } = await json(path);
    assert.equal(status, 400);
    assert.deepEqual((body.errors as { path: string }[]).map((e) => e.path), ['cluster']);
  });

test('operator actions: ?cluster= naming another cluster is refused before anything runs', async () => {
  const post = (q: string) => api.request(`/api/v1/workloads/shop/deployment/web/restart${q}`, { method: 'POST', headers: { authorization: 'Bearer operator-token-0123' } });
  const refused = await post('?cluster=b');
  assert.equal(refused.status, 409);
  assert.match(((await refused.json()) as { detail: string }).detail, /acts on cluster a, not b/);
  assert.deepEqual(calls, []);
  assert.equal((await post('?cluster=a')).status, 200);
  assert.equal((await post('')).status, 200);
  assert.deepEqual(calls, ['restart shop/web', 'restart shop/web']);
  const audit = await ledger.listActions({});
  assert.ok(audit.every((a) => a.workload.cluster === 'a'), 'the audit trail names the server\'s cluster');
});
