import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { TrackerError, isTrackerError, type ErrorCode } from '../lib/errors.ts';
import type { StatsQuery, StatsReport } from './stats.ts';

/**
 * Stats read every release of a window and compute percentiles and restore times over them: at tens
 * of thousands of releases that is ~100 ms of synchronous work (better-sqlite3 reads synchronously;
 * decoding rows and computeStats are JavaScript either way). Done on the caller's thread it stalls
 * the event loop that also ingests watch events and answers the API, so the SQL ledgers run it in a
 * worker thread on its own read connection (SQLite in WAL mode: readers never block the writer).
 */

/** StatsDatabase names the ledger a stats worker opens its own read connection to. */
export type StatsDatabase =
  | { readonly kind: 'sqlite'; readonly path: string; readonly busyTimeoutMs?: number }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string; readonly connectTimeoutMs?: number };

/** StatsRunner computes stats reports somewhere other than the caller's event loop. */
export interface StatsRunner {
  run(query: StatsQuery): Promise<StatsReport>;
  /** close stops the runner; queries still running reject. Idempotent. */
  close(): Promise<void>;
}

/** StatsRequest and StatsReply are the messages between the store and its stats worker (stats-worker.ts). */
export interface StatsRequest {
  readonly id: number;
  readonly query: StatsQuery;
}
export type StatsReply =
  | { readonly id: number; readonly report: StatsReport }
  | { readonly id: number; readonly error: { readonly code: ErrorCode | null; readonly message: string; readonly subject?: string; readonly hint?: string } };

/** workerFile is the worker's entry: beside this module in the sources (.ts) and in the bundle (.js, scripts/build.ts). */
function workerFile(): string {
  const ts = join(import.meta.dirname, 'stats-worker.ts');
  return existsSync(ts) ? ts : join(import.meta.dirname, 'stats-worker.js');
}

/** toReplyError flattens an error for postMessage (TrackerError keeps its code, subject and hint). */
export function toReplyError(e: unknown): Extract<StatsReply, { error: unknown }>['error'] {
  if (isTrackerError(e))
    return { code: e.code, message: e.message, ...(e.details.subject === undefined ? {} : { subject: e.details.subject }), ...(e.details.hint === undefined ? {} : { hint: e.details.hint }) };
  return { code: null, message: e instanceof Error ? e.message : String(e) };
}

function fromReplyError(e: Extract<StatsReply, { error: unknown }>['error']): Error {
  if (e.code === null) return new Error(e.message);
  return new TrackerError(e.code, e.message, { ...(e.subject === undefined ? {} : { subject: e.subject }), ...(e.hint === undefined ? {} : { hint: e.hint }) });
}

/**
 * statsWorker returns a runner that computes stats in one worker thread, started on the first query
 * (commands that never ask for stats never start it) and restarted after it dies. Queries queue in
 * the worker. The worker keeps the process alive only while a query is outstanding.
 */
export function statsWorker(db: StatsDatabase, subject: string): StatsRunner {
  let worker: Worker | null = null;
  let closed = false;
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: StatsReport) => void; reject: (e: unknown) => void }>();

  const failAll = (e: unknown): void => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  const start = (): Worker => {
    const w = new Worker(workerFile(), { workerData: db });
    w.unref();
    w.on('message', (reply: StatsReply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      if (pending.size === 0) w.unref();
      if ('report' in reply) p.resolve(reply.report);
      else p.reject(fromReplyError(reply.error));
    });
    const died = (why: string, cause?: unknown): void => {
      if (worker === w) worker = null;
      failAll(new TrackerError('STORE_UNAVAILABLE', `the stats worker for ledger ${subject} stopped: ${why}`, { subject, hint: 'retry; if it keeps failing, check the ledger and the server log', cause }));
    };
    w.on('error', (e: Error) => died(e.message, e));
    w.on('exit', (code) => died(`exit code ${code}`));
    return w;
  };

  return {
    run(query) {
      if (closed) return Promise.reject(new TrackerError('STORE_UNAVAILABLE', `ledger ${subject} is closed`, { subject, hint: 'open the ledger again' }));
      worker ??= start();
      const w = worker;
      const id = nextId++;
      return new Promise<StatsReport>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.ref();
        w.postMessage({ id, query } satisfies StatsRequest);
      });
    },
    async close() {
      closed = true;
      const w = worker;
      worker = null;
      if (w) await w.terminate();
      failAll(new TrackerError('STORE_UNAVAILABLE', `ledger ${subject} was closed while stats were computed`, { subject, hint: 'open the ledger again and retry' }));
    },
  };
}

/**
 * sharedStats lets identical queries share one computation: a query equal to one still running
 * waits for that one, and one equal to a query answered less than `reuseMs` ago gets that answer.
 * So N dashboards polling the same report cost one computation per `reuseMs`, not N back to back;
 * the price is that a report may miss releases stored in its last `reuseMs` (1 s by default). The
 * API resolves relative times (`since=30d`) to whole seconds so that such polls are identical.
 */
export function sharedStats(inner: StatsRunner, reuseMs = 1_000, now: () => number = () => performance.now()): StatsRunner {
  const recent = new Map<string, { readonly at: number | null; readonly report: Promise<StatsReport> }>();
  const MAX_KEPT = 64;
  return {
    run(query) {
      const key = JSON.stringify([query.since, query.until, query.cluster ?? null, query.namespaces ?? [], query.groupBy ?? 'namespace']);
      const hit = recent.get(key);
      if (hit && (hit.at === null || now() - hit.at < reuseMs)) return hit.report;
      const report = inner.run(query);
      recent.set(key, { at: null, report });
      if (recent.size > MAX_KEPT) recent.delete(recent.keys().next().value ?? key);
      report.then(
        () => { if (recent.get(key)?.report === report) recent.set(key, { at: now(), report }); },
        () => { if (recent.get(key)?.report === report) recent.delete(key); },
      );
      return report;
    },
    close: () => inner.close(),
  };
}
