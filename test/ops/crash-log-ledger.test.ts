// The crashed container's last log lines reach the ledger: a release that fails with CrashLoop is
// stored with the tail of the container's previous log (size-limited, secrets redacted), so the API,
// `rollscope show` and the dashboard quote it, not only `wait` and `status`; the tail stays through
// a restart of the tracker, whose re-observations of the crash carry it. Real simulator over HTTP
// (speed 40, the tracker reading the simulation's clock), the real tracker (startDaemon) writing a
// SQLite ledger file, the real CLI reading it.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ReleaseDetailView } from '../../src/model/view/release-detail-view.ts';
import type { ReleaseView } from '../../src/model/view/release-view.ts';
import { startInProcessTracker, type InProcessTracker } from '../e2e/fixtures/daemon.ts';
import { manifest, startOpsCluster } from './ops-support.ts';

const SECRET = 'hunter2-ledger-never';

async function getJson<T>(url: string): Promise<{ readonly text: string; readonly body: T }> {
  const res = await fetch(url);
  assert.equal(res.status, 200, `GET ${url}`);
  const text = await res.text();
  return { text, body: JSON.parse(text) as T };
}

test('a CrashLoop release is stored with the container’s last log lines, redacted and size-limited, and keeps them through a restart', { timeout: 60_000 }, async (t) => {
  const c = await startOpsCluster(t);
  if (!c) return;
  t.after(() => c.stop());
  const db = `sqlite:${join(c.dir, 'ledger.db')}`;
  let tracker: InProcessTracker | null = await startInProcessTracker(c.sim, c.kubeconfig, { db });
  const stopTracker = async (): Promise<void> => {
    const running = tracker;
    tracker = null;
    await running?.stop();
  };
  t.after(stopTracker);
  const url = (): string => tracker?.daemon.url ?? assert.fail('the tracker is stopped');
  await c.kubectlOk(['apply', '-f', '-'], { input: manifest({ kind: 'Deployment', name: 'api', image: 'registry.local/api:crash', replicas: 1, container: `env: [{name: DATABASE_URL, value: "postgres://app:${SECRET}@db:5432/app"}]` }) });

  let failed: ReleaseView | undefined;
  for (const deadline = Date.now() + 30_000; Date.now() < deadline && failed === undefined; await new Promise((r) => setTimeout(r, 100))) {
    const list = await getJson<{ items: ReleaseView[] }>(`${url()}/api/v1/releases?name=api&outcome=failed`);
    assert.ok(!list.text.includes(SECRET), 'the secret never reaches the API');
    failed = list.body.items.find((r) => r.failure?.code === 'CrashLoop' && r.failure.logTail !== null);
  }
  assert.ok(failed?.failure, 'the tracker stores a CrashLoop release with its log tail');
  const tail = failed.failure.logTail ?? [];
  assert.equal(failed.failure.container, 'api');
  assert.ok(tail.length > 0 && tail.length <= 10, `at most 10 lines: ${tail.length}`);
  assert.ok(tail.every((l) => l.length <= 301), 'each line cut at 300 characters');
  assert.match(tail.at(-1) ?? '', /level=fatal msg="cannot start without a database, exiting"/);
  assert.ok(tail.some((l) => l.includes('url=postgres://app:<redacted>@db:5432/app')), `the password in the logged URL is masked: ${tail.join('\n')}`);

  const detail = await getJson<ReleaseDetailView>(`${url()}/api/v1/releases/${failed.id}`);
  assert.deepEqual(detail.body.release.failure?.logTail, tail, 'the release detail API quotes the same lines');
  assert.ok(!detail.text.includes(SECRET));
  const stored = await tracker.ledger.getRelease(failed.id as never);
  assert.deepEqual(stored?.failure?.logTail, tail, 'the ledger row holds the same lines');
  assert.ok(!JSON.stringify(stored).includes(SECRET), 'the secret never reaches the ledger');

  // A restart: the new tracker seeds from the ledger and re-observes the crash-looping pod (its
  // facts re-state the failure); the stored tail must survive that.
  await stopTracker();
  tracker = await startInProcessTracker(c.sim, c.kubeconfig, { db });
  const restarts = async (): Promise<number> => Number((JSON.parse(await c.kubectlOk(['get', 'pods', '-l', 'app=api', '-o', 'json'])) as { items: { status?: { containerStatuses?: { restartCount?: number }[] } }[] }).items[0]?.status?.containerStatuses?.[0]?.restartCount ?? 0);
  const restartsAtStart = await restarts();
  for (const deadline = Date.now() + 15_000; (await restarts()) <= restartsAtStart; await new Promise((r) => setTimeout(r, 250)))
    assert.ok(Date.now() < deadline, 'the container restarts again while the new tracker watches');
  await new Promise((r) => setTimeout(r, 1_000)); // the restart's facts reach the ledger
  const after = await getJson<ReleaseDetailView>(`${url()}/api/v1/releases/${failed.id}`);
  assert.equal(after.body.release.failure?.code, 'CrashLoop', JSON.stringify({ ...after.body.release, events: after.body.release.events.length }));
  assert.deepEqual(after.body.release.failure?.logTail, tail, 'the tail is still there after a restart and a later crash');
  await stopTracker();

  const shown = await c.rollscope(['show', failed.id, '--db', db, '-o', 'json']);
  assert.equal(shown.code, 0, shown.stderr);
  assert.deepEqual((JSON.parse(shown.stdout) as { release: ReleaseView }).release.failure?.logTail, tail);
  const text = await c.rollscope(['show', failed.id, '--db', db]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /last log lines of container api before it exited:\n( {2}\| .*\n)+/);
  assert.match(text.stdout, / {2}\| ts=\S+ level=fatal msg="cannot start without a database, exiting"/);
  assert.ok(!text.stdout.includes(SECRET) && !shown.stdout.includes(SECRET), 'the secret never reaches show');
});
