// One clock for every view (issue 11): in the demo at 10× a release made now shows "seconds ago" and
// a plausible duration alike in kubectl describe, rollscope history and the API — the simulator's
// timestamps follow the wall clock while its world's delays are compressed (CompressedClock).
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { needComponent } from '../support/services.ts';
import { eventually, KUBECTL_CANDIDATES } from './kubectl-support.ts';

const root = resolve(import.meta.dirname, '..', '..');
const main = join(root, 'src', 'cli', 'main.ts');

function exec(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => execFile(cmd, args, { env, timeout: 20_000 }, (e, stdout, stderr) => done({ code: e ? (typeof e.code === 'number' ? e.code : 124) : 0, stdout, stderr })));
}

interface ApiRelease {
  readonly name: string;
  readonly images: readonly { readonly image: string }[];
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly outcome: string;
}

test('demo at 10×: a release made now is seconds old with a plausible duration in kubectl describe, rollscope history and the API', async (t) => {
  const kubectl = needComponent(t, 'kubectl', KUBECTL_CANDIDATES, 'apt-get install kubectl');
  if (!kubectl) return;
  const dir = mkdtempSync(join(tmpdir(), 'rollscope-demo-clock-'));
  const demo = spawn(process.execPath, [main, 'demo', '--listen', '127.0.0.1:0', '--speed', '10'], { cwd: dir });
  let out = '';
  demo.stdout.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise((done) => demo.on('exit', done));
  t.after(async () => {
    demo.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  });
  const dashboard = await eventually('the dashboard line', () => /^dashboard: (\S+)$/m.exec(out)?.[1], 30_000);
  const kubeconfig = join(dir, '.rollscope', 'sim.kubeconfig');
  const ledger = join(dir, '.rollscope', 'demo-ledger.db');

  // The tracker has synced (the demo's first releases are recorded) before the change is made.
  await eventually('the tracker synced', async () => {
    const body = (await (await fetch(`${dashboard}api/v1/releases?namespace=shop&limit=20`)).json()) as { items: ApiRelease[] };
    return body.items.some((x) => x.name === 'frontend' && x.finishedAt !== null) ? true : undefined;
  }, 30_000);
  const image = 'registry.acme.io/shop/frontend:7.7.7';
  const madeAt = Date.now();
  const set = await exec(kubectl, ['--kubeconfig', kubeconfig, '-n', 'shop', 'set', 'image', 'deploy/frontend', `frontend=${image}`]);
  assert.equal(set.code, 0, set.stderr);

  // The API: started about now, finished a few seconds later.
  const release = await eventually('the release of frontend:7.7.7 finished', async () => {
    const body = (await (await fetch(`${dashboard}api/v1/releases?namespace=shop&limit=20`)).json()) as { items: ApiRelease[] };
    const r = body.items.find((x) => x.name === 'frontend' && x.images.some((i) => i.image === image));
    return r?.finishedAt ? r : undefined;
  }, 30_000);
  const started = Date.parse(release.startedAt);
  const finished = Date.parse(release.finishedAt ?? '');
  assert.equal(release.outcome, 'succeeded');
  assert.ok(Math.abs(started - madeAt) < 5_000, `startedAt ${release.startedAt} is the wall-clock moment of the change (${new Date(madeAt).toISOString()})`);
  assert.ok(finished - started > 0 && finished - started < 30_000, `duration ${finished - started} ms is what the rollout took`);
  assert.ok(finished <= Date.now() + 1_000, 'never in the future');

  // kubectl describe: the rollout's events are seconds old.
  const describe = await exec(kubectl, ['--kubeconfig', kubeconfig, '-n', 'shop', 'describe', 'deployment', 'frontend']);
  const scaling = describe.stdout.split('\n').filter((l) => /ScalingReplicaSet/.test(l));
  assert.ok(scaling.length > 0, describe.stdout);
  const newest = scaling.at(-1) ?? '';
  // LAST SEEN is `Ns`, or `Ns (xC over Ms)` once the event recorder has combined repeats into one
  // event (kubectl describe's aggregated age): both ages must be seconds.
  const age = /ScalingReplicaSet\s+(\d+)s(?: \(x\d+ over (\d+)s\))?\s+deployment-controller/.exec(newest);
  assert.ok(age, `the newest event is seconds old: ${newest}`);
  assert.ok(Number(age[1]) < 60 && Number(age[2] ?? 0) < 60, `the newest event is seconds old: ${newest}`);

  // rollscope history reads the ledger: seconds ago, and the same duration.
  const history = await exec(process.execPath, [main, 'history', '-n', 'shop', '--db', `sqlite:${ledger}`, '-o', 'json']);
  assert.equal(history.code, 0, history.stderr);
  const rows = JSON.parse(history.stdout) as { items?: ApiRelease[] } | ApiRelease[];
  const items = Array.isArray(rows) ? rows : (rows.items ?? []);
  const same = items.find((x) => x.name === 'frontend' && x.images.some((i) => i.image === image));
  assert.equal(same?.startedAt, release.startedAt);
  const table = await exec(process.execPath, [main, 'history', '-n', 'shop', '--db', `sqlite:${ledger}`]);
  const row = table.stdout.split('\n').find((l) => l.includes(image)) ?? '';
  assert.match(row, /\b\d{1,2}s ago\b/, `history says seconds ago: ${row}`);
});
