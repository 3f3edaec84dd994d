import type { Clock } from '../../lib/clock.ts';

/** ChangeSource is the part of a shared watch cache (kube/cluster-informers.ts) a cache loop needs. */
export interface ChangeSource<D> {
  hasSynced(): boolean;
  /** Subscribes to applied changes; returns the unsubscribe function. */
  onDelta(fn: (d: D) => void): () => void;
}

/** CacheLoopOptions configures cacheLoop. */
export interface CacheLoopOptions<C extends ChangeSource<D>, D> {
  /**
   * The shared cache to observe: the one running now, or null while none runs (before the owner
   * started it, between leader terms). Called before every look; a new cache is subscribed to and
   * the old one unsubscribed from. The loop never lists or watches by itself.
   */
  readonly cache: () => C | null;
  /** Which changes make the loop look again at once (the others wait for the resync). */
  readonly relevant: (d: D) => boolean;
  /** The longest time between two looks (a resync from the cache: no request). */
  readonly resyncMs: number;
  /** How often to check, locally, whether the cache has appeared and synced. If unset, 100 ms. */
  readonly pendingMs?: number;
  readonly clock: Clock;
  /** One look at the synced cache: starts whatever work it finds. A throw is passed to onError. */
  readonly look: (cache: C, signal: AbortSignal) => Promise<void>;
  readonly onError: (e: unknown) => void;
}

/** CacheLoop runs looks until stopped; `poke` asks for a look now (coalesced with any pending one). */
export interface CacheLoop {
  run(signal: AbortSignal): Promise<void>;
  poke(): void;
}

/**
 * cacheLoop is a level-triggered driver loop over a shared watch cache (client-go's informer
 * event handler plus resync, without a request of its own): it looks once the cache has synced,
 * again whenever a relevant change was applied or `poke` was called (changes arriving during a
 * look cause exactly one more look), and at least every `resyncMs`. Looks never overlap. The
 * number of API requests it causes does not depend on time: the cache's watches are shared with
 * its owner (one watch per resource per process).
 */
export function cacheLoop<C extends ChangeSource<D>, D>(o: CacheLoopOptions<C, D>): CacheLoop {
  let dirty = true;
  let wake: () => void = () => undefined;
  const poke = (): void => {
    dirty = true;
    wake();
  };
  return {
    poke,
    async run(signal) {
      let subscribed = null as { readonly cache: C; readonly off: () => void } | null;
      try {
        while (!signal.aborted) {
          const cache = o.cache();
          if (cache !== subscribed?.cache) {
            subscribed?.off();
            subscribed = cache === null ? null : { cache, off: cache.onDelta((d) => (o.relevant(d) ? poke() : undefined)) };
            dirty = true;
          }
          const ready = cache !== null && cache.hasSynced();
          if (ready) {
            dirty = false;
            try {
              await o.look(cache, signal);
            } catch (e) {
              if (!signal.aborted) o.onError(e);
            }
          }
          const nap = new AbortController();
          wake = () => nap.abort();
          if (ready && dirty) continue;
          await o.clock.sleep(ready ? o.resyncMs : (o.pendingMs ?? 100), AbortSignal.any([signal, nap.signal])).catch(() => undefined);
        }
      } finally {
        subscribed?.off();
        wake = () => undefined;
      }
    },
  };
}
