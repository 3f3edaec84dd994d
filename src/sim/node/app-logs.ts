import type { Instant } from '../../lib/clock.ts';
import { rfc3339Millis } from '../../lib/timestamps.ts';
import { record, records, text } from '../core/fields.ts';
import type { Fields } from '../core/fields.ts';

/**
 * What a simulated container writes to its log (pure): logfmt lines as many Go and Node services
 * print them. The lines tell the story the image's behaviour plays out, so a diagnosis that quotes
 * the last lines of a crashed container has something real to show:
 * - start-up: the app, its version (the image tag) and the port it listens on;
 * - `ready` once readiness passes; a never-ready image complains about its dependency instead;
 * - `crash` (exit 1): configuration loaded, a database connection refused, a fatal exit — quoting
 *   the container's literal `DATABASE_URL` env value if it has one (credentials included, as real
 *   apps leak them: readers must redact);
 * - `oom`: the allocations that grow the heap up to the memory limit before the kernel kills it
 *   (no last words: SIGKILL);
 * - `complete` (a Job's run to completion): the work done, exit 0;
 * - `stop`: SIGTERM handling on deletion.
 */

/** AppMoment is a point of a container's life at which it writes lines. */
export type AppMoment = 'start' | 'ready' | 'unready' | 'crash' | 'oom' | 'complete' | 'stop';

/** AppInfo is what the lines quote from the container. */
export interface AppInfo {
  readonly name: string;
  readonly image: string;
  /** The container's spec (ports, env, resources). */
  readonly spec: Fields;
  /** A batch container (its pod does not restart Always): it works and exits instead of serving. */
  readonly batch: boolean;
}

function tagOf(image: string): string {
  const slash = image.lastIndexOf('/');
  const colon = image.indexOf(':', slash + 1);
  return colon < 0 ? 'latest' : image.slice(colon + 1).replace(/@.*$/, '');
}

function portOf(spec: Fields): number {
  const port = records(spec.ports)[0]?.containerPort;
  return typeof port === 'number' ? port : 8080;
}

function envValue(spec: Fields, name: string): string | undefined {
  return text(records(spec.env).find((e) => e.name === name)?.value);
}

function memoryLimit(spec: Fields): string {
  const memory = record(record(spec.resources).limits).memory;
  return typeof memory === 'string' || typeof memory === 'number' ? String(memory) : 'none';
}

const quote = (s: string): string => (/[\s"=]/.test(s) ? JSON.stringify(s) : s);

/** appLogLines returns the lines a container writes at `moment`, each prefixed with its time and level (logfmt). */
export function appLogLines(moment: AppMoment, app: AppInfo, at: Instant): string[] {
  const ts = rfc3339Millis(at);
  const line = (level: string, msg: string, fields: Record<string, string | number> = {}): string =>
    [`ts=${ts}`, `level=${level}`, `msg=${quote(msg)}`, ...Object.entries(fields).map(([k, v]) => `${k}=${quote(String(v))}`)].join(' ');
  const version = tagOf(app.image);
  switch (moment) {
    case 'start': {
      const started = [line('info', 'starting', { app: app.name, version }), line('info', 'configuration loaded', { source: '/etc/app/config.yaml' })];
      return app.batch ? started : [...started, line('info', 'listening', { addr: `:${portOf(app.spec)}` })];
    }
    case 'ready':
      return app.batch ? [] : [line('info', 'ready to serve requests')];
    case 'unready':
      return [line('warn', 'readiness check failing', { check: 'dependencies', err: 'upstream not reachable' })];
    case 'crash': {
      const url = envValue(app.spec, 'DATABASE_URL') ?? 'postgres://app@db:5432/app';
      return [
        line('info', 'connecting to database', { url }),
        line('error', 'database connection failed', { err: 'dial tcp 10.96.0.15:5432: connect: connection refused', attempt: 3 }),
        line('fatal', 'cannot start without a database, exiting', { code: 1 }),
      ];
    }
    case 'oom': {
      const limit = memoryLimit(app.spec);
      return [
        line('info', 'warming cache', { entries: 250000 }),
        line('info', 'allocated cache buffer', { size: '256Mi', heap: '310Mi', limit }),
        line('warn', 'heap close to memory limit', { heap: '498Mi', limit }),
      ];
    }
    case 'complete':
      return [line('info', 'processing work items', { total: 100 }), line('info', 'all work items processed, exiting', { processed: 100, failed: 0 })];
    case 'stop':
      return [line('info', 'received SIGTERM, shutting down gracefully'), line('info', 'shutdown complete')];
  }
}
