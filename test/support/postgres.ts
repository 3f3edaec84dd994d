// Starts a real, throw-away PostgreSQL 15 server for tests: initdb + pg_ctl in a temp dir, on a free
// loopback port, fsync off. As root (CI) the server runs as the `postgres` user via runuser, because
// PostgreSQL refuses to run as root; the temp dir is chowned to that user.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable, servicesRequired } from './services.ts';

/** POSTGRES_BIN_DIRS are where the tests look for initdb and pg_ctl. */
export const POSTGRES_BIN_DIRS = ['/usr/lib/postgresql/15/bin', '/usr/local/bin', '/usr/bin'] as const;

/** PostgresServer is a running test server: a superuser URL (trust auth) and stop(). */
export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  readonly url: string;
  readonly port: number;
  /** stop shuts the server down (fast mode) and deletes its directory. Idempotent. */
  stop(): Promise<void>;
}

/** PostgresUnavailable says why no server could be started (the test skips with it). */
export interface PostgresUnavailable {
  readonly skip: string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function postgresIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** PostgresOptions configures startPostgres. */
export interface PostgresOptions {
  /**
   * A directory that outlives the server (benchmarks' fill cache): its cluster is created on first
   * use and reused after, stop() shuts the server down but keeps the directory, and a server a
   * killed run left running there is stopped first. If unset, a temporary directory deleted by stop().
   */
  readonly keepDir?: string;
}

/**
 * startPostgres starts a fresh server, or returns why it cannot (binaries missing, no `postgres`
 * user when running as root). Under ROLLSCOPE_REQUIRE_SERVICES=1 those reasons throw instead.
 * A process 'exit' hook stops the server if the test forgets to.
 */
export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresServer | PostgresUnavailable> {
  const unavailable = (reason: string): PostgresUnavailable => {
    if (servicesRequired()) throw new Error(reason);
    return { skip: reason };
  };
  const initdb = findExecutable(POSTGRES_BIN_DIRS.map((d) => join(d, 'initdb')));
  const pgCtl = findExecutable(POSTGRES_BIN_DIRS.map((d) => join(d, 'pg_ctl')));
  if (!initdb || !pgCtl) return unavailable(`PostgreSQL server binaries not found in ${POSTGRES_BIN_DIRS.join(', ')}; install them with: apt-get install postgresql-15`);
  const asRoot = process.getuid?.() === 0;
  const keep = options.keepDir !== undefined;
  const dir = options.keepDir ?? mkdtempSync(join(tmpdir(), 'rollscope-pg-'));
  if (keep) mkdirSync(dir, { recursive: true });
  if (asRoot) {
    try {
      const { uid, gid } = postgresIds();
      chownSync(dir, uid, gid);
    } catch {
      if (!keep) rmSync(dir, { recursive: true, force: true });
      return unavailable('running as root but there is no `postgres` user to run PostgreSQL as; create it (adduser --system postgres) or run the tests as another user');
    }
  }
  const run = (cmd: string, args: readonly string[]): void => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, [...args]];
    const res = spawnSync(file, argv, { encoding: 'utf8', timeout: 60_000 });
    if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${res.status}): ${res.stderr || res.stdout}`);
  };
  const data = join(dir, 'data');
  const port = await freePort();
  let stopped = false;
  const stopSync = (): void => {
    if (stopped) return;
    stopped = true;
    try {
      run(pgCtl, ['-D', data, '-m', 'fast', '-w', 'stop']);
    } catch {
      // not running (start failed) — nothing to stop
    }
    if (!keep) rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (keep && existsSync(join(data, 'postmaster.pid'))) {
      try {
        run(pgCtl, ['-D', data, '-m', 'fast', '-w', 'stop']); // left running by a run that was killed
      } catch {
        // a stale pid file: pg_ctl start below removes it
      }
    }
    if (!existsSync(join(data, 'PG_VERSION'))) run(initdb, ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
    const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    run(pgCtl, ['-D', data, '-l', join(dir, 'server.log'), '-o', opts, '-w', '-t', '30', 'start']);
  } catch (e) {
    stopSync();
    throw e;
  }
  process.once('exit', stopSync);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop: async () => {
      process.removeListener('exit', stopSync);
      stopSync();
    },
  };
}
