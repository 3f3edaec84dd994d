import { realClock, type Clock } from '../lib/clock.ts';
import { isTrackerError, TrackerError } from '../lib/errors.ts';
import { silentLogger, type Logger } from '../lib/log.ts';
import type { Result } from '../lib/result.ts';
import { INITIAL_BACKOFF, nextBackoff, type BackoffPolicy, type BackoffState, DEFAULT_BACKOFF } from './backoff.ts';
import type { Delta } from './delta.ts';
import { apiFailureOf } from './http-errors.ts';
import { keyOf, tryObjectKey, type ObjectKey } from './keys.ts';
import { Projected, type ListerWatcher, type StreamBytes, type WatchItem } from './list-watch.ts';
import { learn, restreamPays, type StreamMemory } from './stream-plan.ts';
import { isNewerResourceVersion } from './resource-version.ts';
import type { Store } from './store.ts';

/** Keyed is what the reflector needs of a record: where it lives and its version. */
export interface Keyed {
  readonly namespace: string;
  readonly name: string;
  readonly resourceVersion: string;
}

/** ProjectFn turns one untrusted wire object into a record, or an error naming the object and the field. Never throws. */
export type ProjectFn<T> = (obj: unknown) => Result<T, string>;

/** ReflectorOptions configures a Reflector. */
export interface ReflectorOptions<T extends Keyed> {
  /** Projection applied to every object on arrival; the wire object is dropped right after. */
  readonly project: ProjectFn<T>;
  /**
   * Where deltas go, one at a time, in the order the watch and relists produce them; the consumer
   * applies each synchronously, so `known` reflects it when `deliver` returns.
   */
  readonly deliver: (key: ObjectKey, delta: Delta<T>) => void;
  /** The state the consumer has applied; read on relist to find objects that vanished. */
  readonly known: Store<T>;
  /** Kind and scope for log lines, e.g. `Deployment in shop`. */
  readonly description: string;
  /** If unset, a silent logger. */
  readonly logger?: Logger;
  /** Clock for backoff and for detecting very short watches. If unset, the real clock. */
  readonly clock?: Clock;
  /** Source of jitter in [0, 1). If unset, Math.random. */
  readonly random?: () => number;
  /** Lower bound of the server-side watch timeout, randomised over [min, 2·min). If unset, 300 s (client-go). */
  readonly minWatchTimeoutSeconds?: number;
  /** LIST page size. If unset, 500 (client-go's pager default). */
  readonly pageSize?: number;
  /** Retry delays. If unset, DEFAULT_BACKOFF (client-go's reflector policy). */
  readonly backoff?: BackoffPolicy;
  /**
   * Sync with streaming lists (KEP-3157 WatchList) where the server compresses them
   * (WatchListCompression, kube-apiserver 1.37+): see Reflector. If unset, false: LIST, then WATCH.
   */
  readonly streamingList?: boolean;
  /**
   * Lower bound of a streaming list's server-side timeout, randomised over [min, 2·min). If unset,
   * 3600 s: a compressed stream is worth keeping (each new one sends every object again), and a dead
   * connection is caught by the bookmark watchdog in minutes (http-list-watch.ts BOOKMARK_SILENCE_MS).
   */
  readonly minStreamTimeoutSeconds?: number;
}

/**
 * ReflectorTuning is the part of ReflectorOptions that code building reflectors (an Informer, the
 * cluster informers) takes from its own caller and passes through unchanged; each defaults as documented there.
 */
export type ReflectorTuning = Pick<ReflectorOptions<Keyed>, 'logger' | 'clock' | 'random' | 'minWatchTimeoutSeconds' | 'pageSize' | 'backoff' | 'streamingList' | 'minStreamTimeoutSeconds'>;

/** ReflectorStats counts what a reflector did, for metrics and tests. */
export interface ReflectorStats {
  readonly events: number;
  readonly bookmarks: number;
  readonly lists: number;
  readonly watches: number;
  readonly malformed: number;
  readonly errors: number;
  /** Watches re-opened, by why the previous list/watch ended: timeout (clean end), expired (410), error (any other failure). */
  readonly restarts: Readonly<Record<WatchRestartReason, number>>;
  /** LISTs (or streaming lists) after the first one: after 410 Expired, or a streaming list chosen again by stream-plan.ts. */
  readonly relists: number;
  /** Clock time of the last list, event or bookmark; null before the first list. */
  readonly lastEventAt: number | null;
  /** Clock time since which list/watch has failed without a watch opening again; null while up. */
  readonly downSince: number | null;
  /** The last failure's message (kept after recovery, for /readyz); null before any. */
  readonly lastError: string | null;
}

/** EndedStream is a watch stream that ended cleanly: what kind, the bytes it carried (if the lister-watcher tells), how long it lasted, and when its streaming list completed. */
interface EndedStream {
  readonly streamingList: boolean;
  readonly bytes: StreamBytes | undefined;
  readonly durationMs: number;
  readonly listedAt: number;
}

/** WatchRestartReason is why a reflector opened a new watch. */
export type WatchRestartReason = 'timeout' | 'expired' | 'error';

/** DEFAULT_MIN_STREAM_TIMEOUT_S is a streaming list's shortest server-side timeout (ReflectorOptions.minStreamTimeoutSeconds). */
export const DEFAULT_MIN_STREAM_TIMEOUT_S = 3600;

/** VERY_SHORT_WATCH_MS: a watch that ends this quickly without an event is an error, as in client-go (it would otherwise re-watch in a hot loop). */
const VERY_SHORT_WATCH_MS = 1000;

/** MAX_CONTINUE_RESTARTS bounds how often one LIST restarts after its continue token expired before it counts as a failure. */
const MAX_CONTINUE_RESTARTS = 3;

const isExpired = (e: unknown): boolean => isTrackerError(e) && e.code === 'KUBE_WATCH_EXPIRED';

/**
 * Reflector keeps a queue of deltas in step with one collection (client-go `reflector.go`):
 * paginated LIST, then WATCH from the list's resourceVersion with bookmarks and a randomised
 * timeout; a clean end re-watches from the last seen resourceVersion without relisting; 410
 * Expired relists and reconciles against `known`, queueing DeletedFinalStateUnknown deletions
 * for objects that vanished; other failures back off exponentially with jitter, never sooner than
 * the server's Retry-After. Objects are projected on arrival; a malformed object is skipped with
 * a warning naming it, and the reflector carries on.
 *
 * With `streamingList`, the list is a streaming list instead (KEP-3157 WatchList, as client-go's
 * reflector with WatchListClient): one watch with `sendInitialEvents=true` sends every object as
 * ADDED, a BOOKMARK marks the end of them — then they are reconciled against `known` exactly as a
 * LIST's items — and the same stream goes on with the changes. A 1.37+ server compresses such a
 * stream for its whole life (WatchListCompression), and a watch resumed from a resourceVersion not
 * at all, so a streaming list asks for a long life (minStreamTimeoutSeconds, 1–2 h) and, when it ends,
 * stream-plan.ts decides from the bytes measured whether the next stream is a new streaming list or
 * a resume. Where the server does not compress the stream a LIST is the cheaper sync, gzipped
 * above 128 KiB: servers older than 1.37 are told apart by their version before the start
 * (cluster-informers.ts, useListAndWatch); where a stream still arrives uncompressed (the gate
 * off, compression disabled, a proxy) the reflector hangs up at the first event and lists, from
 * then on (one request per informer spent to learn it). A server that refuses the parameters (400/422: WatchList off) or
 * ignores them (a BOOKMARK without the end mark first) gets LIST and WATCH too, from then on.
 */
export class Reflector<T extends Keyed> {
  readonly #lw: ListerWatcher;
  readonly #o: ReflectorOptions<T>;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #log: Logger;
  #rv = '';
  #synced = false;
  #backoff: BackoffState = INITIAL_BACKOFF;
  #stats = { events: 0, bookmarks: 0, lists: 0, watches: 0, malformed: 0, errors: 0, relists: 0 };
  readonly #restarts: Record<WatchRestartReason, number> = { timeout: 0, expired: 0, error: 0 };
  #lastEventAt: number | null = null;
  #downSince: number | null = null;
  #lastError: string | null = null;
  /** Whether syncs are streaming lists: until the server shows it does not compress or support them. */
  #streaming: boolean;
  #streamMemory: StreamMemory | undefined;

  constructor(lw: ListerWatcher, options: ReflectorOptions<T>) {
    this.#lw = lw;
    this.#o = options;
    this.#clock = options.clock ?? realClock;
    this.#random = options.random ?? Math.random;
    this.#log = options.logger ?? silentLogger;
    this.#streaming = options.streamingList === true;
  }

  /** resourceVersion is the last resourceVersion seen (list, event or bookmark): the watch cursor. '' before the first list. */
  get resourceVersion(): string {
    return this.#rv;
  }

  /** useListAndWatch makes every sync a LIST and WATCH (call before run, e.g. for a server known not to compress streaming lists). */
  useListAndWatch(): void {
    this.#streaming = false;
  }

  /** hasSynced tells whether the first LIST has been queued in full. */
  hasSynced(): boolean {
    return this.#synced;
  }

  /** stats returns a snapshot of the counters. */
  stats(): ReflectorStats {
    return { ...this.#stats, restarts: { ...this.#restarts }, lastEventAt: this.#lastEventAt, downSince: this.#downSince, lastError: this.#lastError };
  }

  /** #up records that the server answered (a list, an opened watch, an event). */
  #up(): void {
    this.#downSince = null;
  }

  /** run lists, then watches, until `signal` aborts; on 410 Expired it relists. Resolves when stopped; never rejects. */
  async run(signal: AbortSignal): Promise<void> {
    let needList = true;
    let listedAt = -Infinity;
    while (!signal.aborted) {
      try {
        if (needList && this.#streaming) {
          const listsBefore = this.#stats.lists;
          let ended: EndedStream | undefined;
          try {
            ended = await this.#streamOnce(signal);
          } finally {
            if (this.#stats.lists > listsBefore) needList = false; // synced: a failure from here on resumes, as a watch's would
          }
          if (ended === undefined) continue; // stopped, or the server does not stream compressed: LIST from now on
          listedAt = ended.listedAt;
          this.#restarts.timeout++;
          needList = this.#restream(ended);
          continue;
        }
        if (needList) {
          await this.#listAll(signal);
          needList = false;
          listedAt = this.#clock.now();
        }
        const ended = await this.#watchOnce(signal);
        this.#restarts.timeout++;
        if (this.#streaming && ended !== undefined) needList = this.#restream(ended);
      } catch (e) {
        if (signal.aborted) break;
        this.#stats.errors++;
        this.#lastError = e instanceof Error ? e.message : String(e);
        this.#restarts[isExpired(e) ? 'expired' : 'error']++;
        if (!isExpired(e)) this.#downSince ??= this.#clock.now();
        if (isExpired(e)) {
          needList = true;
          this.#log.info('watch expired; relisting', { resource: this.#o.description, resourceVersion: this.#rv, reason: String((e as Error).message) });
          // Relist at once, unless the last list is under a second old: a server that expires every
          // fresh list's resourceVersion would otherwise be hammered with LISTs, so back off then.
          if (this.#clock.now() - listedAt >= VERY_SHORT_WATCH_MS) continue;
        }
        if (!(await this.#sleepAfterFailure(e, signal))) break;
      }
    }
  }

  async #sleepAfterFailure(e: unknown, signal: AbortSignal): Promise<boolean> {
    const retryAfterMs = apiFailureOf(e)?.retryAfterMs;
    const step = nextBackoff(this.#backoff, { now: this.#clock.now(), random: this.#random(), ...(retryAfterMs === undefined ? {} : { retryAfterMs }) }, this.#o.backoff ?? DEFAULT_BACKOFF);
    this.#backoff = step.state;
    const te = isTrackerError(e) ? e : undefined;
    this.#log.warn('list/watch failed; retrying', {
      resource: this.#o.description,
      code: te?.code ?? 'INTERNAL',
      error: e instanceof Error ? e.message : String(e),
      hint: te?.details.hint,
      retryInMs: step.delayMs,
    });
    try {
      await this.#clock.sleep(step.delayMs, signal);
      return true;
    } catch {
      return false;
    }
  }

  async #listAll(signal: AbortSignal): Promise<void> {
    const fresh = new Map<ObjectKey, T>();
    const unreadable = new Set<ObjectKey>(); // listed but malformed: keep what we held, as a MODIFIED to garbage would
    let cont = '';
    let restarts = 0;
    let rv = '';
    for (;;) {
      let page;
      try {
        page = await this.#lw.list({ limit: this.#o.pageSize ?? 500, ...(cont === '' ? {} : { continue: cont }) }, signal);
      } catch (e) {
        if (!isExpired(e) || cont === '' || restarts >= MAX_CONTINUE_RESTARTS) throw e;
        restarts++;
        this.#log.info('list continue token expired; restarting the list', { resource: this.#o.description });
        fresh.clear();
        unreadable.clear();
        cont = '';
        continue;
      }
      for (const item of page.items) this.#collect(fresh, unreadable, item, 'list');
      if (rv === '') rv = page.resourceVersion;
      if (page.continue === '') break;
      cont = page.continue;
    }
    if (this.#stats.lists > 0) this.#stats.relists++;
    this.#stats.lists++;
    this.#lastEventAt = this.#clock.now();
    this.#up();
    this.#replace(fresh, unreadable);
    this.#rv = rv;
    this.#synced = true;
  }

  /**
   * #collect adds one listed object to a list being gathered (a LIST's pages, a streaming list's
   * initial events) before #replace: its record into `fresh` (out of it when `deleted`), or, if it
   * does not project, its key into `unreadable` with a warning naming it.
   */
  #collect(fresh: Map<ObjectKey, T>, unreadable: Set<ObjectKey>, obj: unknown, during: string, deleted = false): void {
    const r = this.#project(obj);
    if (r.ok) {
      const key = keyOf(r.value.namespace, r.value.name);
      if (deleted) fresh.delete(key);
      else fresh.set(key, r.value);
      return;
    }
    this.#malformed(r.error, during);
    const key = tryObjectKey(obj);
    if (key !== undefined) unreadable.add(key);
  }

  /**
   * #replace queues the difference between `known` and a complete fresh list: objects gone from
   * the list become DeletedFinalStateUnknown deletions (their delete events were missed); objects
   * listed but unreadable keep their last good record.
   */
  #replace(fresh: Map<ObjectKey, T>, unreadable: ReadonlySet<ObjectKey>): void {
    const { deliver, known } = this.#o;
    const gone = [...known.entries()].filter(([key]) => !fresh.has(key) && !unreadable.has(key));
    for (const [key, last] of gone) deliver(key, { type: 'DELETED', object: { kind: 'DeletedFinalStateUnknown', key, last } });
    for (const [key, rec] of fresh) {
      const old = known.get(key);
      if (old === undefined) deliver(key, { type: 'ADDED', object: rec });
      else if (old.resourceVersion !== rec.resourceVersion) deliver(key, { type: 'MODIFIED', object: rec });
    }
  }

  /** #watchOnce watches from the last resourceVersion until the stream ends; returns what it carried (undefined when stopped). */
  async #watchOnce(signal: AbortSignal): Promise<EndedStream | undefined> {
    const min = this.#o.minWatchTimeoutSeconds ?? 300;
    const timeoutSeconds = Math.floor(min * (1 + this.#random()));
    const started = this.#clock.now();
    let seen = 0;
    let bytes: StreamBytes | undefined;
    this.#stats.watches++;
    for await (const item of this.#lw.watch({ resourceVersion: this.#rv, timeoutSeconds, allowWatchBookmarks: true, onOpen: () => this.#up(), onClose: (b) => (bytes = b) }, signal)) {
      seen++;
      this.#lastEventAt = this.#clock.now();
      this.#up();
      this.#apply(item);
    }
    if (signal.aborted) return undefined;
    if (seen === 0 && this.#clock.now() - started < VERY_SHORT_WATCH_MS) throw this.#veryShort();
    return { streamingList: false, bytes, durationMs: this.#clock.now() - started, listedAt: -Infinity };
  }

  #veryShort(): TrackerError {
    return new TrackerError('KUBE_UNAVAILABLE', `very short watch of ${this.#o.description}: closed within ${VERY_SHORT_WATCH_MS} ms without an event`, {
      subject: this.#o.description,
      hint: 'the API server or a proxy in between closes watches at once; check its logs and idle timeouts',
    });
  }

  /**
   * #streamOnce syncs with a streaming list and watches on the same stream until it ends. Returns
   * what the stream carried, or undefined when the server showed it does not serve compressed
   * streaming lists (then #streaming is off and the caller lists). Throws like a watch; a stream
   * that ends before its initial events are complete is a failure (retried with backoff).
   */
  async #streamOnce(signal: AbortSignal): Promise<EndedStream | undefined> {
    const min = this.#o.minStreamTimeoutSeconds ?? DEFAULT_MIN_STREAM_TIMEOUT_S;
    const timeoutSeconds = Math.floor(min * (1 + this.#random()));
    const started = this.#clock.now();
    const fresh = new Map<ObjectKey, T>();
    const unreadable = new Set<ObjectKey>();
    let compressed = false;
    let initial = true;
    let listedAt = -Infinity;
    let bytes: StreamBytes | undefined;
    this.#stats.watches++;
    const opts = { resourceVersion: '', sendInitialEvents: true, timeoutSeconds, allowWatchBookmarks: true, onOpen: (s: { readonly compressed: boolean }) => ((compressed = s.compressed), this.#up()), onClose: (b: StreamBytes) => (bytes = b) };
    try {
      for await (const item of this.#lw.watch(opts, signal)) {
        this.#lastEventAt = this.#clock.now();
        this.#up();
        if (!initial) {
          this.#apply(item);
          continue;
        }
        if (!compressed) return this.#stopStreaming('the API server does not compress streaming lists (WatchListCompression is new in Kubernetes 1.37; compression may be disabled in the kubeconfig or by a proxy)');
        if (item.type === 'BOOKMARK') {
          if (item.initialEventsEnd !== true) return this.#stopStreaming('the API server ignored sendInitialEvents (a BOOKMARK came before the end of the initial events)');
          if (this.#stats.lists > 0) this.#stats.relists++;
          this.#stats.lists++;
          this.#replace(fresh, unreadable);
          this.#rv = item.resourceVersion;
          this.#synced = true;
          initial = false;
          listedAt = this.#clock.now();
          continue;
        }
        this.#collect(fresh, unreadable, item.object, 'streaming list', item.type === 'DELETED');
      }
    } catch (e) {
      const status = apiFailureOf(e)?.status;
      if (initial && !signal.aborted && (status === 400 || status === 422)) return this.#stopStreaming(`the API server refused a streaming list (${e instanceof Error ? e.message : String(e)})`);
      throw e;
    }
    if (signal.aborted) return undefined;
    if (initial) {
      if (!compressed) return this.#stopStreaming('the API server does not compress streaming lists');
      throw new TrackerError('KUBE_UNAVAILABLE', `streaming list of ${this.#o.description}: the stream ended before the end of its initial events`, {
        subject: this.#o.description,
        hint: 'retrying with backoff; if it repeats, check the API server logs and any proxy idle timeout',
      });
    }
    return { streamingList: true, bytes, durationMs: this.#clock.now() - started, listedAt };
  }

  #stopStreaming(why: string): undefined {
    this.#streaming = false;
    this.#log.info('syncing with LIST and WATCH', { resource: this.#o.description, reason: why });
    return undefined;
  }

  /** #restream learns from the stream that ended and tells whether the next one is a streaming list (stream-plan.ts). */
  #restream(ended: EndedStream): boolean {
    if (ended.bytes === undefined) return false;
    this.#streamMemory = learn(this.#streamMemory, ended.bytes, ended.streamingList);
    const expected = 1.5 * (this.#o.minStreamTimeoutSeconds ?? DEFAULT_MIN_STREAM_TIMEOUT_S) * 1000;
    return restreamPays(this.#streamMemory, { eventsDecoded: ended.bytes.eventsDecoded, durationMs: ended.durationMs }, expected);
  }

  #apply(item: WatchItem): void {
    if (item.type === 'BOOKMARK') {
      this.#stats.bookmarks++;
      this.#advance(item.resourceVersion);
      return;
    }
    this.#stats.events++;
    this.#advance(rawResourceVersion(item.object));
    const r = this.#project(item.object);
    if (!r.ok) {
      this.#malformed(r.error, item.type);
      if (item.type === 'DELETED') this.#deleteByRawKey(item.object);
      return;
    }
    const key = keyOf(r.value.namespace, r.value.name);
    this.#o.deliver(key, { type: item.type, object: r.value });
  }

  /** A DELETED event whose object no longer projects still removes what we hold under its key. */
  #deleteByRawKey(obj: unknown): void {
    const key = tryObjectKey(obj);
    if (key === undefined) return;
    const last = this.#o.known.get(key);
    if (last === undefined) return;
    this.#o.deliver(key, { type: 'DELETED', object: { kind: 'DeletedFinalStateUnknown', key, last } });
  }

  /**
   * #project applies the projection (an object that arrives Projected already is one). Projections never throw by contract; should one break it,
   * the object is treated as malformed rather than failing the watch, which would otherwise
   * re-deliver the same object from the same resourceVersion forever.
   */
  #project(obj: unknown): Result<T, string> {
    if (obj instanceof Projected) return { ok: true, value: obj.record as T };
    try {
      return this.#o.project(obj);
    } catch (e) {
      return { ok: false, error: `${this.#o.description}: projection threw ${e instanceof Error ? e.message : String(e)} on ${tryObjectKey(obj) ?? '<no name>'}` };
    }
  }

  #advance(rv: string): void {
    if (rv !== '' && isNewerResourceVersion(rv, this.#rv)) this.#rv = rv;
  }

  #malformed(error: string, during: string): void {
    this.#stats.malformed++;
    this.#log.warn('skipping malformed object', { resource: this.#o.description, during, error });
  }
}

function rawResourceVersion(obj: unknown): string {
  if (obj instanceof Projected) return obj.record.resourceVersion;
  if (typeof obj !== 'object' || obj === null) return '';
  const meta = (obj as { metadata?: unknown }).metadata;
  if (typeof meta !== 'object' || meta === null) return '';
  const rv = (meta as { resourceVersion?: unknown }).resourceVersion;
  return typeof rv === 'string' ? rv : '';
}
