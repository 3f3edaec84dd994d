import { realClock, type Clock } from '../lib/clock.ts';
import { TrackerError } from '../lib/errors.ts';
import type { KubeHttp } from './client.ts';
import { apiFailureOf, watchErrorFailure, type RequestSubject } from './http-errors.ts';
import { LineSplitter } from './line-splitter.ts';
import type { ListerWatcher, ListOptions, ListPage, WatchItem, WatchOptions } from './list-watch.ts';
import { INITIAL_EVENTS_END } from '../model/watch-event.ts';
import { ProtoError } from '../lib/kube-protobuf/wire.ts';
import { acceptHeader, bookmarkReading, decodeList, DROP_MANAGED_FIELDS, decodeWatchFrame, FrameSplitter, isProtobufResponse, MaskedReader, STATUS_READING, type ProtobufReading } from './protobuf-wire.ts';
import { takeNodeBody, wireBytesOf, type BodyChunks, type WireBytes } from './transport.ts';

/** STALL_GRACE_MS is how long past the requested server-side timeout a silent watch is given before it is closed as dead. */
export const STALL_GRACE_MS = 30_000;

/**
 * BOOKMARK_SILENCE_MS is how long a streaming list with bookmarks may stay silent before it is closed
 * as dead: kube-apiserver's watch cache sends every watcher that allows bookmarks one about every
 * minute (k8s.io/apiserver storage/cacher bookmarkFrequency = time.Minute), so five minutes of
 * nothing means a half-open connection — caught in minutes although the stream asked for hours.
 */
export const BOOKMARK_SILENCE_MS = 5 * 60_000;

/** HttpListerWatcherOptions names the collection an HttpListerWatcher serves. */
export interface HttpListerWatcherOptions {
  /** Collection path, e.g. `/apis/apps/v1/namespaces/shop/deployments` or `/api/v1/pods`. */
  readonly path: string;
  /** What the requests do, for errors: resource with group, namespace ('' for all). */
  readonly resource: string;
  readonly namespace: string;
  /** Clock for error timestamps (Retry-After dates). If unset, the real clock. */
  readonly clock?: Clock;
  /**
   * Read the kind as protobuf where the server offers it (it answers JSON for CRDs and when it
   * has no protobuf for the kind; both are read). If unset, JSON only.
   */
  readonly protobuf?: ProtobufReading;
  /** Told about each malformed protobuf object that is skipped (the message names it). If unset, nothing. */
  readonly onMalformed?: (message: string) => void;
  /**
   * Field selector sent with every LIST and WATCH (`involvedObject.kind!=Node`): the server sends
   * only the objects it selects, and a watch sees an object leave the selection as DELETED. If unset, none.
   */
  readonly fieldSelector?: string;
  /**
   * Label selector sent with every LIST and WATCH (`!controller-uid`): as with fieldSelector, the
   * server sends only the objects it selects and an object leaving the selection as DELETED. If unset, none.
   */
  readonly labelSelector?: string;
  /**
   * Ask the server to leave `metadata.managedFields` out of every object (DROP_MANAGED_FIELDS,
   * KEP-5958) — for kinds whose projection never reads them. Servers without the feature send
   * them anyway, and they are read as before. If unset, false.
   */
  readonly dropManagedFields?: boolean;
  /** Silence after which a streaming list with bookmarks is closed as dead. If unset, BOOKMARK_SILENCE_MS. */
  readonly bookmarkSilenceMs?: number;
  /**
   * Told once when the server (or a proxy before it) refused the Accept header with the drop
   * parameter (406 Not Acceptable) and the requests go on without it. If unset, nothing.
   */
  readonly onDropRefused?: (message: string) => void;
}

/**
 * HttpListerWatcher lists and watches one collection over HTTP (KubeHttp): LIST pages as JSON or
 * protobuf, WATCH as a streamed body of newline-delimited JSON events or length-prefixed protobuf
 * frames, split incrementally from the byte stream (each byte is scanned once; a line spanning
 * chunks is joined once), so a long watch costs O(bytes), never O(bytes²). A watch may be a
 * streaming list (WatchOptions.sendInitialEvents); its BOOKMARK carries the initial-events-end
 * mark, and onClose tells the bytes it carried, on the wire and decoded (a gzip body is
 * decompressed by the transport as it streams).
 */
export class HttpListerWatcher implements ListerWatcher {
  readonly #http: KubeHttp;
  readonly #options: HttpListerWatcherOptions;
  readonly #clock: Clock;
  readonly #reader: MaskedReader | undefined;
  readonly #statusReader = new MaskedReader(STATUS_READING);
  readonly #bookmarkReader: MaskedReader | undefined;
  #accept: string | undefined;
  /** The Accept header without DROP_MANAGED_FIELDS, used after a 406 to the one with it. */
  readonly #acceptWithoutDrop: string | undefined;

  constructor(http: KubeHttp, options: HttpListerWatcherOptions) {
    this.#http = http;
    this.#options = options;
    this.#clock = options.clock ?? realClock;
    this.#reader = options.protobuf === undefined ? undefined : new MaskedReader(options.protobuf);
    this.#bookmarkReader = options.protobuf === undefined ? undefined : new MaskedReader(bookmarkReading(options.protobuf.message));
    const wire = this.#reader === undefined ? 'json' : 'protobuf';
    this.#accept = acceptHeader(wire, options.dropManagedFields === true);
    this.#acceptWithoutDrop = acceptHeader(wire, false);
  }

  /**
   * #get sends one GET with the current Accept header. A server answers an Accept parameter it does
   * not know by ignoring it, but a strict proxy in between may answer 406 Not Acceptable: then the
   * parameter is dropped for good (onDropRefused is told) and the request sent again without it.
   */
  async #get(query: Readonly<Record<string, string>>, subject: RequestSubject, signal: AbortSignal): Promise<Response> {
    try {
      return await this.#http.get(this.#options.path, query, subject, signal, this.#accept);
    } catch (e) {
      if (this.#accept === this.#acceptWithoutDrop || apiFailureOf(e)?.status !== 406) throw e;
      this.#accept = this.#acceptWithoutDrop;
      this.#options.onDropRefused?.(`${subject.verb} ${subject.resource}: the server refused ${DROP_MANAGED_FIELDS} in Accept (${e instanceof Error ? e.message : String(e)}); asking for whole objects from now on`);
      return this.#http.get(this.#options.path, query, subject, signal, this.#accept);
    }
  }

  #subject(verb: RequestSubject['verb']): RequestSubject {
    return { verb, resource: this.#options.resource, namespace: this.#options.namespace };
  }

  /** list fetches one page. The response must be a list with `items` and `metadata.resourceVersion`. */
  async list(opts: ListOptions, signal: AbortSignal): Promise<ListPage> {
    const query: Record<string, string> = {};
    if (opts.limit !== undefined) query.limit = String(opts.limit);
    if (opts.continue !== undefined && opts.continue !== '') query.continue = opts.continue;
    if (opts.resourceVersion !== undefined) query.resourceVersion = opts.resourceVersion;
    if (this.#options.fieldSelector !== undefined) query.fieldSelector = this.#options.fieldSelector;
    if (this.#options.labelSelector !== undefined) query.labelSelector = this.#options.labelSelector;
    const subject = this.#subject('list');
    const res = await this.#get(query, subject, signal);
    if (this.#reader !== undefined && isProtobufResponse(res.headers.get('content-type'))) return this.#protobufList(res, subject, signal, this.#reader);
    let body: unknown;
    try {
      body = await res.json();
    } catch (e) {
      if (signal.aborted) throw signal.reason;
      if (e instanceof TrackerError) throw e; // a corrupt gzip body, named by the transport
      if (e instanceof SyntaxError) throw malformedList(subject, 'is not JSON');
      throw new TrackerError('KUBE_UNAVAILABLE', `list ${subject.resource}${subject.namespace ? ` in ${subject.namespace}` : ''}: the connection broke while reading the response: ${e instanceof Error ? e.message : String(e)}`, {
        subject: subject.resource,
        hint: 'retrying with backoff; if it repeats, check proxies between here and the API server',
        cause: e,
      });
    }
    return parseListPage(body, subject);
  }

  async #protobufList(res: Response, subject: RequestSubject, signal: AbortSignal, reader: MaskedReader): Promise<ListPage> {
    let bytes: Uint8Array;
    try {
      bytes = await readBody(res);
    } catch (e) {
      if (signal.aborted) throw signal.reason;
      if (e instanceof TrackerError) throw e; // a corrupt gzip body, named by the transport
      throw new TrackerError('KUBE_UNAVAILABLE', `list ${subject.resource}${subject.namespace ? ` in ${subject.namespace}` : ''}: the connection broke while reading the response: ${e instanceof Error ? e.message : String(e)}`, {
        subject: subject.resource,
        hint: 'retrying with backoff; if it repeats, check proxies between here and the API server',
        cause: e,
      });
    }
    try {
      const list = decodeList(bytes, reader, true);
      for (const why of list.skipped) this.#options.onMalformed?.(`list ${subject.resource}: skipping malformed ${why}`);
      if (list.resourceVersion === '') throw malformedList(subject, 'metadata.resourceVersion is missing');
      return { items: list.items, resourceVersion: list.resourceVersion, continue: list.continue };
    } catch (e) {
      if (e instanceof ProtoError) throw malformedList(subject, `is not a Kubernetes protobuf list (${e.message})`);
      throw e;
    }
  }

  /** watch opens a watch and yields its events; see Watcher for the contract. */
  async *watch(opts: WatchOptions, signal: AbortSignal): AsyncGenerator<WatchItem> {
    const local = new AbortController();
    const onAbort = (): void => local.abort(signal.reason);
    if (signal.aborted) return;
    signal.addEventListener('abort', onAbort, { once: true });
    const subject = this.#subject('watch');
    let stallTimer: NodeJS.Timeout | undefined;
    let chunks: BodyChunks | undefined;
    // Bytes of this stream, for onClose: decoded as read, on the wire as the transport counted them.
    let wire: WireBytes = { compressed: false, bytes: 0 };
    let decoded = 0;
    let initial: { wire: number; decoded: number } | undefined;
    const wireNow = (): number => (wire.compressed ? wire.bytes : decoded);
    try {
      const query = {
        watch: 'true',
        ...(opts.sendInitialEvents === true ? { sendInitialEvents: 'true', resourceVersionMatch: 'NotOlderThan' } : {}),
        ...(opts.resourceVersion === '' && opts.sendInitialEvents === true ? {} : { resourceVersion: opts.resourceVersion }),
        allowWatchBookmarks: String(opts.allowWatchBookmarks),
        timeoutSeconds: String(Math.floor(opts.timeoutSeconds)),
        ...(this.#options.fieldSelector === undefined ? {} : { fieldSelector: this.#options.fieldSelector }),
        ...(this.#options.labelSelector === undefined ? {} : { labelSelector: this.#options.labelSelector }),
      };
      let body: BodyChunks | undefined;
      let protobuf = false;
      try {
        const res = await this.#get(query, subject, local.signal);
        protobuf = this.#reader !== undefined && isProtobufResponse(res.headers.get('content-type'));
        wire = wireBytesOf(res) ?? wire;
        body = takeNodeBody(res) ?? webChunks(res.body);
      } catch (e) {
        if (signal.aborted) return;
        throw e;
      }
      opts.onOpen?.({ compressed: wire.compressed });
      if (body === undefined) return;
      chunks = body;
      const lines = new LineSplitter();
      const frames = new FrameSplitter();
      // Half-open connections (kubernetes.md §9: client-node informers that silently stop) are
      // caught by a real-time watchdog: the server ends every watch after timeoutSeconds, so
      // silence for longer than that plus STALL_GRACE_MS means the connection is dead — and a
      // long-lived streaming list with bookmarks is dead after BOOKMARK_SILENCE_MS of silence.
      const silenceMs = opts.sendInitialEvents === true && opts.allowWatchBookmarks ? Math.min(this.#options.bookmarkSilenceMs ?? BOOKMARK_SILENCE_MS, opts.timeoutSeconds * 1000 + STALL_GRACE_MS) : opts.timeoutSeconds * 1000 + STALL_GRACE_MS;
      stallTimer = setTimeout(() => local.abort(new Error('watch stalled')), silenceMs);
      stallTimer.unref();
      for (;;) {
        let chunk: Uint8Array | undefined;
        try {
          chunk = await chunks.read();
        } catch {
          return; // aborted, stalled, or the connection dropped between events: the watch simply ends
        }
        if (chunk === undefined) return;
        stallTimer.refresh();
        decoded += chunk.length;
        if (protobuf && this.#reader !== undefined) {
          let got: Uint8Array[];
          try {
            got = frames.push(chunk);
          } catch (e) {
            throw malformed(subject, e instanceof Error ? e.message : String(e));
          }
          for (const frame of got) {
            const item = this.#parseFrame(frame, subject, this.#reader);
            if (item === undefined) continue;
            if (item.type === 'BOOKMARK' && item.initialEventsEnd === true) initial ??= { wire: wireNow(), decoded };
            yield item;
          }
          continue;
        }
        for (const line of lines.push(chunk)) {
          const item = this.#parseEvent(line, subject);
          if (item === undefined) continue;
          if (item.type === 'BOOKMARK' && item.initialEventsEnd === true) initial ??= { wire: wireNow(), decoded };
          yield item;
        }
      }
    } finally {
      const init = initial ?? { wire: 0, decoded: 0 };
      opts.onClose?.({ compressed: wire.compressed, initialWire: init.wire, initialDecoded: init.decoded, eventsWire: Math.max(0, wireNow() - init.wire), eventsDecoded: decoded - init.decoded });
      clearTimeout(stallTimer);
      signal.removeEventListener('abort', onAbort);
      chunks?.close();
      local.abort(); // closes the socket whether we finished, broke out, or failed
    }
  }

  /** #parseFrame reads one protobuf watch frame; a malformed object is skipped with a warning naming it. */
  #parseFrame(frame: Uint8Array, subject: RequestSubject, reader: MaskedReader): WatchItem | undefined {
    const f = decodeWatchFrame(frame, reader, this.#statusReader, true, this.#bookmarkReader);
    if (!f.ok) {
      if (f.type === 'BOOKMARK' || f.type === 'ERROR' || f.type === '') throw malformed(subject, `a ${f.type || 'watch'} event is malformed protobuf (${f.error})`);
      this.#options.onMalformed?.(`watch ${subject.resource}: skipping malformed ${f.type} ${f.error}`);
      return undefined;
    }
    return this.#toItem({ type: f.type, object: f.object }, subject);
  }

  #parseEvent(line: string, subject: RequestSubject): WatchItem | undefined {
    if (line.trim() === '') return undefined;
    let ev: unknown;
    try {
      ev = JSON.parse(line);
    } catch {
      throw malformed(subject, `a watch event is not JSON: ${line.slice(0, 80)}`);
    }
    return this.#toItem((typeof ev === 'object' && ev !== null ? ev : {}), subject);
  }

  #toItem(e: { readonly type?: unknown; readonly object?: unknown }, subject: RequestSubject): WatchItem | undefined {
    switch (e.type) {
      case 'ADDED':
      case 'MODIFIED':
      case 'DELETED':
        return { type: e.type, object: e.object };
      case 'BOOKMARK': {
        const meta = (e.object as { metadata?: { resourceVersion?: unknown; annotations?: Record<string, unknown> } } | undefined)?.metadata;
        if (typeof meta?.resourceVersion !== 'string') throw malformed(subject, 'a BOOKMARK event has no metadata.resourceVersion');
        const end = meta.annotations?.[INITIAL_EVENTS_END] === 'true';
        return { type: 'BOOKMARK', resourceVersion: meta.resourceVersion, ...(end ? { initialEventsEnd: true } : {}) };
      }
      case 'ERROR':
        throw watchErrorFailure(e.object, subject, this.#clock.now());
      default:
        throw malformed(subject, `a watch event has type ${JSON.stringify(e.type)?.slice(0, 40)}`);
    }
  }
}

/**
 * readBody reads a whole response body as bytes: from the node stream where the transport hands
 * it over (takeNodeBody: the chunks are joined once, never copied per chunk), else through the
 * Response. Rejects if the connection breaks before the end.
 */
async function readBody(res: Response): Promise<Uint8Array> {
  const node = takeNodeBody(res);
  if (node === undefined) return new Uint8Array(await res.arrayBuffer());
  const parts: Uint8Array[] = [];
  for (let chunk = await node.read(); chunk !== undefined; chunk = await node.read()) parts.push(chunk);
  return parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
}

/** webChunks reads a web body as BodyChunks (for responses the transport cannot hand over; see takeNodeBody); no body, no chunks. */
function webChunks(body: ReadableStream<Uint8Array> | null): BodyChunks | undefined {
  if (body === null) return undefined;
  const reader = body.getReader();
  return {
    read: async () => {
      const r = await reader.read();
      return r.done ? undefined : r.value;
    },
    close: () => {},
  };
}

function malformed(s: RequestSubject, what: string): TrackerError {
  return new TrackerError('MALFORMED_OBJECT', `watch ${s.resource}${s.namespace ? ` in ${s.namespace}` : ''}: ${what}`, {
    subject: s.resource,
    hint: 'the watch is restarted from the last resourceVersion; if this repeats, capture the stream with kubectl get --raw and report it',
  });
}

/** parseListPage checks a LIST response's envelope; items stay unknown (each is parsed by its projection). */
export function parseListPage(body: unknown, s: RequestSubject): ListPage {
  const o = (typeof body === 'object' && body !== null ? body : {}) as { items?: unknown; metadata?: { resourceVersion?: unknown; continue?: unknown } };
  if (!Array.isArray(o.items) && o.items !== null) throw malformedList(s, 'items is not an array');
  const rv = o.metadata?.resourceVersion;
  if (typeof rv !== 'string' || rv === '') throw malformedList(s, 'metadata.resourceVersion is missing');
  const cont = o.metadata?.continue;
  return { items: (o.items ?? []) as readonly unknown[], resourceVersion: rv, continue: typeof cont === 'string' ? cont : '' };
}

function malformedList(s: RequestSubject, what: string): TrackerError {
  return new TrackerError('MALFORMED_OBJECT', `list ${s.resource}${s.namespace ? ` in ${s.namespace}` : ''}: the response ${what}`, {
    subject: s.resource,
    hint: 'the server did not answer with a Kubernetes list; check the kubeconfig server address',
  });
}
