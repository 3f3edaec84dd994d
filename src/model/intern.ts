/**
 * Interner hash-conses frozen values: values built under equal keys are replaced by one shared
 * instance. Records are frozen, so sharing is invisible to readers, and the tracker holds many
 * near-identical records (the pods of one ReplicaSet carry the same labels, owner and condition
 * set), so sharing cuts memory per tracked object (see bench/ingest.bench.ts).
 * - Bounded: when `max` entries are held the table starts over, so it never grows without end
 *   and never keeps more than `max` values alive on its own.
 * - Same input, same output: interning changes identity, never content.
 */
export class Interner<T> {
  readonly #table = new Map<string, T>();
  readonly #max: number;

  /** max bounds the table (if unset, 16 384 entries: well above the distinct values of a large cluster's hot set, a few MB at most). */
  constructor(max = 16_384) {
    this.#max = max;
  }

  /** intern returns the value held under `key`, or stores and returns `value`. */
  intern(key: string, value: T): T {
    const hit = this.#table.get(key);
    if (hit !== undefined) return hit;
    if (this.#table.size >= this.#max) this.#table.clear();
    this.#table.set(key, value);
    return value;
  }

  /** peek returns the value held under `key`, if any. */
  peek(key: string): T | undefined {
    return this.#table.get(key);
  }

  /** replace stores `value` under `key` (replacing any) and returns it. */
  replace(key: string, value: T): T {
    if (this.#table.size >= this.#max && !this.#table.has(key)) this.#table.clear();
    this.#table.set(key, value);
    return value;
  }

  /** size is the number of values held. */
  get size(): number {
    return this.#table.size;
  }
}

const strings = new Interner<string>();

/** internString returns one shared copy of a string that many records repeat (images, owner names, label values). */
export function internString(s: string): string {
  return s.length === 0 ? s : strings.intern(s, s);
}
