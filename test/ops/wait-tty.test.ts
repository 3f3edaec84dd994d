// The live progress of `rollscope wait` in a real pseudo-terminal (tmux): it redraws in place —
// one block per workload however many updates, no escape-code debris on screen — and, when
// stderr is not a terminal, it writes plain kubectl-style lines without escape codes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { needComponent } from '../support/services.ts';
import { MAIN, manifest, startOpsCluster } from './ops-support.ts';

function tmux(bin: string, socket: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(bin, ['-S', socket, ...args], { timeout: 10_000 }, (err, stdout, stderr) => (err ? reject(new Error(`tmux ${args.join(' ')}: ${stderr}`)) : resolve(stdout)));
  });
}
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** DEBRIS matches what broken ANSI handling leaves on a screen: a bare ESC, or CSI remnants such as "[2F" or "[J". */
const DEBRIS = new RegExp(`${String.fromCharCode(27)}|\\[\\d*[A-HJKF]`);

test('rollscope wait progress display', async (t) => {
  const c = await startOpsCluster(t);
  if (!c) return;
  t.after(() => c.stop());
  const apply = (): Promise<string> =>
    c.kubectlOk(['apply', '-f', '-'], { input: manifest({ kind: 'Deployment', name: 'web', image: 'web:steady', replicas: 3 }) + '---\n' + manifest({ kind: 'Deployment', name: 'bad', image: 'web:missing', replicas: 2 }) });
  const args = ['wait', 'deployment/web', 'deployment/bad', '--fail-fast', 'ImagePullFailed=never', '--grace', '30s', '--timeout', '8s', '--kubeconfig', c.kubeconfig];

  await t.test('in a terminal: redrawn in place, no duplicated lines, no debris', async (tt) => {
    const bin = needComponent(tt, 'tmux', ['/usr/bin/tmux', '/usr/local/bin/tmux'], 'apt-get install tmux');
    if (!bin) return;
    const socket = join(c.dir, 'tmux.sock'); // removed with the cluster's temp dir
    const command = [process.execPath, MAIN, ...args].map((a) => `'${a}'`).join(' ');
    await tmux(bin, socket, ['new-session', '-d', '-x', '120', '-y', '30', `${command}; echo EXIT=$?; sleep 60`]);
    tt.after(() => tmux(bin, socket, ['kill-server']).catch(() => undefined));
    const frames: string[] = [];
    const deadline = Date.now() + 60_000;
    let applied = false;
    for (;;) {
      const screen = await tmux(bin, socket, ['capture-pane', '-p']);
      if (frames.at(-1) !== screen) frames.push(screen);
      // Create the workloads once the display is up, so the rollout happens on screen.
      if (!applied && screen.includes('deployment default/web')) {
        applied = true;
        await apply();
      }
      if (/EXIT=\d+/.test(screen) || Date.now() > deadline) break;
      await sleep(100);
    }
    const last = frames.at(-1) ?? '';
    tt.diagnostic(`${frames.length} distinct screens captured; final screen:\n${last.trimEnd()}`);
    assert.match(last, /EXIT=2/, 'timed out as asked (exit 2)');
    const progressFrames = frames.filter((f) => f.includes('deployment default/web'));
    assert.ok(progressFrames.length >= 3, `the display updated (${progressFrames.length} frames)`);
    const counts = new Set(progressFrames.map((f) => /^deployment default\/web .*?(updated \d\/\d)/m.exec(f)?.[1]));
    assert.ok(counts.size >= 2, `web's counts changed on screen: ${[...counts].join(', ')}`);
    for (const f of frames) {
      assert.doesNotMatch(f, DEBRIS, `escape-code debris on screen:\n${f}`);
      const lines = f.split('\n');
      assert.ok(lines.filter((l) => l.startsWith('deployment default/web ')).length <= 1, `web's line duplicated:\n${f}`);
      assert.ok(lines.filter((l) => l.startsWith('deployment default/bad ')).length <= 1, `bad's line duplicated:\n${f}`);
    }
    assert.match(last, /^ {2}bad-[a-z0-9]+-[a-z0-9]+ (ImagePullBackOff|ErrImagePull): .*web:missing/m, 'stuck pods are listed with their reason');
    assert.match(last, /^deployment default\/web {2}rolled out {2}updated 3\/3 ready 3\/3 available 3\/3/m);
    assert.match(last, /^error: deployment default\/bad timed out: /m);
  });

  await t.test('piped: plain kubectl-style lines, no escape codes', async () => {
    await apply(); // idempotent; the terminal case may have been skipped
    const r = await c.rollscope(args.slice(0, -2).map((a) => (a === '8s' ? '3s' : a)));
    assert.equal(r.code, 2, r.stderr);
    assert.ok(!(r.stderr + r.stdout).includes('\x1b'), 'no escape codes when piped');
    const lines = r.stderr.trimEnd().split('\n');
    const progress = lines.filter((l) => l.startsWith('Waiting for '));
    assert.ok(progress.length >= 1, r.stderr);
    for (const l of progress) assert.match(l, /^Waiting for deployment "(web|bad)" rollout to finish: .*\.\.\./);
    assert.ok(progress.some((l) => /"bad".*\(Warning: bad-\S+ (ImagePullBackOff|ErrImagePull): /.test(l)), r.stderr);
    for (const name of ['web', 'bad']) {
      const mine = progress.filter((l) => l.includes(`"${name}"`));
      mine.forEach((l, i) => assert.notEqual(l, mine[i - 1], `a line is written only when it changes: ${l}`));
    }
    assert.match(r.stdout, /^deployment "web" successfully rolled out/m);
  });
});
