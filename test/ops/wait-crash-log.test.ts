// A CrashLoop diagnosis quotes the crashed container's last log lines (its previous run, as
// `kubectl logs --previous` shows them), size-limited and with secrets redacted: in `rollscope
// wait`'s error output and in its `-o json` result.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually } from '../sim/kubectl-support.ts';
import { manifest, startOpsCluster } from './ops-support.ts';

const SECRET = 'hunter2-do-not-print';

test('wait: a crash loop ends with the container’s last log lines, secrets redacted', async (t) => {
  const c = await startOpsCluster(t);
  if (!c) return;
  t.after(() => c.stop());
  const yaml = manifest({ kind: 'Deployment', name: 'api', image: 'registry.local/api:crash', replicas: 1, container: `env: [{name: DATABASE_URL, value: "postgres://app:${SECRET}@db:5432/app"}]` });
  await c.kubectlOk(['apply', '-f', '-'], { input: yaml });

  const text = await c.rollscope(['wait', 'deployment/api', '--timeout', '60s']);
  assert.equal(text.code, 1, text.stderr);
  assert.match(text.stderr, /error: deployment default\/api failed: .*CrashLoop: container api is crash-looping: restarted \d+ times?, last exit code 1/);
  assert.doesNotMatch(text.stderr, /restarted 1 times/, 'one restart is "1 time"');
  assert.equal(text.stderr.match(/CrashLoop/g)?.length, 1, `the code is printed once: ${text.stderr}`);
  assert.match(text.stderr, /last log lines of container api before it exited:\n( {2}\| .*\n)+/);
  assert.match(text.stderr, / {2}\| ts=\S+ level=fatal msg="cannot start without a database, exiting" code=1\n/);
  assert.match(text.stderr, /url=postgres:\/\/app:<redacted>@db:5432\/app/, 'the password in the logged URL is masked');
  assert.ok(!text.stderr.includes(SECRET), 'the secret never reaches the terminal');

  // A wait that starts while the kubelet has the container up again (Running and Ready, between
  // two crashes) sees a rolled-out Deployment, as kubectl rollout status would, and exits 0; so the
  // JSON form is asked until it starts inside the loop.
  const json = await eventually('rollscope wait -o json to start inside the crash loop', async () => {
    const r = await c.rollscope(['wait', 'deployment/api', '--timeout', '60s', '-o', 'json']);
    return r.code === 0 ? undefined : r;
  }, 30_000);
  assert.equal(json.code, 1, json.stderr);
  const w = (JSON.parse(json.stdout) as { workloads: { reason: string; message: string; diagnosis: { code: string; message: string; container?: string; logTail?: string[] } }[] }).workloads[0];
  assert.equal(w?.diagnosis.code, 'CrashLoop');
  assert.equal(w.reason, 'CrashLoop');
  assert.equal(w.message, w.diagnosis.message, 'the message is the diagnosis sentence, without the code again');
  assert.equal(w?.diagnosis.container, 'api');
  const tail = w?.diagnosis.logTail ?? [];
  assert.ok(tail.length > 0 && tail.length <= 10, `at most 10 lines, got ${tail.length}`);
  assert.match(tail.at(-1) ?? '', /level=fatal/);
  assert.ok(!json.stdout.includes(SECRET));

  // rollscope status quotes the same lines. It is a snapshot: taken in the moment the kubelet
  // restarts the container (Running again, before its next crash) it can read InProgress, so it is
  // asked until it catches the loop, as a person re-running it would.
  const status = await eventually('rollscope status to show the crash loop', async () => {
    const r = await c.rollscope(['status', 'deployment/api']);
    return /CrashLoop/.test(r.stdout) ? r : undefined;
  }, 20_000);
  assert.match(status.stdout, /CrashLoop[\s\S]*last log lines of container api before it exited:\n( {2}\| .*\n)+/);
  assert.ok(!status.stdout.includes(SECRET));
  assert.equal(status.stdout.match(/CrashLoop/g)?.length, 1, `the code is printed once: ${status.stdout}`);
  type StatusJson = { reason: string; message: string; diagnosis: { message: string; logTail?: string[] } };
  const statusJson = await eventually('rollscope status -o json to show the crash loop', async () => {
    const r = JSON.parse((await c.rollscope(['status', 'deployment/api', '-o', 'json'])).stdout) as StatusJson;
    return r.reason === 'CrashLoop' ? r : undefined;
  }, 20_000);
  assert.equal(statusJson.reason, 'CrashLoop');
  assert.equal(statusJson.message, statusJson.diagnosis.message);
  assert.match(statusJson.diagnosis.logTail?.at(-1) ?? '', /level=fatal/);
});
