// The canary endpoints over a real SQLite ledger holding canaries that the planner really ran (on
// the model cluster) and the tracker's fold ledgered: list filters and their validation, the detail
// with each step (replica vs traffic share) and each measurement, the link to the promoting
// release, 404s and 400s as problem+json; every answer validates against the public view schema.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { CanaryEntry } from '../canary/ledger.ts';
import { cluster, type Clock } from '../canary/testing/drive.ts';
import { runLedgered } from '../canary/testing/ledger-run.ts';
import type { ReleaseId } from '../model/release.ts';
import { canarySummaryView, canaryView } from '../model/view/canary-view.ts';
import { openSqliteLedger } from '../store/sqlite/store.ts';
import { aRelease } from '../../test/support/release-fixture.ts';
import { authPolicy } from './auth.ts';
import { LiveBus } from './bus.ts';
import { createApi } from './server.ts';

const dir = mkdtempSync(join(tmpdir(), 'rollscope-canary-api-'));
const ledger = openSqliteLedger({ path: join(dir, 'ledger.db') });
const clock: Clock = { now: Date.parse('2026-12-05T10:00:00Z') };
const api = createApi({ ledger, bus: new LiveBus(), clock: { now: () => clock.now, sleep: async () => {} }, cluster: 'sim', readiness: { isReady: () => true, detail: () => ({}) }, auth: authPolicy({ host: '127.0.0.1', tokens: [] }) });
const get = async (path: string) => {
  const res = await api.request(path);
  return { status: res.status, body: await res.json(), type: res.headers.get('content-type') };
};

let good: CanaryEntry;
let bad: CanaryEntry;
before(async () => {
  // a good canary (success rate 0.999, canary 1 req/s vs stable 3 req/s at 10 %) is promoted …
  const c1 = cluster(4);
  good = runLedgered(c1, clock, '10,50,100', { id: '01GOOD', script: (step) => ({ value: 0.999, rate: step === 0 ? 1 : 2, stableValue: 1, stableRate: step === 0 ? 3 : 2 }) }).entry!;
  // … a later one of another Deployment fails its analysis at 10 %
  const c2 = cluster(4);
  bad = runLedgered(c2, clock, '10,50,100', { id: '01BAD', script: () => ({ value: 0.7, rate: 5 }) }).entry!;
  bad = { ...bad, namespace: 'pay', name: 'api', record: { ...bad.record, namespace: 'pay', name: 'api', canaryName: 'api-canary' } };
  await ledger.upsertCanary(good);
  await ledger.upsertCanary(bad);
  await ledger.upsertCanary({ ...good, id: '01OTHER', cluster: 'east' });
  // the release the promotion made on the stable, as the tracker records it
  await ledger.upsertRelease(aRelease({ id: '01PROMOTE' as ReleaseId, startedAt: good.finishedAt! - 1000, changeCause: 'canary-promote 01GOOD: app=web:2', trigger: 'canary-promote', images: [{ container: 'app', image: 'web:2' }], releaseNumber: 2, templateHash: 'h2' }));
});
after(async () => {
  await ledger.close();
  rmSync(dir, { recursive: true, force: true });
});

test('GET /api/v1/canaries lists canaries newest first; filters by namespace, name, state and cluster', async () => {
  const all = await get('/api/v1/canaries');
  assert.equal(all.status, 200);
  for (const item of all.body.items) canarySummaryView.parse(item);
  assert.deepEqual(all.body.items.map((i: { cluster: string; id: string }) => `${i.cluster}/${i.id}`).sort(), ['east/01OTHER', 'sim/01BAD', 'sim/01GOOD']);
  const ids = async (q: string): Promise<string[]> => ((await get(`/api/v1/canaries?${q}`)).body.items as { id: string }[]).map((i) => i.id);
  assert.deepEqual(await ids('namespace=pay'), ['01BAD']);
  assert.deepEqual(await ids('state=promoted&cluster=sim'), ['01GOOD']);
  assert.deepEqual(await ids('state=aborted,paused'), ['01BAD']);
  assert.deepEqual(await ids('name=web&cluster=east'), ['01OTHER']);
  const aborted = (await get('/api/v1/canaries?state=aborted')).body.items[0];
  assert.equal(aborted.outcome, 'aborted');
  assert.equal(aborted.failing.metric, 'success-rate');
  assert.equal(aborted.failing.value, 0.7);
  assert.match(aborted.failing.condition, /result < 0\.95/);
  assert.deepEqual(aborted.images, [{ container: 'app', from: 'web:1', to: 'web:2' }]);
});

test('GET /api/v1/canaries rejects bad filters with 400 naming the parameter', async () => {
  for (const [q, param] of [['state=exploded', 'state'], ['limit=0', 'limit'], ['color=red', 'color'], ['cluster=', 'cluster'], ['state=paused&state=aborted', 'state']] as const) {
    const r = await get(`/api/v1/canaries?${q}`);
    assert.equal(r.status, 400, q);
    assert.equal(r.type, 'application/problem+json');
    assert.ok(r.body.errors.some((e: { path: string }) => e.path === param), `${q}: ${JSON.stringify(r.body)}`);
  }
});

test('GET /api/v1/canaries/{ns}/{name} has each step with replica and traffic share, each measurement, and the promoting release', async () => {
  const r = await get('/api/v1/canaries/shop/web?cluster=sim');
  assert.equal(r.status, 200);
  const v = canaryView.parse(r.body);
  assert.equal(v.canary.id, '01GOOD');
  assert.equal(v.canary.state, 'promoted');
  assert.deepEqual(v.steps.map((s) => [s.weight, s.canaryReplicas, s.stableReplicas, s.replicaShare]), [[10, 1, 3, 25], [50, 2, 2, 50], [100, 4, 0, 100]]);
  // measured: canary 1 req/s of 4 at 10 %, 2 of 4 at 50 %; nothing measured at 100 %
  assert.deepEqual(v.steps.map((s) => s.trafficShare), [25, 50, null]);
  assert.ok(v.steps.every((s) => s.reachedAt !== null));
  assert.equal(v.measurements.length, 4);
  for (const m of v.measurements) {
    assert.equal(m.metric, 'success-rate');
    assert.equal(m.query, 'q(success-rate)');
    assert.equal(m.value, 0.999);
    assert.equal(m.stableValue, 1);
    assert.equal(m.condition, 'success: result >= 0.99; failure: result < 0.95');
    assert.equal(m.verdict, 'successful');
  }
  assert.deepEqual(v.metrics, ['success-rate']);
  assert.equal(v.promoteReleaseId, '01PROMOTE');
  // an older canary by id; the aborted one has no promoting release
  assert.equal((await get('/api/v1/canaries/shop/web?id=01OTHER')).body.canary.cluster, 'east');
  const b = canaryView.parse((await get('/api/v1/canaries/pay/api')).body);
  assert.equal(b.promoteReleaseId, null);
  assert.equal(b.measurements.at(-1)?.verdict, 'failed');
});

test('GET /api/v1/canaries/{ns}/{name}: 404 names the Deployment; a bad path or id is 400', async () => {
  const missing = await get('/api/v1/canaries/shop/nothing');
  assert.equal(missing.status, 404);
  assert.match(missing.body.detail, /no canary of deployment shop\/nothing/);
  assert.equal((await get('/api/v1/canaries/shop/web?id=01NONE')).status, 404);
  assert.equal((await get('/api/v1/canaries/Shop_/web')).status, 400);
  assert.equal((await get('/api/v1/canaries/shop/web?id=a%20b')).status, 400);
  assert.equal((await get('/api/v1/canaries/shop/web?since=1h')).status, 400);
});
