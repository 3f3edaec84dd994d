// Contract of releases and workloads: what every implementation must show (run by each store's test through ledger.contract.ts).
import assert from 'node:assert/strict';
import type { ReleaseId } from '../../model/release.ts';
import type { ReleaseFilter, ReleaseStore } from '../ledger.ts';
import { MINUTE, T0, makeRelease, workloadRef } from '../ledger-fixtures.ts';
import { web, api, job, ev, ids, rejectsWith, seed } from './fixtures.ts';
import { describeContract, type ContractSkip, type StoreFixture } from './harness.ts';

/** describeReleaseStoreContract runs the releases and workloads suite against a store opened by `open` on a new, empty ledger. */
export function describeReleaseStoreContract(name: string, open: () => Promise<StoreFixture<ReleaseStore>>, skip: readonly ContractSkip[] = []): void {
  describeContract<ReleaseStore>(name, 'ReleaseStore', open, skip, ({ test }) => {
  test('stores a release and reads it back unchanged', async ({ store }) => {
    const r = makeRelease(web, 1, {
      // a CrashLoop diagnosis keeps the crashed container's log tail (no column of its own: part of the stored diagnosis)
      failure: { code: 'CrashLoop', reason: 'CrashLoopBackOff', message: 'back-off 10s', object: 'Pod shop/web-1', exitCode: 137, container: 'app', logTail: ['ts=1 level=fatal msg="bye" url=postgres://app:<redacted>@db/app', 'ünï 日本 "quoted" \\ back\tslash'] },
      events: [ev('Pulled', 1, T0 + 5)],
      changeCause: 'kubectl set image deployment/web app=web:v1',
      actor: { manager: 'kubectl-set', user: 'alice' },
      images: [{ container: 'app', image: 'web:v1', digest: 'sha256:abc' }, { container: 'sidecar', image: 'envoy:1.30' }],
      template: { spec: { containers: [{ name: 'app', env: [{ name: 'X', value: '<redacted>' }] }] }, unicode: 'ünï 日本' },
    });
    assert.deepEqual(await store.upsertRelease(r), r);
    assert.deepEqual(await store.getRelease(r.id), r);
    assert.equal(await store.getRelease('nope' as ReleaseId), null);
  });

  test('lists carry releases without their template; one release, a workload\'s releases and the active ones carry it', async ({ store }) => {
    const r = makeRelease(web, 1, { template: { spec: { containers: [{ name: 'app', image: 'web:v1', env: [{ name: 'BIG', value: 'x'.repeat(20_000) }] }] } } });
    await store.upsertRelease(r);
    const { template: _template, ...listed } = r;
    assert.deepEqual((await store.queryReleases({})).items, [listed]);
    assert.deepEqual(await store.getRelease(r.id), r);
    assert.deepEqual(await store.releasesOf(web.uid), [r]);
    assert.deepEqual(await store.latestRelease(web.uid), r);
    assert.deepEqual(await store.activeReleases(), [r]);
    const changed = { ...r, template: { spec: { containers: [{ name: 'app', image: 'web:v1', args: ['--verbose'] }] } } };
    assert.deepEqual(await store.upsertRelease(changed), changed);
    assert.deepEqual((await store.getRelease(r.id))?.template, changed.template, 'a later state\'s template replaces the stored one');
    await store.upsertRelease({ ...r, id: 'r-backfill' as ReleaseId, backfilled: true, template: { replaced: true } });
    assert.deepEqual((await store.getRelease(r.id))?.template, changed.template, 'a backfilled write keeps the tracked template');
    await store.upsertRelease(makeRelease(web, 2, { template: null }));
    assert.equal((await store.getRelease(makeRelease(web, 2).id))?.template, null);
  });

  test('replays of the same release never duplicate it, whatever id they carry', async ({ store }) => {
    const first = makeRelease(web, 1);
    await store.upsertRelease(first);
    await store.upsertRelease(first);
    const replay = await store.upsertRelease({ ...first, id: 'r-replayed-after-restart' as ReleaseId, releaseNumber: 7 });
    assert.equal(replay.id, first.id, 'the stored id stays');
    assert.equal(replay.releaseNumber, 1, 'the stored number stays');
    const page = await store.queryReleases({});
    assert.deepEqual(ids(page.items), [first.id]);
    assert.equal(await store.getRelease('r-replayed-after-restart' as ReleaseId), null);
  });

  test('concurrent writes of one release leave one row', async ({ store }) => {
    const r = makeRelease(web, 1, { releaseNumber: 0 });
    const written = await Promise.all([0, 1, 2, 3, 4].map((i) => store.upsertRelease({ ...r, id: `r-race-${i}` as ReleaseId })));
    assert.equal(new Set(written.map((w) => w.id)).size, 1);
    assert.equal((await store.queryReleases({})).items.length, 1);
    assert.equal((await store.queryReleases({})).items[0]?.releaseNumber, 1);
  });

  test('a later state of a release replaces the earlier in place', async ({ store }) => {
    const r = makeRelease(web, 1, { events: [ev('Pulling', 1, T0 + 1), ev('BackOff', 1, T0 + 2, 'Warning')] });
    await store.upsertRelease(r);
    const later = await store.upsertRelease({
      ...r,
      outcome: 'succeeded',
      finishedAt: T0 + 9 * MINUTE,
      phases: { templateObserved: T0 + 2 * MINUTE, allAvailable: T0 + 9 * MINUTE },
      replicas: { desired: 3, updated: 3, ready: 3, available: 3 },
      images: [{ container: 'app', image: r.images[0]!.image, digest: 'sha256:feed' }],
      events: [ev('BackOff', 4, T0 + 8, 'Warning'), ev('Started', 1, T0 + 9)],
    });
    const got = await store.getRelease(r.id);
    assert.deepEqual(got, later);
    assert.equal(got?.outcome, 'succeeded');
    assert.equal(got?.finishedAt, T0 + 9 * MINUTE);
    assert.deepEqual(got?.phases, { templateObserved: T0 + MINUTE, allAvailable: T0 + 9 * MINUTE }, 'earliest instant per phase');
    assert.deepEqual(got?.replicas, { desired: 3, updated: 3, ready: 3, available: 3 });
    assert.equal(got?.images[0]?.digest, 'sha256:feed');
    assert.deepEqual(got?.events.map((e) => `${e.reason}x${e.count}`), ['Pulling' + 'x1', 'BackOffx4', 'Startedx1']);
    assert.equal((await store.queryReleases({})).items.length, 1);
  });

  test('a stale non-final state never reopens a finished release', async ({ store }) => {
    const r = makeRelease(web, 1);
    await store.upsertRelease({ ...r, outcome: 'failed', finishedAt: T0 + 5 * MINUTE, failure: { code: 'Timeout', reason: 'Timeout', message: 'x' } });
    const got = await store.upsertRelease({ ...r, outcome: 'progressing', replicas: { desired: 3, updated: 1, ready: 0, available: 0 } });
    assert.equal(got.outcome, 'failed');
    assert.equal(got.finishedAt, T0 + 5 * MINUTE);
    assert.equal(got.failure?.code, 'Timeout');
    const superseded = await store.upsertRelease({ ...r, outcome: 'superseded', finishedAt: T0 + 6 * MINUTE, failure: null });
    assert.equal(superseded.outcome, 'superseded', 'one final outcome may follow another');
  });

  test('a backfilled write never overwrites what the tracker saw', async ({ store }) => {
    const r = makeRelease(web, 1, { actor: { manager: 'helm' }, outcome: 'succeeded', finishedAt: T0 + 3 * MINUTE });
    await store.upsertRelease(r);
    const got = await store.upsertRelease({ ...r, id: 'r-backfill' as ReleaseId, actor: { manager: 'unknown' }, outcome: 'progressing', finishedAt: null, backfilled: true, events: [ev('Scaled', 1, T0 + 4)] });
    assert.equal(got.actor.manager, 'helm');
    assert.equal(got.backfilled, false);
    assert.equal(got.outcome, 'succeeded');
    assert.equal(got.events.length, 1, 'events still merge');
  });

  test('assigns release numbers when asked and refuses a number held by another release', async ({ store }) => {
    assert.equal(await store.nextReleaseNumber(web.uid), 1);
    const a = await store.upsertRelease(makeRelease(web, 0, { id: 'r-a' as ReleaseId, templateHash: 'ha' }));
    const b = await store.upsertRelease(makeRelease(web, 0, { id: 'r-b' as ReleaseId, templateHash: 'hb' }));
    assert.deepEqual([a.releaseNumber, b.releaseNumber], [1, 2]);
    assert.equal(await store.nextReleaseNumber(web.uid), 3);
    assert.equal(await store.nextReleaseNumber(api.uid), 1, 'numbers are per workload');
    await rejectsWith(store.upsertRelease(makeRelease(web, 2, { id: 'r-c' as ReleaseId, templateHash: 'hc' })), 'CONFLICT');
  });

  test('a rollback (same template, new native revision) is a new release', async ({ store }) => {
    await store.upsertRelease(makeRelease(web, 1, { templateHash: 'same', revision: '1' }));
    await store.upsertRelease(makeRelease(web, 2, { templateHash: 'other', revision: '2' }));
    await store.upsertRelease(makeRelease(web, 3, { templateHash: 'same', revision: '3', trigger: 'rollback', rollbackTo: 1 }));
    assert.deepEqual((await store.releasesOf(web.uid)).map((r) => r.releaseNumber), [3, 2, 1]);
    assert.equal((await store.latestRelease(web.uid))?.trigger, 'rollback');
    assert.deepEqual((await store.releasesOf(web.uid)).map((r) => r.rollbackTo), [1, undefined, undefined], 'the release a rollback returns to is kept');
    assert.deepEqual((await store.releasesOf(web.uid, 2)).map((r) => r.releaseNumber), [3, 2]);
    assert.equal(await store.latestRelease('no-such-uid'), null);
  });

  const filterRows: readonly { name: string; filter: ReleaseFilter; want: readonly string[] }[] = [
    { name: 'no filter: everything, newest first', filter: {}, want: ['r-c2-web-001', 'r-batch-worker-001', 'r-shop-api-001', 'r-shop-web-003', 'r-shop-web-002', 'r-shop-web-001'] },
    { name: 'cluster', filter: { cluster: 'c2' }, want: ['r-c2-web-001'] },
    { name: 'one namespace', filter: { namespaces: ['batch'] }, want: ['r-batch-worker-001'] },
    { name: 'several namespaces', filter: { namespaces: ['batch', 'shop'], cluster: 'c1' }, want: ['r-batch-worker-001', 'r-shop-api-001', 'r-shop-web-003', 'r-shop-web-002', 'r-shop-web-001'] },
    { name: 'kind', filter: { kind: 'StatefulSet' }, want: ['r-batch-worker-001'] },
    { name: 'name', filter: { name: 'web', cluster: 'c1' }, want: ['r-shop-web-003', 'r-shop-web-002', 'r-shop-web-001'] },
    { name: 'workload uid', filter: { workloadUid: api.uid }, want: ['r-shop-api-001'] },
    { name: 'image substring', filter: { image: 'web:v1' }, want: ['r-c2-web-001', 'r-shop-web-003', 'r-shop-web-001'] },
    { name: 'image substring with LIKE wildcards is literal', filter: { image: 'web%v' }, want: [] },
    { name: 'image registry host', filter: { image: 'ghcr.io/' }, want: ['r-shop-api-001'] },
    { name: 'since is inclusive', filter: { since: T0 + 3 * MINUTE }, want: ['r-c2-web-001', 'r-batch-worker-001', 'r-shop-api-001', 'r-shop-web-003'] },
    { name: 'until is exclusive', filter: { until: T0 + 3 * MINUTE }, want: ['r-shop-web-002', 'r-shop-web-001'] },
    { name: 'since and until', filter: { since: T0 + 2 * MINUTE, until: T0 + 20 * MINUTE }, want: ['r-shop-api-001', 'r-shop-web-003', 'r-shop-web-002'] },
    { name: 'one outcome', filter: { outcomes: ['failed'] }, want: ['r-shop-web-002'] },
    { name: 'several outcomes', filter: { outcomes: ['paused', 'progressing'] }, want: ['r-batch-worker-001', 'r-shop-web-003'] },
    { name: 'trigger', filter: { triggers: ['rollback', 'config'] }, want: ['r-batch-worker-001', 'r-shop-web-003'] },
    { name: 'combined filters', filter: { namespaces: ['shop'], image: 'web', outcomes: ['succeeded'], cluster: 'c1' }, want: ['r-shop-web-001'] },
    { name: 'limit', filter: { limit: 2 }, want: ['r-c2-web-001', 'r-batch-worker-001'] },
  ];
  test('filters select exactly the matching releases', async ({ store }) => {
    await seed(store);
    for (const row of filterRows) assert.deepEqual(ids((await store.queryReleases(row.filter)).items), row.want, row.name);
  });

  test('orders releases with equal start times by id, newest first', async ({ store }) => {
    for (const id of ['r-b', 'r-c', 'r-a']) await store.upsertRelease(makeRelease(workloadRef('ns', id), 1, { id: id as ReleaseId, startedAt: T0 }));
    assert.deepEqual(ids((await store.queryReleases({})).items), ['r-c', 'r-b', 'r-a']);
  });

  test('pages cover every release once while others are being inserted', async ({ store }) => {
    const wl = (i: number) => workloadRef('load', `w${i % 5}`);
    for (let i = 1; i <= 40; i++) await store.upsertRelease(makeRelease(wl(i), Math.ceil(i / 5), { id: `r-orig-${String(i).padStart(2, '0')}` as ReleaseId, startedAt: T0 + (i % 13) * MINUTE, templateHash: `h${i}` }));
    const seen: string[] = [];
    let cursor: string | undefined;
    let inserted = 0;
    do {
      const page = await store.queryReleases({ namespaces: ['load'], limit: 7, ...(cursor === undefined ? {} : { cursor }) });
      assert.ok(page.items.length <= 7);
      seen.push(...ids(page.items));
      cursor = page.nextCursor ?? undefined;
      // a newer and an older release arrive between pages
      inserted++;
      await store.upsertRelease(makeRelease(workloadRef('load', 'late'), inserted * 2 - 1, { id: `r-new-${inserted}` as ReleaseId, startedAt: T0 + 99 * MINUTE + inserted, templateHash: `n${inserted}` }));
      await store.upsertRelease(makeRelease(workloadRef('load', 'late'), inserted * 2, { id: `r-old-${inserted}` as ReleaseId, startedAt: T0 - inserted, templateHash: `o${inserted}` }));
    } while (cursor !== undefined);
    const originals = seen.filter((id) => id.startsWith('r-orig-'));
    assert.equal(new Set(seen).size, seen.length, 'no duplicates across pages');
    assert.equal(originals.length, 40, 'no gaps: every original release appears');
    assert.ok(!seen.some((id) => id.startsWith('r-new-')), 'newer inserts do not leak into later pages');
  });

  test('a cursor it did not issue is a clear error', async ({ store }) => {
    await rejectsWith(store.queryReleases({ cursor: 'not-a-cursor' }), 'INVALID');
  });

  test('lists active releases (progressing or paused) newest first', async ({ store }) => {
    await seed(store);
    assert.deepEqual(ids(await store.activeReleases()), ['r-batch-worker-001', 'r-shop-web-003']);
    assert.deepEqual(ids(await store.activeReleases('c2')), []);
  });

  test('lists stuck releases: the latest release of a workload that exists, when it failed', async ({ store }) => {
    await seed(store);
    const stuck = workloadRef('shop', 'cart');
    const gone = workloadRef('shop', 'old');
    const far = workloadRef('shop', 'cart', { cluster: 'c2', uid: 'uid-c2-shop-cart' });
    const failure = { code: 'ImagePullFailed' as const, reason: 'ImagePullBackOff', message: 'pull failed' };
    for (const [w, deletedAt] of [[web, null], [api, null], [job, null], [stuck, null], [gone, T0 + 50 * MINUTE], [far, null]] as const)
      await store.upsertWorkload({ workload: w, labels: {}, createdAt: T0, deletedAt, observedAt: T0 });
    await store.upsertRelease(makeRelease(stuck, 1, { outcome: 'succeeded', finishedAt: T0 + MINUTE }));
    await store.upsertRelease(makeRelease(stuck, 2, { outcome: 'failed', startedAt: T0 + 40 * MINUTE, finishedAt: T0 + 42 * MINUTE, failure, id: 'r-shop-cart-002' as ReleaseId }));
    await store.upsertRelease(makeRelease(gone, 1, { outcome: 'failed', startedAt: T0 + 45 * MINUTE, failure }));
    await store.upsertRelease(makeRelease(far, 1, { outcome: 'failed', startedAt: T0 + 46 * MINUTE, failure, id: 'r-c2-cart-001' as ReleaseId }));
    // web #2 failed but #3 (a rollback) followed it: superseded, not stuck; a deleted workload is not stuck either.
    assert.deepEqual(ids(await store.stuckReleases()), ['r-c2-cart-001', 'r-shop-cart-002']);
    assert.deepEqual(ids(await store.stuckReleases('c2')), ['r-c2-cart-001']);
    assert.deepEqual(ids(await store.stuckReleases('c1')), ['r-shop-cart-002']);
    assert.deepEqual((await store.stuckReleases('c1'))[0]?.failure, failure);
    // A newer release supersedes it; a recovery (failed → succeeded) fixes it.
    await store.upsertRelease(makeRelease(stuck, 3, { startedAt: T0 + 60 * MINUTE }));
    await store.upsertRelease({ ...makeRelease(far, 1, { id: 'r-c2-cart-001' as ReleaseId, startedAt: T0 + 46 * MINUTE }), outcome: 'succeeded', finishedAt: T0 + 70 * MINUTE });
    assert.deepEqual(ids(await store.stuckReleases()), []);
  });

  test('records workload events once per (workload, type, resourceVersion)', async ({ store }) => {
    const e = { workload: web, type: 'scale' as const, time: T0 + 5, resourceVersion: '101', actor: { manager: 'hpa' }, detail: { from: 3, to: 5 } };
    assert.equal(await store.appendWorkloadEvent(e), true);
    assert.equal(await store.appendWorkloadEvent({ ...e, time: T0 + 6 }), false);
    assert.equal(await store.appendWorkloadEvent({ ...e, type: 'pause', time: T0 + 1, detail: {} }), true);
    assert.equal(await store.appendWorkloadEvent({ ...e, resourceVersion: '102', time: T0 + 9 }), true);
    const got = await store.workloadEvents(web.uid);
    assert.deepEqual(got.map((x) => `${x.type}@${x.resourceVersion}`), ['pause@101', 'scale@101', 'scale@102']);
    assert.deepEqual(got[1], e);
    assert.equal((await store.workloadEvents(web.uid, T0 + 6)).length, 1);
  });

  test('lists workloads with their latest release, hiding deleted ones unless asked', async ({ store }) => {
    await seed(store);
    const base = { labels: { team: 'a' }, createdAt: T0, deletedAt: null, observedAt: T0 + 1 };
    await store.upsertWorkload({ ...base, workload: web });
    await store.upsertWorkload({ ...base, workload: api });
    await store.upsertWorkload({ ...base, workload: job, deletedAt: T0 + 50 * MINUTE });
    await store.upsertWorkload({ ...base, workload: api, labels: { team: 'b' }, observedAt: T0 + 2 });
    const all = await store.listWorkloads();
    assert.deepEqual(all.map((w) => w.workload.name), ['api', 'web']);
    assert.deepEqual(all[0]?.labels, { team: 'b' });
    assert.equal(all[1]?.latestRelease?.releaseNumber, 3);
    assert.equal(all[1]?.latestRelease?.outcome, 'progressing');
    const withDeleted = await store.listWorkloads({ includeDeleted: true, kind: 'StatefulSet' });
    assert.deepEqual(withDeleted.map((w) => [w.workload.name, w.deletedAt]), [['worker', T0 + 50 * MINUTE]]);
    assert.deepEqual((await store.listWorkloads({ namespaces: ['shop'], name: 'web' })).map((w) => w.latestRelease?.id), ['r-shop-web-003']);
  });


    test('natural keys include the cluster: one workload uid in two clusters never collides', async ({ store }) => {
      const east = workloadRef('shop', 'web', { cluster: 'east', uid: 'same-uid' });
      const west = workloadRef('shop', 'web', { cluster: 'west', uid: 'same-uid' });
      const a = await store.upsertRelease(makeRelease(east, 0, { id: 'r-east-1' as ReleaseId, templateHash: 'h' }));
      const b = await store.upsertRelease(makeRelease(west, 0, { id: 'r-west-1' as ReleaseId, templateHash: 'h' }));
      assert.deepEqual([a.releaseNumber, b.releaseNumber], [1, 1], 'numbered per cluster and workload');
      assert.deepEqual(ids((await store.queryReleases({ cluster: 'west' })).items), ['r-west-1']);
      const event = { type: 'scale' as const, time: T0, resourceVersion: '5', actor: { manager: 'kubectl' }, detail: { from: 1, to: 2 } };
      assert.equal(await store.appendWorkloadEvent({ ...event, workload: east }), true);
      assert.equal(await store.appendWorkloadEvent({ ...event, workload: west }), true, 'the same event key in another cluster is another event');
      for (const w of [east, west]) await store.upsertWorkload({ workload: w, labels: {}, createdAt: T0, deletedAt: null, observedAt: T0 });
      assert.deepEqual((await store.listWorkloads({})).map((w) => w.workload.cluster).sort(), ['east', 'west']);
      assert.deepEqual((await store.listWorkloads({ cluster: 'east' })).map((w) => w.latestRelease?.id), ['r-east-1']);
    });
  });
}
