// The crashed container's last log lines reach the ledger: a release that fails with CrashLoop is
// stored with the tail of the container's previous log (size-limited, secrets redacted), so the API,
// `rollscope show` and the dashboard quote it, not only `wait` and `status`. Real simulator over
// HTTP, the real tracker (startDaemon) writing a SQLite ledger, the real CLI reading it.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { startDaemon } from '../../src/daemon/main.ts';
import { realClock } from '../../src/lib/clock.ts';
import { silentLogger } from '../../src/lib/log.ts';
import type { ReleaseView } from '../../src/model/view/release-view.ts';
import { openLedger } from '../../src/store/open.ts';
import { manifest, startOpsCluster } from './ops-support.ts';

const SECRET = 'hunter2-ledger-never';

test('a CrashLoop release is stored with the container’s last log lines, redacted and size-limited', { timeout: 120_000 }, async (t) => {
  const c = await startOpsCluster(t);
  if (!c) return;
  t.after(() => c.stop());
  const db = `sqlite:${join(c.dir, 'ledger.db')}`;
  const ledger = await openLedger(db);
  const daemon = await startDaemon({ kubeconfig: c.kubeconfig, namespaces: [], cluster: 'sim', listen: '127.0.0.1:0', ledger, config: {}, logger: silentLogger, clock: realClock });
  t.after(async () => {
    await daemon.stop();
    await ledger.close();
  });
  await c.kubectlOk(['apply', '-f', '-'], { input: manifest({ kind: 'Deployment', name: 'api', image: 'registry.local/api:crash', replicas: 1, container: `env: [{name: DATABASE_URL, value: "postgres://app:${SECRET}@db:5432/app"}]` }) });

  let failed: ReleaseView | undefined;
  for (const deadline = Date.now() + 90_000; Date.now() < deadline && failed === undefined; await new Promise((r) => setTimeout(r, 250))) {
    const res = await fetch(`${daemon.url}/api/v1/releases?name=api&outcome=failed`);
    failed = ((await res.json()) as { items: ReleaseView[] }).items.find((r) => r.failure?.code === 'CrashLoop' && r.failure.logTail !== null);
  }
  assert.ok(failed?.failure, 'the tracker stores a CrashLoop release with its log tail');
  const tail = failed.failure.logTail ?? [];
  assert.equal(failed.failure.container, 'api');
  assert.ok(tail.length > 0 && tail.length <= 10, `at most 10 lines: ${tail.length}`);
  assert.ok(tail.every((l) => l.length <= 301), 'each line cut at 300 characters');
  assert.match(tail.at(-1) ?? '', /level=fatal msg="cannot start without a database, exiting"/);
  assert.ok(tail.some((l) => l.includes('url=postgres://app:<redacted>@db:5432/app')), `the password in the logged URL is masked: ${tail.join('\n')}`);

  const stored = await ledger.getRelease(failed.id as never);
  assert.deepEqual(stored?.failure?.logTail, tail, 'the ledger row holds the same lines');
  assert.ok(!JSON.stringify(stored).includes(SECRET), 'the secret never reaches the ledger');

  const shown = await c.rollscope(['show', failed.id, '--db', db, '-o', 'json']);
  assert.equal(shown.code, 0, shown.stderr);
  assert.deepEqual((JSON.parse(shown.stdout) as { release: ReleaseView }).release.failure?.logTail, tail);
  const text = await c.rollscope(['show', failed.id, '--db', db]);
  assert.match(text.stdout, /last log lines of container api before it exited:\n( {2}\| .*\n)+/);
  assert.ok(!text.stdout.includes(SECRET) && !shown.stdout.includes(SECRET));
});
