// A demo is safe to start twice: a second `rollscope demo` beside a running one refuses (exit 5,
// naming the first one's PID, dashboard, ledger and kubeconfig) and leaves its ledger alone; a demo
// killed with SIGKILL leaves a stale lock the next one takes over. And `npm run` passes SIGTERM on
// to rollscope (the scripts `exec` node, so no shell stands between npm and the process).
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { servicesRequired } from '../support/services.ts';
import { test, type TestContext } from 'node:test';
import { eventually } from './kubectl-support.ts';

const root = resolve(import.meta.dirname, '..', '..');
const main = join(root, 'src', 'cli', 'main.ts');

interface Proc {
  readonly child: ChildProcessWithoutNullStreams;
  readonly out: () => string;
  readonly err: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(cmd: string, args: readonly string[], cwd: string): Proc {
  const child = spawn(cmd, args, { cwd });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('exit', (code, signal) => done({ code, signal })));
  return { child, out: () => out, err: () => err, exited };
}

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'rollscope-demo-twice-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const demoArgs = [main, 'demo', '--listen', '127.0.0.1:0'];

test('a second demo beside a running one refuses and leaves the first one’s ledger intact; a stale lock is taken over', async (t) => {
  const dir = tempDir(t);
  const first = run(process.execPath, demoArgs, dir);
  t.after(() => first.child.kill('SIGKILL'));
  const dashboard = await eventually('the first demo’s dashboard line', () => /^dashboard: (\S+)$/m.exec(first.out())?.[1], 30_000);
  const ledger = join(dir, '.rollscope', 'demo-ledger.db');
  const inode = statSync(ledger).ino;
  const lock = JSON.parse(readFileSync(`${ledger}.lock`, 'utf8')) as { pid: number; dashboardUrl: string };
  assert.equal(lock.pid, first.child.pid);
  assert.equal(lock.dashboardUrl, dashboard);

  const second = run(process.execPath, demoArgs, dir);
  const ended = await second.exited;
  assert.equal(ended.code, 5, second.err());
  assert.match(second.err(), new RegExp(`another rollscope demo is running here \\(PID ${first.child.pid}\\): dashboard ${dashboard.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}, ledger ${ledger.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}, kubeconfig `));
  assert.match(second.err(), new RegExp(`kill ${first.child.pid}`), 'the hint says how to stop the first one');
  assert.equal(statSync(ledger).ino, inode, 'the ledger was not deleted and recreated');
  // The first demo still serves and records into that same file.
  const releases = await eventually('releases recorded by the first demo', async () => {
    const res = await fetch(`${dashboard}api/v1/releases?limit=5`);
    const body = (await res.json()) as { items?: unknown[] };
    return (body.items?.length ?? 0) > 0 ? body.items : undefined;
  }, 20_000);
  assert.ok(releases.length > 0);
  assert.equal(statSync(ledger).ino, inode);

  // SIGKILL leaves the lock behind; the next demo finds its PID gone and takes over.
  first.child.kill('SIGKILL');
  await first.exited;
  assert.ok(existsSync(`${ledger}.lock`), 'a killed demo cannot remove its lock');
  const third = run(process.execPath, demoArgs, dir);
  t.after(() => third.child.kill('SIGKILL'));
  await eventually('the third demo’s dashboard line', () => /^dashboard: (\S+)$/m.exec(third.out())?.[1], 30_000);
  assert.equal((JSON.parse(readFileSync(`${ledger}.lock`, 'utf8')) as { pid: number }).pid, third.child.pid);
  third.child.kill('SIGTERM');
  assert.deepEqual(await third.exited, { code: 0, signal: null });
  assert.equal(existsSync(`${ledger}.lock`), false, 'a demo stopped cleanly removes its lock');
});

test('npm run passes SIGTERM on to rollscope: no process is left behind', async (t) => {
  const npm = (() => {
    try {
      return execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  })();
  if (npm === '') {
    // npm runs every test here, so it is on PATH in CI; a bare `node --test` without it skips, except where services are required.
    if (servicesRequired()) throw new Error('npm is not on PATH');
    t.skip('npm is not on PATH');
    return;
  }
  const dir = tempDir(t);
  const kubeconfig = join(dir, 'sim.kubeconfig');
  // The `rollscope` script has the same shape as `start` (exec node src/cli/main.ts …), without the web build.
  const proc = run(npm, ['--prefix', root, 'run', '-s', 'rollscope', '--', 'sim', '--listen', '127.0.0.1:0', '--kubeconfig-out', kubeconfig, '--insecure-http'], dir);
  t.after(() => proc.child.kill('SIGKILL'));
  const url = await eventually('the simulator URL', () => /^(http:\/\/\S+)$/m.exec(proc.out())?.[1], 30_000);
  const children = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(proc.child.pid)], { encoding: 'utf8' }).trim();
  assert.match(children, /node .*src\/cli\/main\.ts sim/, 'node runs directly under npm (no shell in between)');
  const nodePid = Number(children.split(/\s+/)[0]);
  proc.child.kill('SIGTERM');
  await proc.exited;
  await eventually('the simulator process gone', () => {
    try {
      process.kill(nodePid, 0);
      return undefined;
    } catch {
      return true;
    }
  }, 10_000);
  await assert.rejects(fetch(`${url}/version`, { signal: AbortSignal.timeout(2000) }), 'nothing listens any more');
});
