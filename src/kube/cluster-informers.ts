import type { ClusterAccess } from './kubeconfig.ts';
import { silentLogger, type Logger } from '../lib/log.ts';
import { createKubeHttp, type KubeHttp } from './client.ts';
import { HttpListerWatcher } from './http-list-watch.ts';
import type { WireFormat } from './protobuf-wire.ts';
import { Informer, type InformerDelta } from './informer.ts';
import { keyOf, splitKey, type ObjectKey } from './keys.ts';
import type { ReflectorStats, ReflectorTuning } from './reflector.ts';
import { compressesStreamingLists, serverVersion } from './server-version.ts';
import { collectionPath, readsManagedFields, RESOURCES, resourceName, TRACKED_KINDS, type RecordByKind, type TrackedKind } from './resources.ts';

/** ClusterInformersOptions configures createClusterInformers (`streamingList` defaults to true here: see Reflector). */
export interface ClusterInformersOptions extends ReflectorTuning {
  /** The cluster to watch: a ClusterAccess (from loadKubeConfig), or a ready KubeHttp. One is required. */
  readonly kubeConfig?: ClusterAccess;
  readonly http?: KubeHttp;
  /** Namespaces to watch, one watch per kind and namespace. If unset or empty, cluster-wide (one watch per kind). */
  readonly namespaces?: readonly string[];
  /** Kinds to watch. If unset, all of TRACKED_KINDS. */
  readonly kinds?: readonly TrackedKind[];
  /** `protobuf` (default): ask for Kubernetes protobuf and read it lazily, JSON where the server answers JSON (CRDs, servers without protobuf); `json`: JSON only. */
  readonly wire?: WireFormat;
  /** A field selector per kind, sent with its LIST and WATCH requests (the server filters). If unset, none. */
  readonly fieldSelectors?: { readonly [K in TrackedKind]?: string };
  /** A label selector per kind, sent with its LIST and WATCH requests (the server filters). If unset, none. */
  readonly labelSelectors?: { readonly [K in TrackedKind]?: string };
}

/** ClusterDelta is one applied change of any tracked kind, discriminated by `kind`. */
export type ClusterDelta = { readonly [K in TrackedKind]: { readonly kind: K } & InformerDelta<RecordByKind[K]> }[TrackedKind];

/** WatchCursor is where one watch stands: persist it to know how far the tracker had read. */
export interface WatchCursor {
  readonly kind: TrackedKind;
  /** '' for a cluster-wide watch. */
  readonly namespace: string;
  readonly resourceVersion: string;
}

/**
 * ClusterInformers watches the tracked kinds of one cluster and holds their records.
 * - `start` runs every informer until `signal` aborts and resolves once all have stopped (no
 *   sockets left open). Calling it twice is a programmer error.
 * - `onDelta` handlers run synchronously, in order per collection, after the store applied the change.
 * - `list`/`get` read the current records (frozen, shared). `get` takes an ObjectKey (`ns/name`).
 */
export interface ClusterInformers {
  start(signal: AbortSignal): Promise<void>;
  hasSynced(): boolean;
  onDelta(fn: (d: ClusterDelta) => void): () => void;
  list<K extends TrackedKind>(kind: K): readonly RecordByKind[K][];
  get<K extends TrackedKind>(kind: K, key: ObjectKey | string): RecordByKind[K] | undefined;
  cursors(): readonly WatchCursor[];
  stats(): readonly (WatchCursor & ReflectorStats)[];
}

/** AnyEntry is one informer; its records are those of `kind` (the table guarantees it, the types cannot). */
interface AnyEntry {
  readonly kind: TrackedKind;
  readonly namespace: string;
  readonly informer: Informer<RecordByKind[TrackedKind]>;
}

/** createClusterInformers builds (without I/O) one informer per kind and namespace. */
export function createClusterInformers(options: ClusterInformersOptions): ClusterInformers {
  const http = options.http ?? (options.kubeConfig ? createKubeHttp(options.kubeConfig, options.clock ? { clock: options.clock } : {}) : undefined);
  if (http === undefined) throw new Error('createClusterInformers needs kubeConfig or http');
  const namespaces = options.namespaces && options.namespaces.length > 0 ? [...new Set(options.namespaces)] : [''];
  const logger = options.logger ?? silentLogger;
  const entries: AnyEntry[] = [];
  for (const kind of options.kinds ?? TRACKED_KINDS)
    for (const namespace of namespaces) entries.push(makeEntry(kind, namespace, http, options, logger));
  let started = false;

  const find = (kind: TrackedKind, namespace: string): AnyEntry | undefined =>
    entries.find((e) => e.kind === kind && (e.namespace === '' || e.namespace === namespace));

  return {
    async start(signal) {
      if (started) throw new Error('ClusterInformers.start called twice');
      started = true;
      // Streaming lists pay only where the server compresses them (1.37+): ask its version once,
      // and sync with LIST and WATCH on an older one without spending a request per informer to
      // find out. An unreadable version leaves the decision to each reflector (it checks the stream).
      if ((options.streamingList ?? true) && entries.length > 0) {
        const version = await serverVersion(http, signal);
        if (version !== undefined && !compressesStreamingLists(version)) {
          logger.info('syncing with LIST and WATCH', { server: version.gitVersion, reason: 'streaming lists are compressed from Kubernetes 1.37 (WatchListCompression)' });
          for (const e of entries) e.informer.useListAndWatch();
        }
      }
      await Promise.all(entries.map((e) => e.informer.run(signal)));
    },
    hasSynced: () => entries.every((e) => e.informer.hasSynced()),
    onDelta(fn) {
      // One literal per delta (no spread): it runs for every event of every watch.
      const offs = entries.map((e) => e.informer.addHandler((change) => fn({ kind: e.kind, key: change.key, delta: change.delta, previous: change.previous } as ClusterDelta)));
      return () => offs.forEach((off) => off());
    },
    list<K extends TrackedKind>(kind: K) {
      return entries.filter((e) => e.kind === kind).flatMap((e) => e.informer.store.list() as readonly RecordByKind[K][]);
    },
    get<K extends TrackedKind>(kind: K, key: ObjectKey | string) {
      const { namespace, name } = splitKey(key as ObjectKey);
      return find(kind, namespace)?.informer.store.get(keyOf(namespace, name)) as RecordByKind[K] | undefined;
    },
    cursors: () => entries.map((e) => ({ kind: e.kind, namespace: e.namespace, resourceVersion: e.informer.resourceVersion })),
    stats: () => entries.map((e) => ({ kind: e.kind, namespace: e.namespace, resourceVersion: e.informer.resourceVersion, ...e.informer.stats() })),
  };
}

function makeEntry<K extends TrackedKind>(kind: K, namespace: string, http: KubeHttp, o: ClusterInformersOptions, logger: Logger): AnyEntry {
  const description = `${kind} ${namespace === '' ? 'in all namespaces' : `in ${namespace}`}`;
  const log = logger.child({ kind, namespace });
  const lw = new HttpListerWatcher(http, {
    path: collectionPath(kind, namespace),
    resource: resourceName(kind),
    namespace,
    ...(o.clock ? { clock: o.clock } : {}),
    ...(o.fieldSelectors?.[kind] === undefined ? {} : { fieldSelector: o.fieldSelectors[kind] }),
    ...(o.labelSelectors?.[kind] === undefined ? {} : { labelSelector: o.labelSelectors[kind] }),
    dropManagedFields: !readsManagedFields(kind),
    onDropRefused: (message: string) => log.warn('the API server refused to leave managedFields out; reading whole objects', { resource: description, error: message }),
    ...((o.wire ?? 'protobuf') === 'protobuf' ? { protobuf: RESOURCES[kind].protobuf, onMalformed: (error: string) => log.warn('skipping malformed object', { resource: description, error }) } : {}),
  });
  const informer = new Informer<RecordByKind[K]>(lw, {
    project: RESOURCES[kind].project,
    description,
    logger: log,
    ...(o.clock ? { clock: o.clock } : {}),
    ...(o.random ? { random: o.random } : {}),
    ...(o.minWatchTimeoutSeconds !== undefined ? { minWatchTimeoutSeconds: o.minWatchTimeoutSeconds } : {}),
    streamingList: o.streamingList ?? true,
    ...(o.minStreamTimeoutSeconds !== undefined ? { minStreamTimeoutSeconds: o.minStreamTimeoutSeconds } : {}),
    ...(o.pageSize !== undefined ? { pageSize: o.pageSize } : {}),
    ...(o.backoff ? { backoff: o.backoff } : {}),
  });
  return { kind, namespace, informer: informer as unknown as Informer<RecordByKind[TrackedKind]> };
}
