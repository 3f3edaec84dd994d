import type { ObjectKey } from './keys.ts';

/**
 * Store is the read side of a keyed collection of records (client-go `Store`, reads only).
 * Returned records are frozen and shared: never mutate them. `list()` returns a new array per call.
 */
export interface Store<T> {
  get(key: ObjectKey): T | undefined;
  has(key: ObjectKey): boolean;
  list(): readonly T[];
  keys(): IterableIterator<ObjectKey>;
  entries(): IterableIterator<[ObjectKey, T]>;
  readonly size: number;
}

/** MutableStore is a Store that its single owner (the informer) writes. Writes are synchronous and immediately visible. */
export interface MutableStore<T> extends Store<T> {
  set(key: ObjectKey, value: T): void;
  delete(key: ObjectKey): boolean;
}

/** MemoryStore is a MutableStore over a Map; iteration is in insertion order. */
export class MemoryStore<T> implements MutableStore<T> {
  readonly #items = new Map<ObjectKey, T>();

  get(key: ObjectKey): T | undefined {
    return this.#items.get(key);
  }
  has(key: ObjectKey): boolean {
    return this.#items.has(key);
  }
  list(): readonly T[] {
    return [...this.#items.values()];
  }
  keys(): IterableIterator<ObjectKey> {
    return this.#items.keys();
  }
  entries(): IterableIterator<[ObjectKey, T]> {
    return this.#items.entries();
  }
  get size(): number {
    return this.#items.size;
  }
  set(key: ObjectKey, value: T): void {
    this.#items.set(key, value);
  }
  delete(key: ObjectKey): boolean {
    return this.#items.delete(key);
  }
}
