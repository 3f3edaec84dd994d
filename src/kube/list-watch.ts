import type { ChangeType } from '../model/watch-event.ts';
/**
 * The narrow interfaces between the reflector and whatever serves LIST and WATCH (client-go
 * `listwatch.go`). Objects arrive as `unknown`: they are untrusted wire JSON, parsed by the
 * projection (model/) at the boundary, one object at a time.
 */

/**
 * Projected is an object that arrived already projected into its record: a lister-watcher that
 * reads protobuf may project straight from the bytes (ProtobufReading.direct), exactly as the
 * reflector's projection would have (the same record, or it leaves the object to the projection).
 * The reflector takes `record` as it is.
 */
export class Projected {
  readonly record: { readonly namespace: string; readonly name: string; readonly resourceVersion: string };
  constructor(record: { readonly namespace: string; readonly name: string; readonly resourceVersion: string }) {
    this.record = record;
  }
}

/** ListOptions selects one page of a LIST. */
export interface ListOptions {
  /** Page size. If unset, no limit (one response). */
  readonly limit?: number;
  /** The `continue` token of the previous page. If unset, the first page. */
  readonly continue?: string;
  /** resourceVersion semantics (kubernetes.md §8.1). If unset, a consistent (quorum) read. */
  readonly resourceVersion?: string;
}

/** ListPage is one page of a LIST: its items (wire objects, or Projected), the list's resourceVersion, and the token for the next page ('' if last). */
export interface ListPage {
  readonly items: readonly unknown[];
  readonly resourceVersion: string;
  readonly continue: string;
}

/** WatchOptions starts a WATCH. */
export interface WatchOptions {
  /** Stream changes after this resourceVersion ('' with sendInitialEvents). */
  readonly resourceVersion: string;
  /**
   * Ask for a streaming list (KEP-3157 WatchList): the current objects as ADDED events, then a
   * BOOKMARK with `initialEventsEnd`, then changes on the same stream (`sendInitialEvents=true`,
   * `resourceVersionMatch=NotOlderThan`). If unset, a plain watch from `resourceVersion`.
   */
  readonly sendInitialEvents?: boolean;
  /** Server-side end of the watch, in seconds. */
  readonly timeoutSeconds: number;
  /** Ask for BOOKMARK events (always true for the reflector). */
  readonly allowWatchBookmarks: boolean;
  /** Called once the server accepted the watch (response headers received), before any event, with whether the stream is compressed. Optional for implementations that cannot tell. */
  readonly onOpen?: (stream: { readonly compressed: boolean }) => void;
  /** Called once when the stream ends (however it ends) with the bytes it carried. Optional for implementations that cannot tell. */
  readonly onClose?: (bytes: StreamBytes) => void;
}

/**
 * StreamBytes are the bytes one watch stream carried: on the wire (compressed, if it was) and
 * decoded, split at the initial-events-end BOOKMARK of a streaming list (all `events` otherwise).
 */
export interface StreamBytes {
  readonly compressed: boolean;
  readonly initialWire: number;
  readonly initialDecoded: number;
  readonly eventsWire: number;
  readonly eventsDecoded: number;
}

/**
 * WatchItem is one event of a watch stream. ERROR events are not items: they end the stream with a
 * thrown TrackerError. A BOOKMARK's `initialEventsEnd` marks the end of a streaming list's initial
 * events (annotation `k8s.io/initial-events-end: "true"`).
 */
export type WatchItem =
  | { readonly type: ChangeType; readonly object: unknown }
  | { readonly type: 'BOOKMARK'; readonly resourceVersion: string; readonly initialEventsEnd?: boolean };

/**
 * Lister performs one page of a LIST; the list's resourceVersion is where the watch starts.
 * Failures reject with a TrackerError (KUBE_WATCH_EXPIRED for 410 Expired, e.g. an expired
 * continue token; KUBE_UNAVAILABLE, KUBE_FORBIDDEN, …). Rejects with the signal's reason when aborted.
 */
export interface Lister {
  list(opts: ListOptions, signal: AbortSignal): Promise<ListPage>;
}

/**
 * Watcher streams changes after `opts.resourceVersion`.
 * - If opening fails it releases whatever it opened and the iterator throws a TrackerError.
 * - The iterator ending is normal (server timeout, connection closed between events), not an error.
 * - An ERROR event is thrown as a TrackerError (KUBE_WATCH_EXPIRED for 410/Expired or Gone).
 * - Breaking out of the loop, or aborting `signal`, closes the connection; an aborted watch just ends.
 */
export interface Watcher {
  watch(opts: WatchOptions, signal: AbortSignal): AsyncIterable<WatchItem>;
}

/** ListerWatcher can both list and watch one resource collection. */
export type ListerWatcher = Lister & Watcher;
