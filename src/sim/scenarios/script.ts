import type { KubeObject } from '../../kube/types.ts';
import type { Logger } from '../../lib/log.ts';
import { seededRandom } from '../../lib/seeded-random.ts';
import type { SimClock } from '../core/clock.ts';
import type { ResourceName, SimStore } from '../core/store-api.ts';
import type { ScenarioContext } from './types.ts';

/** Mutable is a deep, writable copy type for objects read from the (frozen) store. */
type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };

/** EditFn changes a writable copy of an object in place. */
export type EditFn = (obj: Mutable<KubeObject> & Record<string, unknown>) => void;

/**
 * ScenarioScript schedules a scenario's writes on the simulated clock and guards each one, so a
 * failing write (object deleted by a user, conflict) is logged and skipped instead of escaping a
 * timer. `stop()` cancels everything still pending.
 */
export class ScenarioScript {
  readonly store: SimStore;
  readonly clock: SimClock;
  readonly random: () => number;
  readonly #log: Logger | undefined;
  readonly #cancels = new Set<() => void>();
  #stopped = false;

  constructor(ctx: ScenarioContext) {
    this.store = ctx.store;
    this.clock = ctx.clock;
    this.random = ctx.random ?? seededRandom(42);
    this.#log = ctx.log;
  }

  /** at runs `fn` once after `delayMs` of simulated time. */
  at(delayMs: number, label: string, fn: () => void): void {
    if (this.#stopped) return;
    const cancel = this.clock.schedule(delayMs, () => {
      this.#cancels.delete(cancel);
      if (!this.#stopped) this.guard(label, fn);
    });
    this.#cancels.add(cancel);
  }

  /**
   * every runs `fn` repeatedly: first after `firstMs`, then every `periodMs` plus a random jitter
   * of up to `jitterMs` (default 0), until stopped.
   */
  every(opts: { readonly firstMs: number; readonly periodMs: number; readonly jitterMs?: number }, label: string, fn: () => void): void {
    const next = (delay: number): void =>
      this.at(delay, label, () => {
        fn();
        next(opts.periodMs + Math.floor(this.random() * (opts.jitterMs ?? 0)));
      });
    next(opts.firstMs);
  }

  /** guard runs one write, logging and swallowing its error. */
  guard(label: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.#log?.warn('scenario step failed', { step: label, error: e instanceof Error ? e.message : String(e) });
    }
  }

  /** ensure creates `obj` unless an object of that name already exists; returns the stored one. */
  ensure(resource: ResourceName, obj: KubeObject, fieldManager: string): KubeObject {
    const existing = this.store.get(resource, obj.metadata.namespace, obj.metadata.name ?? '');
    return existing ?? this.store.create(resource, obj, { fieldManager });
  }

  /**
   * edit reads the current object, lets `change` modify a writable copy, and writes it back as
   * `fieldManager`. Returns false (and writes nothing) when the object no longer exists.
   */
  edit(resource: ResourceName, namespace: string, name: string, fieldManager: string, change: EditFn): boolean {
    const current = this.store.get(resource, namespace, name);
    if (!current) return false;
    const copy = structuredClone(current) as Mutable<KubeObject> & Record<string, unknown>;
    change(copy);
    this.store.update(resource, copy, { fieldManager });
    return true;
  }

  /** stop cancels every pending change; further `at`/`every` calls are ignored. */
  stop(): void {
    this.#stopped = true;
    for (const cancel of this.#cancels) cancel();
    this.#cancels.clear();
  }
}

/** seededRandom is re-exported for scenario callers; see lib/seeded-random.ts. */
export { seededRandom };
