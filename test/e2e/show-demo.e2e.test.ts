// Issue 10, "Done when": `rollscope show` on the demo's releases. The demo scenario runs on the
// simulated cluster with the tracker writing a SQLite ledger; once its first failure round has
// produced a missing image and a crash loop, the real CLI shows those releases — by id and as
// TYPE/NAME#N — with their diagnosis, phase timeline, events and template diff, and -o json is the
// public ReleaseDetail view.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ListedRelease } from '../../src/model/release.ts';
import { releaseDetailView } from '../../src/model/view/release-detail-view.ts';
import { eventually, startCluster } from '../sim/kubectl-support.ts';
import { REPO_ROOT, startInProcessTracker } from './fixtures/daemon.ts';

/** SPEED plays the demo's first failure round (simulated minutes 3–7) in a few seconds. */
const SPEED = 60;

function show(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['src/cli/main.ts', 'show', ...args], { cwd: REPO_ROOT, env: { ...process.env, ROLLSCOPE_DB: '' }, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }));
  });
}

test('rollscope show on the demo\'s failed releases: diagnosis, timeline, events, diff; -o json', { timeout: 90_000 }, async (t) => {
  const cluster = await startCluster(t, { scenario: 'demo', speed: SPEED });
  if (!cluster) return;
  const dir = mkdtempSync(join(tmpdir(), 'rollscope-show-demo-'));
  const db = `sqlite:${join(dir, 'ledger.db')}`;
  const tracker = await startInProcessTracker(cluster.sim, cluster.kubeconfig, { db });
  try {
    // Given the demo's first failure round recorded in the ledger
    const failed = await eventually('the demo\'s missing image and crash loop to fail in the ledger', async () => {
      const page = await tracker.ledger.queryReleases({ outcomes: ['failed'], limit: 100 });
      const pull = page.items.find((r) => r.failure?.code === 'ImagePullFailed');
      const crash = page.items.find((r) => r.failure?.code === 'CrashLoop');
      return pull && crash ? { pull, crash } : undefined;
    }, 60_000);
    const address = (r: ListedRelease): string[] => [`${r.workload.kind.toLowerCase()}/${r.workload.name}#${r.releaseNumber}`, '-n', r.workload.namespace, '--db', db];

    // When the missing-image release is shown by id
    const pull = failed.pull;
    const byId = await show([pull.id, '--db', db]);
    assert.equal(byId.code, 0, byId.stderr);
    const out = byId.stdout;
    // Then the terminal view names it, says why it failed, and shows its timeline, events and diff
    assert.match(out, new RegExp(`^deployment\\.apps/${pull.workload.name} in namespace ${pull.workload.namespace}, cluster sim$`, 'm'));
    assert.match(out, new RegExp(`^Release: +#${pull.releaseNumber} {2}id ${pull.id}`, 'm'));
    // ("stuck" while no newer release has replaced it and it has not recovered — issue 11's Live rule)
    assert.match(out, /^Outcome: +failed(, stuck: no newer release has replaced it and it has not recovered)?$/m);
    assert.match(out, /^Diagnosis: +ImagePullFailed \(\w+\): .*missing/m);
    assert.match(out, /^Timeline:\n {2}PHASE +AT +STEP +WATERFALL\n {2}templateObserved +\+\d\S* +\S+ +█/m);
    assert.match(out, /^ {2}firstPodScheduled +\+\d\S* +\S+ +█/m);
    assert.match(out, /^ {2}allAvailable +-$/m, 'a failed rollout never became available');
    const events = out.slice(out.indexOf('\nEvents:\n'), out.indexOf('\nTemplate diff'));
    assert.match(events, /^ {2}\+\S+ +Warning +(Failed|BackOff|ErrImagePull)/m, events);
    assert.match(out, /^Template diff against #\d+ \(\w+\):\n {2}~ spec\.containers\[\w+\]\.image: "[^"]+" → "[^"]+:missing"$/m);

    // And TYPE/NAME#N with -n addresses the same release; -o json is the public ReleaseDetail view
    const json = await show([...address(pull), '-o', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const view = releaseDetailView.parse(JSON.parse(json.stdout));
    assert.equal(view.release.id, pull.id);
    assert.equal(view.release.failure?.code, 'ImagePullFailed');
    assert.ok(view.diff.some((d) => d.path.endsWith('.image') && String(d.after).endsWith(':missing')), JSON.stringify(view.diff));
    assert.equal(view.previous?.id, pull.previousReleaseId);

    // The crash loop shows its diagnosis with the container's exit code
    const crash = await show(address(failed.crash));
    assert.equal(crash.code, 0, crash.stderr);
    assert.match(crash.stdout, /^Diagnosis: +CrashLoop \(\w+\): .*exit code \d+/m);
    assert.match(crash.stdout, /:crash"$/m);
  } finally {
    await tracker.stop();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
