import type { KubeObject } from '../../kube/types.ts';
import type { ResourceName, SimStore, StoredChange } from '../core/store-api.ts';
import { controllerOf } from './apps.ts';

/**
 * ObjectCache is a controller's indexed view of one resource, like a client-go informer's indexer:
 * kept current by a store subscription (the simulator delivers changes synchronously, so it never
 * lags behind a write), indexed by namespace, by controller owner UID, and with the orphans of each
 * namespace. Controllers use it instead of `store.list`, which scans the whole resource — at
 * 100,000 pods a per-sync list would dominate the simulator's time.
 * Objects are the store's frozen, shared objects: never mutate them.
 */
export class ObjectCache {
  readonly #byNamespace = new Map<string, Map<string, KubeObject>>();
  readonly #byOwner = new Map<string, Map<string, KubeObject>>();
  readonly #orphans = new Map<string, Map<string, KubeObject>>();
  readonly #unsubscribe: () => void;

  /** The cache subscribes before it lists, so no change between the two is lost. */
  constructor(store: SimStore, resource: ResourceName) {
    this.#unsubscribe = store.subscribe(resource, (change) => this.#apply(change));
    for (const obj of store.list(resource)) this.#put(obj);
  }

  /** get returns the object `namespace/name`, if cached. */
  get(namespace: string, name: string): KubeObject | undefined {
    return this.#byNamespace.get(namespace)?.get(name);
  }

  /** inNamespace lists the objects of a namespace. */
  inNamespace(namespace: string): KubeObject[] {
    return [...(this.#byNamespace.get(namespace)?.values() ?? [])];
  }

  /** ownedBy lists the objects whose controller owner reference has `uid`. */
  ownedBy(uid: string): KubeObject[] {
    return [...(this.#byOwner.get(uid)?.values() ?? [])];
  }

  /** orphans lists the objects of a namespace without a controller owner reference. */
  orphans(namespace: string): KubeObject[] {
    return [...(this.#orphans.get(namespace)?.values() ?? [])];
  }

  /** stop ends the subscription. */
  stop(): void {
    this.#unsubscribe();
  }

  #apply(change: StoredChange): void {
    const obj = change.object;
    const old = this.get(obj.metadata.namespace ?? '', obj.metadata.name ?? '');
    if (old) this.#remove(old);
    if (change.type !== 'DELETED') this.#put(obj);
  }

  #put(obj: KubeObject): void {
    const ns = obj.metadata.namespace ?? '';
    const name = obj.metadata.name ?? '';
    index(this.#byNamespace, ns).set(name, obj);
    const owner = controllerOf(obj);
    if (owner) index(this.#byOwner, owner.uid).set(`${ns}/${name}`, obj);
    else index(this.#orphans, ns).set(name, obj);
  }

  #remove(obj: KubeObject): void {
    const ns = obj.metadata.namespace ?? '';
    const name = obj.metadata.name ?? '';
    unindex(this.#byNamespace, ns, name);
    const owner = controllerOf(obj);
    if (owner) unindex(this.#byOwner, owner.uid, `${ns}/${name}`);
    else unindex(this.#orphans, ns, name);
  }
}

function index(map: Map<string, Map<string, KubeObject>>, key: string): Map<string, KubeObject> {
  let inner = map.get(key);
  if (!inner) {
    inner = new Map();
    map.set(key, inner);
  }
  return inner;
}

function unindex(map: Map<string, Map<string, KubeObject>>, key: string, member: string): void {
  const inner = map.get(key);
  if (!inner) return;
  inner.delete(member);
  if (inner.size === 0) map.delete(key);
}
