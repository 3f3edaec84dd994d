import type { KubeObject } from '../../../kube/types.ts';
import { matchesLabels, type LabelSelector } from '../../core/selectors.ts';
import type { SimStorage } from '../storage.ts';
import type { ChangeType } from '../../../model/watch-event.ts';
import type { ResourceName, StoredChange } from '../../core/store-api.ts';
import { eventFrame, JSON_ENCODING, type Encoding } from './negotiate.ts';

/** WatchFilter is what one watcher selects: a namespace, a label selector and a field predicate. */
export interface WatchFilter {
  readonly namespace: string | undefined;
  readonly labels: LabelSelector;
  readonly fields: (obj: KubeObject) => boolean;
}

/** WatchSink is one open watch: its filter and where its bytes go. */
export interface WatchSink {
  readonly filter: WatchFilter;
  write(line: Buffer): void;
  /** The shared encoding of this watcher's events (JSON lines or protobuf frames, with or without managedFields). If unset, JSON with them. */
  readonly encoding?: Encoding;
  /** A per-watcher encoding (server-side printed Tables for `kubectl get -w`); if unset, the shared JSON line. */
  readonly encode?: (type: ChangeType, obj: KubeObject) => Buffer;
}

/**
 * eventObject is the object a watcher is sent for a change it sees as `type`: the changed object,
 * except for a MODIFIED change that takes the object out of the watcher's selection, which is sent
 * as DELETED carrying the object's previous content with the change's resourceVersion (as
 * kube-apiserver's watch cache does: k8s.io/apiserver pkg/storage/cacher/cache_watcher.go
 * convertToWatchEvent), so the watcher sees the last state it selected.
 */
export function eventObject(type: ChangeType, change: StoredChange): KubeObject {
  if (type !== 'DELETED' || change.type !== 'MODIFIED' || change.previous === undefined) return change.object;
  return { ...change.previous, metadata: { ...change.previous.metadata, resourceVersion: change.resourceVersion } };
}

/** matchesFilter tells whether an object is selected by a watch filter. */
export function matchesFilter(filter: WatchFilter, obj: KubeObject): boolean {
  if (filter.namespace !== undefined && obj.metadata.namespace !== filter.namespace) return false;
  return matchesLabels(filter.labels, obj.metadata.labels) && filter.fields(obj);
}

/**
 * eventTypeFor is the event a watcher sees for a change, as the watch cache filters: an object
 * that starts matching is ADDED, one that stops matching is DELETED, undefined if neither state matches.
 */
export function eventTypeFor(filter: WatchFilter, change: StoredChange): ChangeType | undefined {
  const now = matchesFilter(filter, change.object);
  if (change.type !== 'MODIFIED') return now ? change.type : undefined;
  const before = change.previous !== undefined && matchesFilter(filter, change.previous);
  if (now) return before ? 'MODIFIED' : 'ADDED';
  return before ? 'DELETED' : undefined;
}

interface Hub {
  readonly sinks: Set<WatchSink>;
  readonly unsubscribe: () => void;
}

/**
 * WatchHubs fans committed changes out to open watches: one store subscription per resource, and
 * each change is serialised at most once per event type and the same bytes are written to every
 * watcher it selects (never a per-watcher copy).
 */
export class WatchHubs {
  readonly #store: SimStorage;
  readonly #hubs = new Map<ResourceName, Hub>();

  constructor(store: SimStorage) {
    this.#store = store;
  }

  /** attach starts delivering a resource's changes to `sink`; returns the detach function. */
  attach(resource: ResourceName, sink: WatchSink): () => void {
    let hub = this.#hubs.get(resource);
    if (!hub) {
      const sinks = new Set<WatchSink>();
      const unsubscribe = this.#store.subscribe(resource, (c) => dispatch(sinks, c));
      hub = { sinks, unsubscribe };
      this.#hubs.set(resource, hub);
    }
    const h = hub;
    h.sinks.add(sink);
    return () => {
      h.sinks.delete(sink);
      if (h.sinks.size === 0 && this.#hubs.get(resource) === h) {
        h.unsubscribe();
        this.#hubs.delete(resource);
      }
    };
  }

  /** watchers counts attached sinks (for tests). */
  watchers(resource: ResourceName): number {
    return this.#hubs.get(resource)?.sinks.size ?? 0;
  }
}

function dispatch(sinks: ReadonlySet<WatchSink>, change: StoredChange): void {
  const lines: Partial<Record<string, Buffer>> = {};
  for (const sink of sinks) {
    const type = eventTypeFor(sink.filter, change);
    if (type === undefined) continue;
    // For one change, every watcher that sees `type` is sent the same object (eventObject), so lines are shared per type.
    const object = eventObject(type, change);
    if (sink.encode) {
      sink.write(sink.encode(type, object));
      continue;
    }
    const encoding = sink.encoding ?? JSON_ENCODING;
    const line = (lines[`${encoding.format}:${encoding.dropManagedFields}:${type}`] ??= eventFrame(encoding, type, object));
    sink.write(line);
  }
}
