// Starts the real `rollscope demo` (simulated cluster + demo scenario + tracker + dashboard) as a
// child process for the browser tests, and drives its simulated cluster with the real kubectl.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { TrackerError } from '../../src/lib/errors.ts';

const run = promisify(execFile);

/** RunningDemo is a started demo process: where its dashboard is, how to reach its cluster, its tokens. */
export interface RunningDemo {
  /** Dashboard and API base URL, without a trailing slash. */
  readonly url: string;
  readonly kubeconfig: string;
  readonly operatorToken: string;
  /** A token with the viewer role, if the demo prints one (`viewer token: …`). */
  readonly viewerToken: string | undefined;
  /** kubectl runs the real kubectl against the demo's simulated cluster and resolves with stdout. */
  kubectl(...args: string[]): Promise<string>;
  /** stop sends SIGTERM, waits for the process to exit (SIGKILL after 10 s) and removes its files. */
  stop(): Promise<void>;
}

/** DemoBanner is what `rollscope demo` tells its user: the dashboard URL (stdout) and the tokens (stderr). */
export interface DemoBanner {
  readonly url: string;
  readonly operatorToken: string;
  readonly viewerToken: string | undefined;
}

/**
 * parseDemoBanner reads `rollscope demo`'s output: the line `dashboard: URL` on stdout and
 * `operator token: T` (and, if present, `viewer token: T`) on stderr. Undefined until both the
 * URL and the operator token have been printed.
 */
export function parseDemoBanner(stdout: string, stderr: string): DemoBanner | undefined {
  const url = /^dashboard: (http:\/\/\S+?)\/?$/m.exec(stdout)?.[1];
  const operatorToken = /operator token:\s+(\S+)/.exec(stderr)?.[1];
  const viewerToken = /viewer token:\s+(\S+)/.exec(stderr)?.[1];
  return url && operatorToken ? { url, operatorToken, viewerToken } : undefined;
}

const NODE = process.execPath;
const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** waitForExit resolves when `child` has exited, or after `ms` (false then). */
function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((done) => {
    const timer = setTimeout(() => done(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      done(true);
    });
  });
}

/**
 * launchDemo spawns `rollscope demo` at `speed`× simulated time, on any free port, in a fresh
 * directory (its ledger and kubeconfig live there), and resolves once it has printed its dashboard
 * URL (within `startTimeoutMs`). The process is killed when the test process exits, whatever happens.
 */
export async function launchDemo(options: { readonly speed: number; readonly startTimeoutMs?: number }): Promise<RunningDemo> {
  const dir = mkdtempSync(join(tmpdir(), 'rollscope-browser-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const args = [CLI, 'demo', '--listen', '127.0.0.1:0', '--kubeconfig-out', kubeconfig, '--speed', String(options.speed)];
  const child = spawn(NODE, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stdout = '';
  let stderr = '';
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const banner = await new Promise<DemoBanner>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TrackerError('INTERNAL', `rollscope demo did not print its dashboard URL within ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`, { hint: `run node ${args.join(' ')} by hand to see why` })), timeoutMs);
    const check = (): void => {
      const parsed = parseDemoBanner(stdout, stderr);
      if (!parsed) return;
      clearTimeout(timer);
      resolve(parsed);
    };
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      check();
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-20_000);
      check();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new TrackerError('INTERNAL', `rollscope demo exited (code ${code}) before it listened; stderr: ${stderr.slice(-2000)}`, { hint: `run node ${args.join(' ')} by hand to see why` }));
    });
  }).catch(async (e: unknown) => {
    child.kill('SIGKILL');
    await waitForExit(child, 5000);
    process.off('exit', killOnExit);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  return {
    ...banner,
    kubeconfig,
    async kubectl(...kubectlArgs) {
      const r = await run('kubectl', ['--kubeconfig', kubeconfig, ...kubectlArgs], { encoding: 'utf8', timeout: 20_000 });
      return r.stdout;
    },
    async stop() {
      child.kill('SIGTERM');
      if (!(await waitForExit(child, 10_000))) {
        child.kill('SIGKILL');
        await waitForExit(child, 5000);
      }
      process.off('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
