import type { KubeObject } from '../../kube/types.ts';

function split(key: string): [string, string] {
  const slash = key.indexOf('/');
  return slash < 0 ? ['', key] : [key.slice(0, slash), key.slice(slash + 1)];
}

/**
 * ObjectIndex holds one resource's current objects by key (`namespace/name`, or `name` for
 * cluster-scoped objects), grouped by namespace so a namespaced LIST touches only that namespace,
 * and keeps each namespace's sorted names cached (invalidated on add/remove, not on update) so
 * lists come out in key order, as etcd returns them.
 */
export class ObjectIndex {
  readonly #byNs = new Map<string, Map<string, KubeObject>>();
  readonly #sorted = new Map<string, string[]>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  get(key: string): KubeObject | undefined {
    const [ns, name] = split(key);
    return this.#byNs.get(ns)?.get(name);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  set(key: string, obj: KubeObject): void {
    const [ns, name] = split(key);
    let m = this.#byNs.get(ns);
    if (!m) this.#byNs.set(ns, (m = new Map<string, KubeObject>()));
    if (!m.has(name)) {
      this.#size++;
      this.#sorted.delete(ns);
    }
    m.set(name, obj);
  }

  delete(key: string): void {
    const [ns, name] = split(key);
    const m = this.#byNs.get(ns);
    if (!m?.delete(name)) return;
    this.#size--;
    this.#sorted.delete(ns);
    if (m.size === 0) this.#byNs.delete(ns);
  }

  /** list returns the objects of one namespace (or all, if undefined), sorted by namespace then name. */
  list(namespace?: string): KubeObject[] {
    const namespaces = namespace === undefined ? [...this.#byNs.keys()].sort() : [namespace];
    const out: KubeObject[] = [];
    for (const ns of namespaces) {
      const m = this.#byNs.get(ns);
      if (!m) continue;
      let names = this.#sorted.get(ns);
      if (!names) this.#sorted.set(ns, (names = [...m.keys()].sort()));
      for (const n of names) {
        const o = m.get(n);
        if (o) out.push(o);
      }
    }
    return out;
  }
}
