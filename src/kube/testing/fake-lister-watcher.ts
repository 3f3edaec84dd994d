// A scripted in-memory ListerWatcher for reflector tests: a tiny API server for one collection,
// with the faults the reflector must survive (410 on resume, expired continue tokens, failed
// requests with Retry-After, dropped watches, malformed objects).
import type { Clock } from '../../lib/clock.ts';
import { TrackerError } from '../../lib/errors.ts';
import type { ChangeType } from '../../model/watch-event.ts';
import { httpFailure } from '../http-errors.ts';
import type { ListerWatcher, ListOptions, ListPage, WatchItem, WatchOptions } from '../list-watch.ts';

/** WireObject is what the fake stores: a namespaced object with a resourceVersion. */
export interface WireObject {
  readonly metadata: { readonly namespace: string; readonly name: string; readonly uid: string; readonly resourceVersion: string; readonly [k: string]: unknown };
  readonly [k: string]: unknown;
}

type Change = { readonly rv: number; readonly type: ChangeType; readonly object: WireObject } | { readonly rv: number; readonly type: 'BOOKMARK' };

interface OpenWatch {
  wake: () => void;
  closed: boolean;
}

/** FakeListerWatcher serves one collection from memory. Every write gets the next resourceVersion. */
export class FakeListerWatcher implements ListerWatcher {
  readonly objects = new Map<string, WireObject>();
  readonly log: Change[] = [];
  readonly requests: { readonly verb: 'list' | 'watch'; readonly opts: ListOptions | WatchOptions }[] = [];
  #rv = 100;
  #compactedBefore = 0;
  #watches = new Set<OpenWatch>();
  #listFailures: TrackerError[] = [];
  #watchFailures: TrackerError[] = [];
  /** Continue tokens issued before this count are expired. */
  #continueEpoch = 0;
  /** Whether a served page should invalidate continue tokens right after (to force a restart). */
  expireContinueAfterFirstPage = false;

  get resourceVersion(): string {
    return String(this.#rv);
  }

  /** upsert creates or modifies an object (ADDED/MODIFIED), returning it with its new resourceVersion. */
  upsert(namespace: string, name: string, fields: Record<string, unknown> = {}, opts: { silent?: boolean } = {}): WireObject {
    const key = `${namespace}/${name}`;
    const existed = this.objects.has(key);
    const rv = ++this.#rv;
    const obj: WireObject = { ...fields, metadata: { namespace, name, uid: `uid-${name}`, resourceVersion: String(rv), ...((fields.metadata as object | undefined) ?? {}) } };
    this.objects.set(key, obj);
    if (!opts.silent) this.#append({ rv, type: existed ? 'MODIFIED' : 'ADDED', object: obj });
    return obj;
  }

  /** remove deletes an object (DELETED with its last state); silent drops the event, as if it was missed. */
  remove(namespace: string, name: string, opts: { silent?: boolean } = {}): void {
    const key = `${namespace}/${name}`;
    const last = this.objects.get(key);
    if (!last) return;
    this.objects.delete(key);
    const rv = ++this.#rv;
    if (!opts.silent) this.#append({ rv, type: 'DELETED', object: { ...last, metadata: { ...last.metadata, resourceVersion: String(rv) } } });
  }

  /** bookmark sends a BOOKMARK at a new resourceVersion (as if other collections moved the counter). */
  bookmark(): void {
    const rv = ++this.#rv;
    this.#append({ rv, type: 'BOOKMARK' });
  }

  /** compact makes every resourceVersion before the current one too old to watch from (410). */
  compact(): void {
    this.#compactedBefore = this.#rv;
    this.#continueEpoch++;
  }

  /** failNextList / failNextWatch make the next request fail with an HTTP-shaped error. */
  failNextList(status: number, body = '', retryAfter?: string): void {
    this.#listFailures.push(httpFailure({ status, body, subject: { verb: 'list', resource: 'things', namespace: '' }, retryAfter: retryAfter ?? null, now: 0 }));
  }
  failNextWatch(status: number, body = '', retryAfter?: string): void {
    this.#watchFailures.push(httpFailure({ status, body, subject: { verb: 'watch', resource: 'things', namespace: '' }, retryAfter: retryAfter ?? null, now: 0 }));
  }

  /** dropWatches ends every open watch stream, as a lost connection does. */
  dropWatches(): void {
    for (const w of this.#watches) {
      w.closed = true;
      w.wake();
    }
  }

  /** openWatches counts watch streams still open. */
  get openWatches(): number {
    return this.#watches.size;
  }

  #append(c: Change): void {
    this.log.push(c);
    for (const w of this.#watches) w.wake();
  }

  async list(opts: ListOptions, signal: AbortSignal): Promise<ListPage> {
    signal.throwIfAborted();
    this.requests.push({ verb: 'list', opts });
    const failure = this.#listFailures.shift();
    if (failure) throw failure;
    const limit = opts.limit ?? Number.MAX_SAFE_INTEGER;
    let offset = 0;
    let snapshotRv = this.#rv;
    if (opts.continue) {
      const [epoch, off, rv] = opts.continue.split(':').map(Number) as [number, number, number];
      if (epoch !== this.#continueEpoch)
        throw httpFailure({ status: 410, body: JSON.stringify({ kind: 'Status', reason: 'Expired', message: 'The provided continue parameter is too old', code: 410 }), subject: { verb: 'list', resource: 'things', namespace: '' }, now: 0 });
      offset = off;
      snapshotRv = rv;
    }
    const all = [...this.objects.values()].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    const items = all.slice(offset, offset + limit).map(({ kind: _k, apiVersion: _a, ...rest }) => rest); // list items carry no kind
    const more = offset + limit < all.length;
    const page = { items, resourceVersion: String(snapshotRv), continue: more ? `${this.#continueEpoch}:${offset + limit}:${snapshotRv}` : '' };
    if (this.expireContinueAfterFirstPage && offset === 0 && more) {
      this.expireContinueAfterFirstPage = false;
      this.#continueEpoch++;
    }
    return page;
  }

  async *watch(opts: WatchOptions, signal: AbortSignal): AsyncGenerator<WatchItem> {
    this.requests.push({ verb: 'watch', opts });
    const failure = this.#watchFailures.shift();
    if (failure) throw failure;
    const from = Number(opts.resourceVersion);
    if (from < this.#compactedBefore)
      throw new TrackerError('KUBE_WATCH_EXPIRED', `too old resource version: ${from} (${this.#compactedBefore})`, { cause: { kind: 'ApiFailure', status: 410, reason: 'Expired', retryAfterMs: undefined, continue: '' } });
    const w: OpenWatch = { wake: () => {}, closed: false };
    this.#watches.add(w);
    const onAbort = (): void => {
      w.closed = true;
      w.wake();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    let at = this.log.findIndex((c) => c.rv > from);
    if (at < 0) at = this.log.length;
    try {
      for (;;) {
        while (at < this.log.length && !w.closed) {
          const c = this.log[at++]!;
          yield c.type === 'BOOKMARK' ? { type: 'BOOKMARK', resourceVersion: String(c.rv) } : { type: c.type, object: c.object };
        }
        if (w.closed) return;
        await new Promise<void>((resolve) => (w.wake = resolve));
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.#watches.delete(w);
    }
  }
}

/** InstantClock is a Clock whose sleeps return at once (after a macrotask), recording each delay; time advances by the delay. */
export class InstantClock implements Clock {
  readonly sleeps: number[] = [];
  #now = Date.parse('2026-01-01T00:00:00Z');
  now(): number {
    return this.#now;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.sleeps.push(ms);
    this.#now += ms;
    await new Promise((r) => setImmediate(r));
    signal?.throwIfAborted();
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}
