import type { KubeObject } from '../../../kube/types.ts';
import { badRequest, failureStatus } from '../../core/api-error.ts';
import { apiVersionOf } from '../resources.ts';
import { compileFieldSelector, parseFieldSelector, parseLabelSelector } from '../../core/selectors.ts';
import { INITIAL_EVENTS_END, type ChangeType } from '../../../model/watch-event.ts';
import type { ApiCall } from './context.ts';
import { currentObjects } from './list-get.ts';
import { queryBool, queryInt } from './query.ts';
import { acceptsGzip } from './respond.ts';
import { gzipWatchWriter, plainWatchWriter, type FlushSink } from './watch-gzip.ts';
import { eventFrame, frameOf, JSON_ENCODING, negotiate, PROTOBUF_WATCH_CONTENT_TYPE, type WireFormat } from './negotiate.ts';
import { watchLine } from './serialize.ts';
import { tableFor, wantsTable } from './table.ts';
import { eventObject, eventTypeFor, type WatchFilter, type WatchSink } from './watch-hub.ts';


// Without timeoutSeconds a real server ends a watch after --min-request-timeout (1800 s) × (1 + rand).
const DEFAULT_MIN_TIMEOUT_S = 1800;

/** expiredWatchStatus is the Status of the ERROR event for a watch from a compacted resourceVersion (kubernetes.md §8.2). */
export function expiredWatchStatus(requested: number, oldest: number): unknown {
  return failureStatus({ code: 410, reason: 'Expired', message: `too old resource version: ${requested} (${oldest})` });
}



function bookmark(call: ApiCall, format: WireFormat, annotate: boolean): Buffer {
  const { info } = call.route;
  const metadata = { resourceVersion: call.state.store.currentResourceVersion(), ...(annotate ? { annotations: { [INITIAL_EVENTS_END]: 'true' } } : {}) };
  return frameOf(format, 'BOOKMARK', { kind: info.kind, apiVersion: apiVersionOf(info), metadata });
}

function parseResourceVersion(rv: string): number {
  if (!/^\d+$/.test(rv)) throw badRequest(`resourceVersion: Invalid value: "${rv}": must be a non-negative integer`);
  return Number(rv);
}

/**
 * isStreamingList tells whether a watch is a streaming list (KEP-3157 WatchList): an explicit
 * `sendInitialEvents=true`, or a watch from resourceVersion ""/"0" that names neither
 * `sendInitialEvents` nor `resourceVersionMatch`, which kube-apiserver turns into one
 * (k8s.io/apimachinery pkg/apis/meta/internalversion defaults.go SetListOptionsDefaults, with its
 * WatchList gate on). A streaming list starts with the current objects as ADDED events, ends them
 * with the initial-events-end BOOKMARK when bookmarks are allowed, and may be compressed
 * (WatchListCompression).
 */
export function isStreamingList(query: URLSearchParams): boolean {
  if (query.has('sendInitialEvents')) return queryBool(query, 'sendInitialEvents');
  const rv = query.get('resourceVersion') ?? '';
  return (rv === '' || rv === '0') && !query.has('resourceVersionMatch');
}

/**
 * serveWatch answers `?watch=1`: a chunked 200 stream of events (JSON lines or protobuf frames).
 * RV unset/"0" or `sendInitialEvents=true` starts with synthetic ADDED events (a streaming list,
 * isStreamingList) and, with bookmarks allowed, the initial-events-end BOOKMARK; RV=N replays the
 * change window after N (or sends an ERROR 410 `too old resource version` and ends);
 * `allowWatchBookmarks` adds periodic BOOKMARKs and one before a `timeoutSeconds` end. A streaming
 * list to a client accepting gzip is compressed under WatchListCompression (watch-gzip.ts).
 */
export function serveWatch(call: ApiCall): void {
  const { query, route, state, res } = call;
  const key = route.info.key;
  const filter: WatchFilter = {
    namespace: route.namespace,
    labels: parseLabelSelector(query.get('labelSelector') ?? undefined),
    fields: compileFieldSelector(key, parseFieldSelector(query.get('fieldSelector') ?? undefined)),
  };
  const rv = query.get('resourceVersion') ?? '';
  const bookmarks = queryBool(query, 'allowWatchBookmarks');
  const initialEvents = isStreamingList(query);
  const resumeFrom = rv !== '' && rv !== '0' && !initialEvents ? parseResourceVersion(rv) : undefined;
  const table = wantsTable(call.req.headers.accept);
  const encoding = table ? JSON_ENCODING : negotiate(call.req.headers.accept, route.info, state.featureGates.ManagedFieldsOptOut);
  const { format } = encoding;
  const encode = table
    ? (type: ChangeType, obj: KubeObject): Buffer => watchLine(type, tableFor(route.info, [obj], { resourceVersion: obj.metadata.resourceVersion ?? '' }, query.get('includeObject') ?? 'Metadata', state.clock.now()))
    : (type: ChangeType, obj: KubeObject): Buffer => eventFrame(encoding, type, obj);

  const gzip = initialEvents && state.featureGates.WatchListCompression && acceptsGzip(call.req.headers['accept-encoding']);
  res.writeHead(200, {
    'Content-Type': format === 'protobuf' ? PROTOBUF_WATCH_CONTENT_TYPE : 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
    ...(gzip ? { 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' } : {}),
  });
  res.flushHeaders();
  if (format === 'protobuf') state.accounting.countProtobuf('watch', key);
  if (encoding.dropManagedFields) state.accounting.countDroppedManagedFields('watch', key);
  if (gzip) state.accounting.countGzip('watch', key);
  const sink: FlushSink = {
    send: (wire) => void res.write(wire),
    count: (wireBytes, decodedBytes) => state.accounting.countBytes('watch', key, wireBytes, decodedBytes),
    end: () => void res.end(),
  };
  const stream = gzip ? gzipWatchWriter(sink) : plainWatchWriter(sink);
  const write = (frame: Buffer): void => stream.write(frame);

  if (resumeFrom !== undefined) {
    const got = state.faults.takeExpiredResume(key)
      ? { expired: true as const, oldest: Number(state.store.currentResourceVersion()) }
      : state.store.changesSince(key, resumeFrom);
    if (got.expired) {
      write(frameOf(format, 'ERROR', expiredWatchStatus(resumeFrom, got.oldest) as KubeObject));
      stream.end();
      return;
    }
    for (const c of got.changes) {
      const type = eventTypeFor(filter, c);
      if (type !== undefined) write(encode(type, eventObject(type, c)));
    }
  } else {
    for (const o of currentObjects(call)) write(encode('ADDED', o));
    if (initialEvents && bookmarks) write(bookmark(call, format, true));
    stream.flushNow(); // the real server flushes after the initial-events-end bookmark
  }

  const watcher: WatchSink = { filter, write, encoding, ...(table ? { encode } : {}) };
  const detach = state.hubs.attach(key, watcher);
  const unregister = state.faults.registerWatch(key, () => res.destroy());
  const timeoutS = queryInt(query, 'timeoutSeconds') ?? DEFAULT_MIN_TIMEOUT_S * (1 + state.random());
  const timers: NodeJS.Timeout[] = [];
  if (bookmarks) timers.push(setInterval(() => write(bookmark(call, format, false)), state.bookmarkIntervalMs));
  timers.push(
    setTimeout(() => {
      if (bookmarks) write(bookmark(call, format, false));
      stream.end();
    }, Math.max(0, timeoutS * 1000)),
  );
  const cleanup = (): void => {
    detach();
    unregister();
    stream.close();
    for (const t of timers) clearTimeout(t);
  };
  res.on('close', cleanup);
}
