import { silentLogger, type Logger } from '../lib/log.ts';
import { isTombstone, type Delta } from './delta.ts';
import type { ObjectKey } from './keys.ts';
import type { ListerWatcher } from './list-watch.ts';
import { Reflector, type Keyed, type ProjectFn, type ReflectorStats, type ReflectorTuning } from './reflector.ts';
import { MemoryStore, type Store } from './store.ts';

/** InformerDelta is one applied change as handlers see it: the key, the delta, and the record held before it. */
export interface InformerDelta<T> {
  readonly key: ObjectKey;
  readonly delta: Delta<T>;
  /** The record the store held before this delta (undefined for a first ADDED). */
  readonly previous: T | undefined;
}

/** DeltaHandlerFn receives applied changes. It runs synchronously inside the informer; it must not throw (a throw is logged and swallowed). */
export type DeltaHandlerFn<T> = (change: InformerDelta<T>) => void;

/** InformerOptions configures an Informer; the reflector options not listed default as in ReflectorOptions. */
export interface InformerOptions<T extends Keyed> extends ReflectorTuning {
  readonly project: ProjectFn<T>;
  /** Kind and scope for log lines, e.g. `Deployment in shop`. */
  readonly description: string;
}

/**
 * Informer is a shared informer for one collection: a reflector whose deltas are applied at once
 * to a MemoryStore, each applied delta fanned out to every handler. (No queue in between: client-go
 * needs its DeltaFIFO because its handlers run on another goroutine; here the reflector, the store
 * and the handlers share one thread, so a delta is applied as it arrives.)
 * - Handlers see deltas in arrival order, after the store reflects them (`get` inside a handler
 *   already returns the new state; `previous` holds the old one).
 * - A handler added late does not get a replay; read `list()` first.
 * - `run` resolves when `signal` aborts; nothing keeps running afterwards.
 */
export class Informer<T extends Keyed> {
  readonly #store = new MemoryStore<T>();
  readonly #handlers = new Set<DeltaHandlerFn<T>>();
  readonly #reflector: Reflector<T>;
  readonly #log: Logger;

  constructor(lw: ListerWatcher, options: InformerOptions<T>) {
    this.#log = options.logger ?? silentLogger;
    this.#reflector = new Reflector<T>(lw, {
      ...options,
      deliver: (key, delta) => this.#applyOne(key, delta),
      known: this.#store,
    });
  }

  /** addHandler subscribes to applied deltas; returns the unsubscribe function. */
  addHandler(fn: DeltaHandlerFn<T>): () => void {
    this.#handlers.add(fn);
    return () => this.#handlers.delete(fn);
  }

  /** useListAndWatch makes the reflector sync with LIST and WATCH, not streaming lists (before run). */
  useListAndWatch(): void {
    this.#reflector.useListAndWatch();
  }

  /** run starts the reflector; resolves once `signal` aborted and everything stopped. */
  run(signal: AbortSignal): Promise<void> {
    return this.#reflector.run(signal);
  }

  /** store is the read-only view of the current records. */
  get store(): Store<T> {
    return this.#store;
  }

  /** hasSynced tells whether the first LIST has been applied. */
  hasSynced(): boolean {
    return this.#reflector.hasSynced();
  }

  /** resourceVersion is the watch cursor: the last resourceVersion seen. */
  get resourceVersion(): string {
    return this.#reflector.resourceVersion;
  }

  /** stats returns the reflector's counters. */
  stats(): ReflectorStats {
    return this.#reflector.stats();
  }

  #applyOne(key: ObjectKey, delta: Delta<T>): void {
    const o = delta.object;
    const previous = isTombstone(o) ? this.#store.get(key) : this.#store.lookup(o.namespace, o.name);
    if (delta.type === 'DELETED') this.#store.delete(key);
    else if (!isTombstone(o)) this.#store.set(key, o);
    for (const fn of this.#handlers) {
      try {
        fn({ key, delta, previous });
      } catch (e) {
        this.#log.error('delta handler threw; continuing', { key, type: delta.type, error: e instanceof Error ? e.message : String(e) });
      }
    }
  }
}
