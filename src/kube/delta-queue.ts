import type { ChangeType } from '../model/watch-event.ts';
import type { ObjectKey } from './keys.ts';


/** DeletedFinalStateUnknown marks an object missing on relist whose delete event we never saw. `last` may be stale. */
export interface DeletedFinalStateUnknown<T> {
  readonly kind: 'DeletedFinalStateUnknown';
  readonly key: ObjectKey;
  readonly last: T | undefined;
}

/**
 * Delta is one change plus the object's state after it: ADDED and MODIFIED carry its new state,
 * DELETED its last known state (client-go `delta_fifo.go`; no periodic resync, so no Sync deltas).
 */
export interface Delta<T> {
  readonly type: ChangeType;
  readonly object: T | DeletedFinalStateUnknown<T>;
}

/** Deltas for one key, oldest first; never empty by construction. */
export type Deltas<T> = readonly [Delta<T>, ...Delta<T>[]];

/** newest returns the latest delta of a non-empty list. */
export const newest = <T>(d: Deltas<T>): Delta<T> => d[d.length - 1] ?? d[0];

/** isTombstone tells whether a delta's object is a DeletedFinalStateUnknown. */
export function isTombstone<T>(o: T | DeletedFinalStateUnknown<T>): o is DeletedFinalStateUnknown<T> {
  return typeof o === 'object' && o !== null && (o as { kind?: unknown }).kind === 'DeletedFinalStateUnknown';
}

/**
 * DeltaQueue is a DeltaFIFO analogue — a data structure, no I/O.
 * - Keys come out in the order they were first queued; each key's deltas come out together, oldest first.
 * - Two consecutive Deleted deltas for a key collapse into one (the later), as client-go's dedupDeltas does.
 * - `pop` removes and returns the head; a key added again after its pop is queued at the tail.
 */
export class DeltaQueue<T> {
  readonly #items = new Map<ObjectKey, Delta<T>[]>();

  /** add appends one delta for `key`. */
  add(key: ObjectKey, delta: Delta<T>): void {
    const list = this.#items.get(key);
    if (list === undefined) {
      this.#items.set(key, [delta]);
      return;
    }
    const last = list[list.length - 1];
    if (last?.type === 'DELETED' && delta.type === 'DELETED') list[list.length - 1] = delta;
    else list.push(delta);
  }

  /** pop removes and returns the oldest key with its deltas, or undefined when empty. */
  pop(): { readonly key: ObjectKey; readonly deltas: Deltas<T> } | undefined {
    const first = this.#items.entries().next();
    if (first.done === true) return undefined;
    const [key, list] = first.value;
    this.#items.delete(key);
    return { key, deltas: list as unknown as Deltas<T> };
  }

  /** length is the number of keys waiting. */
  get length(): number {
    return this.#items.size;
  }

  /** has tells whether `key` has deltas waiting. */
  has(key: ObjectKey): boolean {
    return this.#items.has(key);
  }
}
