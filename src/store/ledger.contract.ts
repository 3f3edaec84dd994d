// The behaviour every LedgerStore must show (STYLE.md example 8). Each implementation's store.test.ts
// calls describeLedgerContract with a function that opens a store on a new, empty ledger.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTrackerError } from '../lib/errors.ts';
import type { Release, ReleaseEvent, ReleaseId } from '../model/release.ts';
import type { LedgerStore, OutboxMessage, ReleaseFilter } from './ledger.ts';
import { MINUTE, T0, makeRelease, workloadRef } from './ledger-fixtures.ts';
import { canaryContract } from './canary.contract.ts';

/** LedgerFixture is a store open on a new, empty ledger, plus the means to reopen that same ledger. */
export interface LedgerFixture {
  readonly store: LedgerStore;
  /** reopen opens another store on the same ledger (the first is closed by then): a restart. */
  reopen(): Promise<LedgerStore>;
  /** forgeSchemaVersion records a migration version this code does not know, as a newer rollscope would. */
  forgeSchemaVersion(version: number): Promise<void>;
}

/** ContractSkip skips named tests of the suite, with the reason. */
export interface ContractSkip {
  readonly reason: string;
  readonly tests: readonly string[];
}

const web = workloadRef('shop', 'web');
const api = workloadRef('shop', 'api');
const job = workloadRef('batch', 'worker', { kind: 'StatefulSet' });
const other = workloadRef('shop', 'web', { cluster: 'c2', uid: 'uid-c2-shop-web' });

const ev = (reason: string, count: number, time: number, type: ReleaseEvent['type'] = 'Normal'): ReleaseEvent => ({
  time, type, reason, message: `${reason} happened`, object: 'Pod shop/web-1', count,
});

const ids = (rs: readonly Release[]): string[] => rs.map((r) => r.id);

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => isTrackerError(e) && e.code === code && e.details.hint !== undefined);
}

/** seed writes a small history: three workloads in two namespaces and two clusters. */
async function seed(store: LedgerStore): Promise<void> {
  await store.upsertRelease(makeRelease(web, 1, { outcome: 'succeeded', finishedAt: T0 + 2 * MINUTE }));
  await store.upsertRelease(makeRelease(web, 2, { outcome: 'failed', trigger: 'image', failure: { code: 'ImagePullFailed', reason: 'ErrImagePull', message: 'pull failed' } }));
  await store.upsertRelease(makeRelease(web, 3, { trigger: 'rollback', images: [{ container: 'app', image: 'registry.example/web:v1' }] }));
  await store.upsertRelease(makeRelease(api, 1, { outcome: 'succeeded', startedAt: T0 + 10 * MINUTE, finishedAt: T0 + 11 * MINUTE, images: [{ container: 'api', image: 'ghcr.io/acme/api:2.0' }] }));
  await store.upsertRelease(makeRelease(job, 1, { outcome: 'paused', trigger: 'config', startedAt: T0 + 20 * MINUTE }));
  await store.upsertRelease(makeRelease(other, 1, { outcome: 'succeeded', startedAt: T0 + 30 * MINUTE, id: 'r-c2-web-001' as ReleaseId }));
}

const message = (key: string, notBefore = T0): OutboxMessage => ({ idempotencyKey: key, sink: 'webhook', payload: { text: key, n: [1, 2] }, notBefore, createdAt: T0 });

/**
 * describeLedgerContract runs the shared behavioural suite against one LedgerStore implementation.
 * `open` must return a store on a new, empty ledger each time.
 */
export function describeLedgerContract(name: string, open: () => Promise<LedgerFixture>, skip: readonly ContractSkip[] = []): void {
  void describe(`${name} satisfies LedgerStore`, () => {
    const test = (title: string, fn: (f: LedgerFixture) => Promise<void>): void => {
      const skipped = skip.find((s) => s.tests.includes(title));
      if (skipped) {
        void it.skip(`${title} (${skipped.reason})`, () => {});
        return;
      }
      void it(title, async () => {
        const f = await open();
        try {
          await fn(f);
        } finally {
          await f.store.close();
        }
      });
    };
    const reopened = async (f: LedgerFixture, fn: (s: LedgerStore) => Promise<void>): Promise<void> => {
      await f.store.close();
      const s = await f.reopen();
      try {
        await fn(s);
      } finally {
        await s.close();
      }
    };

    test('stores a release and reads it back unchanged', async ({ store }) => {
      const r = makeRelease(web, 1, {
        failure: { code: 'CrashLoop', reason: 'CrashLoopBackOff', message: 'back-off 10s', object: 'Pod shop/web-1', exitCode: 137 },
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
      await store.upsertRelease(makeRelease(web, 3, { templateHash: 'same', revision: '3', trigger: 'rollback' }));
      assert.deepEqual((await store.releasesOf(web.uid)).map((r) => r.releaseNumber), [3, 2, 1]);
      assert.equal((await store.latestRelease(web.uid))?.trigger, 'rollback');
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

    test('saves watch cursors per cluster, resource and namespace (last write wins)', async (f) => {
      await f.store.saveCursor({ cluster: 'c1', resource: 'pods', namespace: '', resourceVersion: '10', savedAt: T0 });
      await f.store.saveCursor({ cluster: 'c1', resource: 'deployments.apps', namespace: 'shop', resourceVersion: '7', savedAt: T0 });
      await f.store.saveCursor({ cluster: 'c1', resource: 'pods', namespace: '', resourceVersion: '12', savedAt: T0 + 1 });
      await f.store.saveCursor({ cluster: 'c2', resource: 'pods', namespace: '', resourceVersion: '99', savedAt: T0 });
      await reopened(f, async (s) => {
        assert.deepEqual(
          (await s.loadCursors('c1')).map((c) => `${c.resource}/${c.namespace}=${c.resourceVersion}`),
          ['deployments.apps/shop=7', 'pods/=12'],
        );
        assert.deepEqual(await s.loadCursors('none'), []);
      });
    });

    test('the outbox delivers each message once, across restarts', async (f) => {
      assert.equal(await f.store.enqueueNotifications([message('k1'), message('k2'), message('k1')]), 2);
      assert.equal(await f.store.enqueueNotifications([message('k3', T0 + MINUTE)]), 1);
      const claimed = await f.store.claimDue(T0, 10, 30_000);
      assert.deepEqual(claimed.map((e) => e.idempotencyKey), ['k1', 'k2'], 'k3 is not due yet');
      assert.deepEqual(claimed[0]?.payload, { text: 'k1', n: [1, 2] });
      assert.equal(claimed[0]?.attempts, 1);
      assert.deepEqual(await f.store.claimDue(T0 + 1000, 10, 30_000), [], 'leased entries are not claimed twice');
      await f.store.markDelivered(claimed[0].id, T0 + 2000);
      // crash: k2 was claimed but never marked; k3 never claimed
      await reopened(f, async (s) => {
        assert.equal(await s.enqueueNotifications([message('k1'), message('k2')]), 0, 'a replay after restart enqueues nothing');
        assert.deepEqual((await s.claimDue(T0 + 10_000, 10, 30_000)).map((e) => e.idempotencyKey), [], 'k2 is still leased');
        const again = await s.claimDue(T0 + 60_000, 10, 30_000);
        assert.deepEqual(again.map((e) => `${e.idempotencyKey}#${e.attempts}`), ['k2#2', 'k3#1'], 'lease expired: k2 comes back, k1 never does');
        await s.markFailed(again[0]!.id, T0 + 120_000, 'HTTP 500 from receiver');
        await s.markDelivered(again[1]!.id, T0 + 61_000);
        assert.deepEqual(await s.claimDue(T0 + 100_000, 10, 30_000), [], 'retry waits for nextAttemptAt');
        const retry = await s.claimDue(T0 + 120_000, 10, 30_000);
        assert.deepEqual(retry.map((e) => [e.idempotencyKey, e.lastError]), [['k2', 'HTTP 500 from receiver']]);
        await s.markFailed(retry[0]!.id, null, 'gave up after 3 attempts');
        assert.deepEqual(await s.claimDue(T0 + 10 * 60_000, 10, 30_000), []);
        assert.equal((await s.outboxEntry('k2'))?.status, 'dead');
        assert.equal((await s.outboxEntry('k1'))?.status, 'delivered');
        assert.equal((await s.outboxEntry('k1'))?.deliveredAt, T0 + 2000);
        assert.equal(await s.outboxEntry('nope'), null);
        await rejectsWith(s.markDelivered('987654', T0), 'NOT_FOUND');
      });
    });

    test('claims at most `limit` entries, oldest due first', async ({ store }) => {
      await store.enqueueNotifications([message('late', T0 + 3), message('early', T0 + 1), message('mid', T0 + 2)]);
      const batch = await store.claimDue(T0 + 10, 2, 1000);
      assert.deepEqual(batch.map((e) => e.idempotencyKey), ['early', 'mid']);
      assert.deepEqual((await store.claimDue(T0 + 10, 2, 1000)).map((e) => e.idempotencyKey), ['late']);
    });

    test('concurrent claims never hand one entry to two workers', async ({ store }) => {
      await store.enqueueNotifications(Array.from({ length: 30 }, (_, i) => message(`c${String(i).padStart(2, '0')}`)));
      const batches = await Promise.all([0, 1, 2, 3].map(() => store.claimDue(T0, 12, 60_000)));
      const keys = batches.flatMap((b) => b.map((e) => e.idempotencyKey));
      assert.equal(new Set(keys).size, keys.length, 'no entry claimed twice');
      assert.equal(keys.length, 30, 'every due entry claimed by someone');
    });

    test('records operator actions newest first', async ({ store }) => {
      await store.recordAction({ who: 'alice', action: 'pause', workload: { cluster: 'c1', namespace: 'shop', kind: 'Deployment', name: 'web' }, at: T0, result: 'ok' });
      const undo = await store.recordAction({ who: 'bob', action: 'undo', workload: { ...web }, at: T0 + 5, result: 'error', detail: { message: 'paused' } });
      await store.recordAction({ who: 'carol', action: 'restart', workload: { ...api }, at: T0 + 1, result: 'ok' });
      assert.deepEqual((await store.listActions()).map((a) => a.who), ['bob', 'carol', 'alice']);
      const webActions = await store.listActions({ namespace: 'shop', name: 'web' });
      assert.deepEqual(webActions[0], undo);
      assert.equal(webActions.length, 2);
      assert.equal((await store.listActions({ limit: 1 })).length, 1);
    });

    test('computes deployment frequency, change failure rate, time to restore and duration percentiles', async ({ store }) => {
      const w = workloadRef('stats', 'app');
      const at = (m: number) => T0 + m * MINUTE;
      await store.upsertRelease(makeRelease(w, 1, { startedAt: at(0), finishedAt: at(2), outcome: 'succeeded' }));
      await store.upsertRelease(makeRelease(w, 2, { startedAt: at(10), finishedAt: at(12), outcome: 'failed' }));
      await store.upsertRelease(makeRelease(w, 3, { startedAt: at(20), finishedAt: at(21), outcome: 'rolled-back' }));
      await store.upsertRelease(makeRelease(w, 4, { startedAt: at(30), finishedAt: at(34), outcome: 'succeeded' }));
      await store.upsertRelease(makeRelease(w, 5, { startedAt: at(40), finishedAt: null, outcome: 'superseded' }));
      await store.upsertRelease(makeRelease(workloadRef('stats', 'db'), 1, { startedAt: at(5), finishedAt: at(15), outcome: 'succeeded' }));
      await store.upsertRelease(makeRelease(workloadRef('elsewhere', 'x'), 1, { startedAt: at(5), outcome: 'failed' }));
      const report = await store.stats({ since: T0, until: T0 + 86_400_000, namespaces: ['stats'], groupBy: 'workload' });
      assert.equal(report.total.releases, 6);
      assert.equal(report.total.deploymentsPerDay, 6);
      assert.equal(report.total.failures, 2);
      assert.equal(report.total.changeFailureRate, 2 / 5);
      assert.equal(report.total.restores, 1);
      assert.deepEqual(report.total.timeToRestoreMs, { p50: 24 * MINUTE, p90: 24 * MINUTE }, 'from the first failure (10) to the fix finishing (34)');
      assert.deepEqual(report.total.durationMs, { p50: 4 * MINUTE, p90: 10 * MINUTE }, 'durations 2, 4, 10 minutes (nearest rank)');
      assert.deepEqual(report.groups.map((g) => [g.name, g.releases, g.changeFailureRate]), [['app', 5, 0.5], ['db', 1, 0]]);
      const byNs = await store.stats({ since: T0, until: at(25) });
      assert.deepEqual(byNs.groups.map((g) => [g.namespace, g.releases, g.failures]), [['elsewhere', 1, 1], ['stats', 4, 2]]);
      assert.equal(byNs.groups[1]?.restores, 1, 'a restore after the window still counts for an incident opened in it');
    });

    test('data survives close and reopen', async (f) => {
      await seed(f.store);
      const before = await f.store.queryReleases({ limit: 100 });
      await reopened(f, async (s) => {
        assert.deepEqual(await s.queryReleases({ limit: 100 }), before);
        assert.equal(await s.nextReleaseNumber(web.uid), 4, 'numbering continues across restarts');
      });
    });

    test('reopening re-runs no migration and keeps the schema version', async (f) => {
      const version = await f.store.schemaVersion();
      assert.ok(version >= 1);
      await f.store.upsertRelease(makeRelease(web, 1));
      await reopened(f, async (s) => {
        assert.equal(await s.schemaVersion(), version);
        assert.equal((await s.queryReleases({})).items.length, 1);
      });
    });

    test('a ledger migrated by a newer rollscope is refused with STORE_MIGRATION_PENDING', async (f) => {
      await f.forgeSchemaVersion(9999);
      await f.store.close();
      await assert.rejects(f.reopen(), (e: unknown) => isTrackerError(e) && e.code === 'STORE_MIGRATION_PENDING' && /9999/.test(e.message) && /upgrade/.test(e.details.hint ?? ''));
    });

    canaryContract(test);
  });
}
