// Start-up of the shipped CLI against kubectl on the same machine, as whole processes.
// - `rollscope --help` and `rollscope status --file F` vs `kubectl version --client`: wall and CPU
//   seconds and peak memory per run (GNU time's accounting of the finished child), runs alternated
//   A B A B so drift hits both, medians and the median of the pair-by-pair ratios.
// - `rollscope wait deploy/web` vs `kubectl get deploy/web`: time from spawn to the first request the
//   API server receives (their first useful work), against a loopback server that answers 404.
// Runs the bundled CLI (bin/rollscope.js → dist/), building it first if dist/ is missing, since that
// is what users run; the figures for the TypeScript sources are printed too, for reference.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const RUNS = Number(process.env.STARTUP_RUNS ?? 9);
const kubectl = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
if (kubectl === undefined) {
  process.stdout.write('startup: kubectl not found, no anchor to measure against (apt-get install kubectl)\n');
  process.exit(1);
}
if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) execFileSync(process.execPath, [join(root, 'scripts', 'build.ts')], { stdio: ['ignore', 'ignore', 'inherit'] });

interface Run {
  readonly wall: number;
  readonly cpu: number;
  readonly peakMiB: number;
}

/** measure runs `argv` to completion; CPU and peak memory come from GNU time when installed. */
function measure(argv: readonly string[]): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'rollscope-startup-'));
  const out = join(dir, 'time');
  const cmd = gnuTime === undefined ? argv : [gnuTime, '-o', out, '-f', '%U %S %M', ...argv];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd[0]!, cmd.slice(1), { stdio: 'ignore', cwd: root });
    child.once('error', reject);
    child.once('exit', () => {
      const wall = (performance.now() - started) / 1000;
      let cpu = Number.NaN;
      let peakMiB = Number.NaN;
      if (gnuTime !== undefined) {
        const [user, sys, kb] = readFileSync(out, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
        cpu = user! + sys!;
        peakMiB = kb! / 1024;
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({ wall, cpu, peakMiB });
    });
  });
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function compare(name: string, a: readonly string[], b: readonly string[]): Promise<void> {
  await measure(a); // warm-up: file cache and Node's compile cache
  await measure(b);
  const as: Run[] = [];
  const bs: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    as.push(await measure(a));
    bs.push(await measure(b));
  }
  const ratio = (f: (r: Run) => number): string => median(as.map((r, i) => f(r) / f(bs[i]!))).toFixed(2);
  const m = (rs: Run[], f: (r: Run) => number): string => median(rs.map(f)).toFixed(3);
  process.stdout.write(
    `startup: ${name} wall ${m(as, (r) => r.wall)} s cpu ${m(as, (r) => r.cpu)} s peak ${median(as.map((r) => r.peakMiB)).toFixed(0)} MiB` +
      ` | anchor ${b.map((x) => x.replace(/.*\//, '')).join(' ')} wall ${m(bs, (r) => r.wall)} s cpu ${m(bs, (r) => r.cpu)} s peak ${median(bs.map((r) => r.peakMiB)).toFixed(0)} MiB` +
      ` | ratio wall ${ratio((r) => r.wall)}× cpu ${ratio((r) => r.cpu)}× (median of ${RUNS} paired runs; aim ≤ 2×)\n`,
  );
}

/** firstRequest is the time from spawning `argv` to the first request the fake API server receives. */
async function firstRequest(argv: (kubeconfig: string) => string[]): Promise<number> {
  let got: ((t: number) => void) | undefined;
  const server = createServer((req, res) => {
    got?.(performance.now());
    got = undefined;
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'not found' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const dir = mkdtempSync(join(tmpdir(), 'rollscope-startup-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters: [{name: b, cluster: {server: 'http://127.0.0.1:${port}'}}]\nusers: [{name: b, user: {token: t}}]\ncontexts: [{name: b, context: {cluster: b, user: b, namespace: shop}}]\ncurrent-context: b\n`,
  );
  const first = new Promise<number>((r) => (got = r));
  const started = performance.now();
  const cmd = argv(kubeconfig);
  const child = spawn(cmd[0]!, cmd.slice(1), { stdio: 'ignore', cwd: root });
  const at = await Promise.race([first, new Promise<number>((r) => setTimeout(() => r(Number.NaN), 10_000))]);
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
  return (at - started) / 1000;
}

async function compareFirstRequest(name: string, a: (k: string) => string[], b: (k: string) => string[]): Promise<void> {
  await firstRequest(a);
  await firstRequest(b);
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    as.push(await firstRequest(a));
    bs.push(await firstRequest(b));
  }
  process.stdout.write(
    `startup: ${name} first request after ${median(as).toFixed(3)} s | anchor kubectl get deployment ${median(bs).toFixed(3)} s | ratio ${median(as.map((x, i) => x / bs[i]!)).toFixed(2)}× (median of ${RUNS} paired runs; aim ≤ 2×)\n`,
  );
}

const node = process.execPath;
const bin = join(root, 'bin', 'rollscope.js');
const src = join(root, 'src', 'cli', 'main.ts');
const fixture = join(root, 'test', 'fixtures', 'objects', 'deployment', 'web.yaml');
const anchor = [kubectl, 'version', '--client'];

await compare('rollscope --help', [node, bin, '--help'], anchor);
await compare('rollscope status --file', [node, bin, 'status', '--file', fixture], anchor);
await compareFirstRequest('rollscope wait deployment/web', (k) => [node, bin, 'wait', 'deployment/web', '--kubeconfig', k], (k) => [kubectl, '--kubeconfig', k, 'get', 'deployment', 'web']);
await compare('(sources, for reference) rollscope status --file', [node, src, 'status', '--file', fixture], anchor);
