import { closeSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { TrackerError } from '../lib/errors.ts';

/**
 * One demo per directory: `rollscope demo` recreates its ledger and rewrites its kubeconfig, so a
 * second demo started beside a running one would delete a ledger the first still writes to. The
 * demo therefore holds a lock file (created exclusively, `O_EXCL`) naming its PID and what it uses;
 * a second demo finds it and refuses, naming the first one's PID, dashboard, ledger and kubeconfig.
 * A lock whose PID no longer runs (a demo killed with SIGKILL) is stale and taken over.
 */

/** DemoLockInfo is what a running demo records in its lock. */
export interface DemoLockInfo {
  readonly pid: number;
  readonly ledger: string;
  readonly kubeconfig: string;
  readonly dashboardUrl?: string;
  readonly simUrl?: string;
}

/** DemoLock is a held lock: `update` records the URLs once known, `release` removes it (only if still ours). */
export interface DemoLock {
  update(info: Partial<DemoLockInfo>): void;
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(path: string): DemoLockInfo | undefined {
  try {
    const raw = JSON.parse(readFileSync(path, 'utf8')) as Partial<DemoLockInfo>;
    return typeof raw.pid === 'number' ? (raw as DemoLockInfo) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * acquireDemoLock takes the lock at `path` for this process, or throws CONFLICT (exit 5) naming the
 * demo that holds it. A stale lock (dead PID, or unreadable) is replaced.
 */
export function acquireDemoLock(path: string, info: Omit<DemoLockInfo, 'pid'>): DemoLock {
  let current: DemoLockInfo = { pid: process.pid, ...info };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify(current));
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw e;
      const holder = readLock(path);
      if (holder && holder.pid !== process.pid && alive(holder.pid)) {
        const uses = [holder.dashboardUrl ? `dashboard ${holder.dashboardUrl}` : undefined, `ledger ${holder.ledger}`, `kubeconfig ${holder.kubeconfig}`, holder.simUrl ? `simulated cluster ${holder.simUrl}` : undefined].filter(Boolean).join(', ');
        throw new TrackerError('CONFLICT', `another rollscope demo is running here (PID ${holder.pid}): ${uses}`, {
          subject: `demo lock ${path}`,
          hint: `use that demo, stop it first (kill ${holder.pid}), or start this one from another directory (its ledger and kubeconfig live under ./.rollscope)`,
        });
      }
      rmSync(path, { force: true }); // stale: its demo is gone
    }
  }
  return {
    update(more) {
      current = { ...current, ...more };
      if (readLock(path)?.pid === process.pid) writeFileSync(path, JSON.stringify(current), { mode: 0o600 });
    },
    release() {
      if (readLock(path)?.pid === process.pid) rmSync(path, { force: true });
    },
  };
}
