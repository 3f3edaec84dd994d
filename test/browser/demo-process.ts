// Starts a running demo (simulated cluster + demo scenario + tracker + dashboard) as a child
// process for the browser tests, and drives its simulated cluster with the real kubectl.
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
  readonly url: string;
  readonly kubeconfig: string;
  readonly operatorToken: string;
  readonly viewerToken: string;
  /** kubectl runs the real kubectl against the demo's simulated cluster and resolves with stdout. */
  kubectl(...args: string[]): Promise<string>;
  /** stop sends SIGTERM, waits for the process to exit (SIGKILL after 10 s) and removes its files. */
  stop(): Promise<void>;
}

/** DemoInfo is the JSON line the demo stand-in prints once it listens. */
interface DemoInfo {
  readonly url: string;
  readonly kubeconfig: string;
  readonly operatorToken: string;
  readonly viewerToken: string;
}

function parseDemoInfo(line: string): DemoInfo | undefined {
  try {
    const v: unknown = JSON.parse(line);
    if (typeof v !== 'object' || v === null) return undefined;
    const o = v as Record<string, unknown>;
    const s = (k: string): string | undefined => (typeof o[k] === 'string' ? o[k] : undefined);
    const url = s('url'), kubeconfig = s('kubeconfig'), operatorToken = s('operatorToken'), viewerToken = s('viewerToken');
    return url && kubeconfig && operatorToken && viewerToken ? { url, kubeconfig, operatorToken, viewerToken } : undefined;
  } catch {
    return undefined;
  }
}

const NODE = process.execPath;
const STAND_IN = fileURLToPath(new URL('./demo-stand-in.ts', import.meta.url));

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
 * launchDemo spawns the demo at `speed`× simulated time and resolves once its dashboard listens
 * (within `startTimeoutMs`). The process is killed when the test process exits, whatever happens.
 */
export async function launchDemo(options: { readonly speed: number; readonly startTimeoutMs?: number }): Promise<RunningDemo> {
  const dir = mkdtempSync(join(tmpdir(), 'rollscope-browser-'));
  const child = spawn(NODE, [STAND_IN, '--speed', String(options.speed), '--dir', dir], { stdio: ['pipe', 'pipe', 'pipe'] });
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  const info = await new Promise<DemoInfo>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new TrackerError('INTERNAL', `demo did not print its dashboard URL within ${options.startTimeoutMs ?? 30_000} ms; stderr: ${stderr}`, { hint: 'run node test/browser/demo-stand-in.ts by hand to see why' })), options.startTimeoutMs ?? 30_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      for (const line of out.split('\n')) {
        const parsed = parseDemoInfo(line);
        if (parsed) {
          clearTimeout(timer);
          resolve(parsed);
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new TrackerError('INTERNAL', `demo exited (code ${code}) before it listened; stderr: ${stderr}`, { hint: 'run node test/browser/demo-stand-in.ts by hand to see why' }));
    });
  }).catch(async (e: unknown) => {
    child.kill('SIGKILL');
    await waitForExit(child, 5000);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  return {
    ...info,
    async kubectl(...args) {
      const r = await run('kubectl', ['--kubeconfig', info.kubeconfig, ...args], { encoding: 'utf8', timeout: 20_000 });
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
