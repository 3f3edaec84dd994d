import type { KubeObject } from '../../kube/types.ts';
import type { StoredChange } from '../core/store-api.ts';

/** ChangesSince is the answer to "what changed after RV N": the changes, or Expired with the oldest RV still resumable. */
export type ChangesSince = { readonly expired: false; readonly changes: readonly StoredChange[] } | { readonly expired: true; readonly oldest: number };

/**
 * ChangeLog is one resource's bounded window of committed changes, oldest first, for watch
 * resumption (the watch cache's sliding window). It holds references to the stored frozen objects,
 * never copies. A resume from an RV older than the window's floor is Expired (HTTP 410).
 */
export class ChangeLog {
  readonly #capacity: number;
  #items: StoredChange[] = [];
  #rvs: number[] = [];
  #head = 0;
  /** Every change with rv > floor is in the window. */
  #floor = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** append adds a committed change (rv strictly increasing) and evicts the oldest beyond capacity. */
  append(change: StoredChange, rv: number): void {
    this.#items.push(change);
    this.#rvs.push(rv);
    if (this.#items.length - this.#head > this.#capacity) {
      this.#floor = this.#rvs[this.#head] ?? this.#floor;
      this.#head++;
      if (this.#head > 4096 && this.#head * 2 > this.#items.length) {
        this.#items = this.#items.slice(this.#head);
        this.#rvs = this.#rvs.slice(this.#head);
        this.#head = 0;
      }
    }
  }

  /** since returns the changes with rv > `rv`, in commit order, or Expired if some may have been evicted. */
  since(rv: number): ChangesSince {
    if (rv < this.#floor) return { expired: true, oldest: this.#floor };
    let lo = this.#head;
    let hi = this.#rvs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.#rvs[mid] ?? 0) <= rv) lo = mid + 1;
      else hi = mid;
    }
    return { expired: false, changes: this.#items.slice(lo) };
  }

  /** compact forgets every change up to and including `rv`: resumes from an older RV get Expired. */
  compact(rv: number): void {
    if (rv <= this.#floor) return;
    this.#floor = rv;
    while (this.#head < this.#rvs.length && (this.#rvs[this.#head] ?? 0) <= rv) this.#head++;
  }

  /** floor is the RV at or after which resumption is possible. */
  get floor(): number {
    return this.#floor;
  }
}

function keyOf(o: KubeObject): string {
  return o.metadata.namespace === undefined ? (o.metadata.name ?? '') : `${o.metadata.namespace}/${o.metadata.name ?? ''}`;
}

/**
 * rewind turns the current objects back into the objects as they were before `changes` (the
 * changes after some resourceVersion, oldest first): ADDED objects vanish, MODIFIED and DELETED
 * ones return to their `previous` state. Changes outside `namespace` (if given) are ignored.
 * Returns the objects sorted by key. Pure.
 */
export function rewind(current: readonly KubeObject[], changes: readonly StoredChange[], namespace?: string): KubeObject[] {
  const byKey = new Map<string, KubeObject>(current.map((o) => [keyOf(o), o]));
  for (const c of [...changes].reverse()) {
    if (namespace !== undefined && c.object.metadata.namespace !== namespace) continue;
    if (c.type === 'ADDED' || !c.previous) byKey.delete(keyOf(c.object));
    else byKey.set(keyOf(c.object), c.previous);
  }
  return [...byKey.keys()].sort().flatMap((k) => {
    const o = byKey.get(k);
    return o ? [o] : [];
  });
}
