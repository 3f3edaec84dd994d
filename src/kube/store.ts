import { keyOf, splitKey, type ObjectKey } from './keys.ts';

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

/** Named is what MemoryStore needs of a value: the namespace and name its key is made of. */
export interface Named {
  readonly namespace: string;
  readonly name: string;
}

/**
 * MemoryStore is a MutableStore over one Map per namespace, keyed by the record's own `name`
 * string: no `namespace/name` key string is kept per object (a flattened key costs ~80 bytes, a
 * few per cent of a pod record). `set(key, value)` requires `key === keyOf(value.namespace, value.name)`.
 * Iteration is per namespace, in insertion order.
 */
export class MemoryStore<T extends Named> implements MutableStore<T> {
  readonly #byNamespace = new Map<string, Map<string, T>>();
  #size = 0;

  get(key: ObjectKey): T | undefined {
    const { namespace, name } = splitKey(key);
    return this.#byNamespace.get(namespace)?.get(name);
  }
  /** lookup is get by namespace and name, without building or splitting a key (the informer's hot path). */
  lookup(namespace: string, name: string): T | undefined {
    return this.#byNamespace.get(namespace)?.get(name);
  }
  has(key: ObjectKey): boolean {
    return this.get(key) !== undefined;
  }
  list(): readonly T[] {
    const out: T[] = [];
    for (const names of this.#byNamespace.values()) for (const v of names.values()) out.push(v);
    return out;
  }
  *keys(): IterableIterator<ObjectKey> {
    for (const [ns, names] of this.#byNamespace) for (const name of names.keys()) yield keyOf(ns, name);
  }
  *entries(): IterableIterator<[ObjectKey, T]> {
    for (const [ns, names] of this.#byNamespace) for (const [name, v] of names) yield [keyOf(ns, name), v];
  }
  get size(): number {
    return this.#size;
  }
  set(_key: ObjectKey, value: T): void {
    let names = this.#byNamespace.get(value.namespace);
    if (names === undefined) {
      names = new Map();
      this.#byNamespace.set(value.namespace, names);
    }
    const before = names.size;
    names.set(value.name, value);
    this.#size += names.size - before;
  }
  delete(key: ObjectKey): boolean {
    const { namespace, name } = splitKey(key);
    const names = this.#byNamespace.get(namespace);
    if (names === undefined || !names.delete(name)) return false;
    this.#size--;
    if (names.size === 0) this.#byNamespace.delete(namespace);
    return true;
  }
}
