import type { KubeObject } from '../../kube/types.ts';
import { microTime, rfc3339 } from '../../lib/timestamps.ts';
import type { SimClock } from './clock.ts';
import type { EventInput, EventSink } from './context.ts';
import type { SimStore } from './store-api.ts';

/** EventSinkOptions tunes the recorder; every field defaults to the Kubernetes value. */
export interface EventSinkOptions {
  /** Event retention (kube-apiserver `--event-ttl`), in simulated ms. If unset, 1 h. */
  readonly ttlMs?: number;
  /** Distinct messages for one source/object/type/reason that trigger combining. If unset, 10. */
  readonly similarEventThreshold?: number;
  /** Window for counting similar events, in ms. If unset, 600 s. */
  readonly similarEventWindowMs?: number;
  /** Spam filter burst per event key. If unset, 25. */
  readonly spamBurst?: number;
  /** Spam filter refill: one token per this many ms. If unset, 300 s. */
  readonly spamRefillMs?: number;
  /** A live series is re-written this often (events.k8s.io recorder). If unset, 30 min. */
  readonly seriesRefreshMs?: number;
  /** A series with no repeat for this long is finished. If unset, 6 min. */
  readonly seriesFinishMs?: number;
  /** Called with write failures, which are otherwise swallowed (recorders never fail their caller). */
  readonly onError?: (error: unknown) => void;
}

/** SIMILAR_EVENT_PREFIX starts the message of a combined legacy event (client-go `events_cache.go`). */
export const SIMILAR_EVENT_PREFIX = '(combined from similar events): ';

const HOUR = 3_600_000;

interface Observation {
  readonly name: string;
  readonly namespace: string;
  readonly firstTimestamp: string;
  count: number;
}

interface Aggregate {
  readonly messages: Set<string>;
  lastAt: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

interface Series {
  readonly event: KubeObject;
  count: number;
  lastObservedAt: number;
  lastWrittenAt: number;
  dirty: boolean;
}

const LRU_ENTRIES = 4096;

/** remember sets `key` as the most recently used entry, evicting the least recently used beyond 4096 (client-go's LRU). */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > LRU_ENTRIES) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
}

/**
 * managerOf is the field manager an event recorder's writes are recorded under: the API server takes
 * it from the client's user agent (`kubelet/v1.32.0 (linux/amd64) …` → `kubelet`), so the
 * controllers' events are `kube-controller-manager`'s and the scheduler's `kube-scheduler`'s.
 */
export function managerOf(component: string): string {
  if (component === 'default-scheduler') return 'kube-scheduler';
  if (component.endsWith('-controller')) return 'kube-controller-manager';
  return component === '' ? 'unknown' : component;
}

/**
 * createEventSink returns the simulated cluster's event recorder. Two styles, as in Kubernetes:
 * - legacy (`tools/record`, kubelet and controllers): a repeat of the same event PATCHes `count` and
 *   `lastTimestamp`; ≥10 distinct messages for one source/object/type/reason within 10 min are
 *   combined into one event whose message starts with `(combined from similar events): `; a token
 *   bucket (burst 25, one per 5 min) per event drops spam.
 * - series (`tools/events`, the scheduler): the first occurrence is created with `eventTime`; the
 *   second writes `series {count: 2}`; later repeats are counted in memory and written every 30 min;
 *   a series with no repeat for 6 min ends, and the next occurrence starts a new event.
 * Every write (re)arms the event's TTL; when it expires the event is deleted from the store.
 */
export function createEventSink(store: SimStore, clock: SimClock, options: EventSinkOptions = {}): EventSink {
  const ttlMs = options.ttlMs ?? HOUR;
  const threshold = options.similarEventThreshold ?? 10;
  const windowMs = options.similarEventWindowMs ?? 600_000;
  const burst = options.spamBurst ?? 25;
  const refillMs = options.spamRefillMs ?? 300_000;
  const refreshMs = options.seriesRefreshMs ?? 30 * 60_000;
  const finishMs = options.seriesFinishMs ?? 6 * 60_000;
  const onError = options.onError ?? (() => undefined);

  const observations = new Map<string, Observation>();
  const aggregates = new Map<string, Aggregate>();
  const buckets = new Map<string, Bucket>();
  const series = new Map<string, Series>();
  const expiries = new Map<string, () => void>();
  let seq = 0;

  const eventName = (involved: string): string => {
    const nanos = BigInt(clock.now()) * 1_000_000n + BigInt(seq++ % 1_000_000);
    return `${involved}.${nanos.toString(16)}`;
  };

  const armTtl = (namespace: string, name: string): void => {
    const key = `${namespace}/${name}`;
    expiries.get(key)?.();
    expiries.set(
      key,
      clock.schedule(ttlMs, () => {
        expiries.delete(key);
        try {
          store.delete('events', namespace, name);
        } catch (e) {
          onError(e);
        }
      }),
    );
  };

  /**
   * write creates or replaces an event, re-creating it if it expired meanwhile (as the recorder does
   * on 404). The API server records managedFields for Events as for any object written through it:
   * one Update entry of the writing binary (managerOf), as `kubectl get events -o yaml
   * --show-managed-fields` shows on a real cluster.
   */
  const write = (event: KubeObject): void => {
    const { namespace = 'default', name = '' } = event.metadata;
    const existing = store.get('events', namespace, name);
    const body: KubeObject = { ...event, metadata: { ...event.metadata, namespace, name } };
    const opts = { fieldManager: managerOf(typeof event.reportingComponent === 'string' ? event.reportingComponent : '') };
    if (existing) store.update('events', { ...body, metadata: { ...existing.metadata, ...body.metadata, resourceVersion: existing.metadata.resourceVersion ?? '' } }, opts);
    else store.create('events', body, opts);
    armTtl(namespace, name);
  };

  const allowed = (key: string, now: number): boolean => {
    const b = buckets.get(key) ?? { tokens: burst, at: now };
    const refilled = Math.floor((now - b.at) / refillMs);
    if (refilled > 0) {
      b.tokens = Math.min(burst, b.tokens + refilled);
      b.at += refilled * refillMs;
    }
    if (b.tokens >= burst) b.at = now;
    remember(buckets, key, b);
    if (b.tokens <= 0) return false;
    b.tokens--;
    return true;
  };

  const recordLegacy = (input: EventInput): void => {
    const now = clock.now();
    const ref = involvedRef(input);
    const base = [input.component, input.host ?? '', ref.kind, ref.namespace, ref.name, ref.uid, ref.apiVersion, input.type, input.reason].join('\u0000');
    if (!allowed(`${base}\u0000${input.message}`, now)) return;

    const agg = aggregates.get(base);
    const fresh = agg && now - agg.lastAt <= windowMs ? agg : { messages: new Set<string>(), lastAt: now };
    fresh.messages.add(input.message);
    fresh.lastAt = now;
    remember(aggregates, base, fresh);
    const combined = fresh.messages.size >= threshold;
    const message = combined ? SIMILAR_EVENT_PREFIX + input.message : input.message;
    const key = combined ? base : `${base}\u0000${input.fieldPath ?? ''}\u0000${input.message}`;

    const ts = rfc3339(now);
    const seen = observations.get(key);
    const obs: Observation = seen ?? { name: eventName(ref.name), namespace: ref.namespace || 'default', firstTimestamp: ts, count: 0 };
    obs.count++;
    remember(observations, key, obs);
    write({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: obs.name, namespace: obs.namespace },
      involvedObject: ref,
      reason: input.reason,
      message,
      source: input.host === undefined ? { component: input.component } : { component: input.component, host: input.host },
      firstTimestamp: obs.firstTimestamp,
      lastTimestamp: ts,
      count: obs.count,
      type: input.type,
      eventTime: null,
      reportingComponent: input.component,
      reportingInstance: input.host ?? '',
    });
  };

  const flushSeries = (s: Series): void => {
    if (!s.dirty) return;
    s.dirty = false;
    s.lastWrittenAt = clock.now();
    write({ ...s.event, series: { count: s.count, lastObservedTime: microTime(s.lastObservedAt) } });
  };

  const recordSeries = (input: EventInput): void => {
    const now = clock.now();
    const ref = involvedRef(input);
    const action = input.action ?? '';
    const key = [input.component, action, input.reason, ref.kind, ref.namespace, ref.name, ref.uid, ref.apiVersion, ref.fieldPath ?? ''].join('\u0000');
    const live = series.get(key);
    if (live && now - live.lastObservedAt < finishMs) {
      live.count++;
      live.lastObservedAt = now;
      live.dirty = true;
      if (live.count === 2) flushSeries(live);
      return;
    }
    const instance = `${input.component}-${input.host ?? 'sim'}`;
    const event: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: eventName(ref.name), namespace: ref.namespace || 'default' },
      involvedObject: ref,
      reason: input.reason,
      message: input.message,
      source: input.type === 'Warning' ? {} : { component: input.component },
      firstTimestamp: null,
      lastTimestamp: null,
      type: input.type,
      eventTime: microTime(now),
      action,
      reportingComponent: input.component,
      reportingInstance: instance,
    };
    const s: Series = { event, count: 1, lastObservedAt: now, lastWrittenAt: now, dirty: false };
    series.set(key, s);
    write(event);
    const check = (): void => {
      if (series.get(key) !== s) return;
      const at = clock.now();
      if (at - s.lastObservedAt >= finishMs) {
        flushSeries(s);
        series.delete(key);
        return;
      }
      if (at - s.lastWrittenAt >= refreshMs) flushSeries(s);
      clock.schedule(Math.min(finishMs, refreshMs), check);
    };
    clock.schedule(Math.min(finishMs, refreshMs), check);
  };

  return {
    record(input: EventInput): void {
      try {
        if (input.style === 'series') recordSeries(input);
        else recordLegacy(input);
      } catch (e) {
        onError(e);
      }
    },
  };
}

/** ObjectReference is `involvedObject` of a core/v1 Event. */
interface ObjectReference {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly apiVersion: string;
  readonly resourceVersion: string;
  readonly fieldPath?: string;
  readonly [field: string]: unknown;
}

function involvedRef(input: EventInput): ObjectReference {
  const m = input.involved.metadata;
  const ref: ObjectReference = {
    kind: input.involved.kind ?? '',
    namespace: m.namespace ?? '',
    name: m.name ?? '',
    uid: m.uid ?? '',
    apiVersion: input.involved.apiVersion ?? '',
    resourceVersion: m.resourceVersion ?? '',
  };
  return input.fieldPath === undefined ? ref : { ...ref, fieldPath: input.fieldPath };
}
