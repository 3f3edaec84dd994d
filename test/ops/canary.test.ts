// End-to-end tests of `rollscope canary` on the simulated cluster with the CLI as a child process:
// a canary stepped 10 → 50 → 100 and promoted; a manual pause continued by `canary promote` from a
// second process; `canary abort`; SIGKILL of the driver at seeded points then a restart ending in
// the same state; unreachable Prometheus (exit 5) and a bad analysis file (exit 3). Analysis with
// real traffic and a real Prometheus is in test/e2e/canary-analysis.e2e.test.ts.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { seededRandom } from '../../src/lib/seeded-random.ts';
import { freePort } from '../e2e/fixtures/prometheus.ts';
import { MAIN, spawnRollscope, startOpsCluster, type OpsCluster, type Run } from './ops-support.ts';
import { applyWebApp, getDeployment, until, type Deployment } from './web-app.ts';

let c: OpsCluster | undefined;
before(async (t) => {
  c = await startOpsCluster(t as never, 80);
});
after(async () => {
  await c?.stop();
});

const deployment = (ns: string, name: string): Promise<Deployment | null> => getDeployment(c!, ns, name);
const setup = (ns: string, replicas = 4): Promise<void> => applyWebApp(c!, ns, { replicas });

const statusOf = (d: Deployment | null): { phase?: string; stepIndex?: number; pauseUntil?: number | null; message?: string } =>
  JSON.parse(d?.metadata.annotations?.['rollscope.io/canary-status'] ?? '{}') as { phase?: string };

test('a canary without analysis goes 10 → 50 → 100 and is promoted (exit 0)', { timeout: 120_000 }, async () => {
  if (!c) return;
  await setup('cn-good');
  const run = await c.rollscope(['canary', 'deployment/web', '-n', 'cn-good', '--image', 'app=web:2', '--steps', '10,50', '-o', 'json'], { timeoutMs: 90_000 });
  assert.equal(run.code, 0, run.stderr);
  const out = JSON.parse(run.stdout) as { result: string; status: { phase: string } };
  assert.equal(out.result, 'promoted');
  for (const step of ['1 replica(s) at 10% (1/4 pods)', 'scale web to 3 for 10%', 'scale web-canary to 2 for 50%', 'scale web to 2 for 50%', 'scale web-canary to 4 for 100%', 'scale web to 0 for 100%', "web takes the canary's images", 'delete deployment web-canary'])
    assert.ok(run.stderr.includes(step), `progress should show "${step}":\n${run.stderr}`);
  const web = await deployment('cn-good', 'web');
  assert.deepEqual(web?.spec.template.spec.containers.map((x) => x.image), ['web:2']);
  assert.equal(web?.spec.replicas, 4);
  assert.equal(await deployment('cn-good', 'web-canary'), null);
  assert.equal(statusOf(web).phase, 'promoted');
  const status = await c.rollscope(['canary', 'status', 'deployment/web', '-n', 'cn-good']);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /: promoted\nimages: app web:1 → web:2\nsteps: 10% → 50% → 100%/);
});

test('a manual pause waits for `canary promote` from another process; `canary abort` restores the stable', { timeout: 120_000 }, async () => {
  if (!c) return;
  await setup('cn-cmd');
  const driver = spawnRollscope(c, ['canary', 'deployment/web', '-n', 'cn-cmd', '--image', 'app=web:2', '--steps', '25,50', '--pause', 'manual']);
  await driver.when(/paused at 25% until promoted/);
  assert.deepEqual((await deployment('cn-cmd', 'web-canary'))?.spec.replicas, 1);
  const p = await c.rollscope(['canary', 'promote', 'deploy/web', '-n', 'cn-cmd']);
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stderr, /promote requested for canary \w+ of deployment cn-cmd\/web; driver cli-/);
  await driver.when(/paused at 50% until promoted/);
  assert.equal((await deployment('cn-cmd', 'web-canary'))?.spec.replicas, 2);
  const a = await c.rollscope(['canary', 'abort', 'deploy/web', '-n', 'cn-cmd']);
  assert.equal(a.code, 0, a.stderr);
  const end = await driver.done;
  assert.equal(end.code, 1, end.stderr);
  assert.match(end.stdout, /ABORTED — aborted by /);
  const web = await deployment('cn-cmd', 'web');
  assert.deepEqual([web?.spec.replicas, web?.spec.template.spec.containers[0]?.image], [4, 'web:1']);
  assert.equal(await deployment('cn-cmd', 'web-canary'), null);
  // retry starts the same canary again from the first step
  const r = await c.rollscope(['canary', 'retry', 'deploy/web', '-n', 'cn-cmd']);
  assert.equal(r.code, 0);
  assert.match(r.stderr, /no driver is running/);
});

test('SIGKILL of the driver at seeded random points, then a restart: same end state as an uninterrupted run', { timeout: 180_000 }, async () => {
  if (!c) return;
  const random = seededRandom(13);
  const args = (ns: string): string[] => [MAIN, 'canary', 'deployment/web', '-n', ns, '--image', 'app=web:2', '--steps', '20,60', '--pause', '1s', '--lease', '2s', '--poll', '200ms', '--kubeconfig', c!.kubeconfig];
  for (let round = 0; round < 3; round++) {
    const ns = `cn-kill-${round}`;
    await setup(ns, 5);
    const child = spawn(process.execPath, args(ns), { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<void>((r) => child.on('close', () => r()));
    // kill after a seeded number of progress lines (each a write, wait or pause)
    const lines = 2 + Math.floor(random() * 10);
    await until(`${lines} progress lines`, async () => ((stderr.match(/\n/g)?.length ?? 0) >= lines ? true : undefined), 60_000).catch(() => true);
    child.kill('SIGKILL');
    await exited;
    const before = statusOf(await deployment(ns, 'web'));
    const rerun: Run = await c.rollscope(args(ns).slice(1, -2), { timeoutMs: 120_000 });
    assert.equal(rerun.code, 0, `round ${round} (killed after ${lines} lines, phase ${before.phase} step ${before.stepIndex}):\n${rerun.stderr}`);
    const web = await deployment(ns, 'web');
    assert.deepEqual([web?.spec.replicas, web?.spec.template.spec.containers[0]?.image, statusOf(web).phase], [5, 'web:2', 'promoted'], `round ${round}`);
    assert.equal(await deployment(ns, 'web-canary'), null);
    if (before.phase === 'progressing' || before.phase === 'paused') assert.match(rerun.stderr, /attaching to canary/);
  }
});

test('unreachable Prometheus exits 5 naming the URL; a bad analysis file exits 3 listing each bad field', { timeout: 60_000 }, async () => {
  if (!c) return;
  await setup('cn-bad');
  const url = `http://127.0.0.1:${await freePort()}`;
  const r = await c.rollscope(['canary', 'deployment/web', '-n', 'cn-bad', '--image', 'app=web:2', '--prometheus', url]);
  assert.equal(r.code, 5, r.stderr);
  assert.ok(r.stderr.includes(`${url}/api/v1/query`), r.stderr);
  const file = join(c.dir, 'bad-analysis.yaml');
  writeFileSync(file, 'metrics:\n  - name: sr\n    builtin: success-rate\n    successCondition: result >=\n    count: 0\n');
  const b = await c.rollscope(['canary', 'deployment/web', '-n', 'cn-bad', '--image', 'app=web:2', '--prometheus', url, '--analysis', file]);
  assert.equal(b.code, 3, b.stderr);
  assert.match(b.stderr, /metrics\[0\]\.count/);
  const u = await c.rollscope(['canary', 'deployment/web', '-n', 'cn-bad']);
  assert.equal(u.code, 3);
  assert.match(u.stderr, /--image CONTAINER=IMAGE/);
  const nf = await c.rollscope(['canary', 'deployment/nope', '-n', 'cn-bad', '--image', 'app=web:2']);
  assert.equal(nf.code, 4, nf.stderr);
  assert.equal(await deployment('cn-bad', 'web-canary'), null, 'nothing was created');
});
