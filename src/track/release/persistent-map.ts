/**
 * PMap is a small persistent (copy-on-write) map from string keys: `set` and `delete` return a new
 * map and leave the old one intact, sharing all untouched buckets. Keys are spread over BUCKETS
 * plain Maps by a string hash, so an update copies one bucket (≈ size/64 entries) instead of the
 * whole map — the tracker's reducers stay pure without O(n) copies per delta on large clusters.
 * Iteration order is by bucket, then insertion order within a bucket (stable, not sorted).
 */
export interface PMap<V> {
  readonly size: number;
  get(key: string): V | undefined;
  has(key: string): boolean;
  /** set returns a map with `key` → `value`; the SAME map when the value is already identical. */
  set(key: string, value: V): PMap<V>;
  /** delete returns a map without `key`; the SAME map when it was absent. */
  delete(key: string): PMap<V>;
  values(): IterableIterator<V>;
  entries(): IterableIterator<[string, V]>;
}

/** BUCKETS: 64 keeps a copy at ~1.6 % of the entries while the bucket array itself stays tiny. */
const BUCKETS = 64;

function bucketOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % BUCKETS;
}

class BucketMap<V> implements PMap<V> {
  readonly #buckets: readonly ReadonlyMap<string, V>[];
  readonly size: number;
  constructor(buckets: readonly ReadonlyMap<string, V>[], size: number) {
    this.#buckets = buckets;
    this.size = size;
  }
  get(key: string): V | undefined {
    return this.#buckets[bucketOf(key)]!.get(key);
  }
  has(key: string): boolean {
    return this.#buckets[bucketOf(key)]!.has(key);
  }
  set(key: string, value: V): PMap<V> {
    const b = bucketOf(key);
    const bucket = this.#buckets[b]!;
    const had = bucket.has(key);
    if (had && bucket.get(key) === value) return this;
    const buckets = [...this.#buckets];
    buckets[b] = new Map(bucket).set(key, value);
    return new BucketMap(buckets, this.size + (had ? 0 : 1));
  }
  delete(key: string): PMap<V> {
    const b = bucketOf(key);
    const bucket = this.#buckets[b]!;
    if (!bucket.has(key)) return this;
    const copy = new Map(bucket);
    copy.delete(key);
    const buckets = [...this.#buckets];
    buckets[b] = copy;
    return new BucketMap(buckets, this.size - 1);
  }
  *values(): IterableIterator<V> {
    for (const bucket of this.#buckets) yield* bucket.values();
  }
  *entries(): IterableIterator<[string, V]> {
    for (const bucket of this.#buckets) yield* bucket.entries();
  }
}

/** emptyPMap returns an empty persistent map. */
export function emptyPMap<V>(): PMap<V> {
  return new BucketMap<V>(Array.from({ length: BUCKETS }, () => new Map<string, V>()), 0);
}
