import type { KubeObject } from '../../kube/types.ts';
import type { ChangeType } from '../../model/watch-event.ts';
import { rfc3339 } from '../../lib/timestamps.ts';
import { alreadyExists, conflict, invalid, notFound, SimApiError, failureStatus } from '../core/api-error.ts';
import { ChangeLog, rewind, type ChangesSince } from './change-log.ts';
import { ObjectIndex } from './object-index.ts';
import type { SimClock } from '../core/clock.ts';
import { cloneJson, deepEqual, deepFreeze, isPlainObject } from '../core/deep.ts';
import { applyDefaults } from './defaults.ts';
import { fromEventsV1, toEventsV1 } from '../core/event-view.ts';
import { cascade, finalizeForeground, FOREGROUND_FINALIZER, orphan, type GcHost, type StoredRef } from './gc.ts';
import { changedFields, fieldSetOf, recordManagedFields, type FieldSet } from './managed-fields.ts';
import { apiVersionOf, resourceInfo, type ResourceInfo } from './resources.ts';
import { normaliseStatus } from './omitempty.ts';
import { matchesLabels, parseLabelSelector } from '../core/selectors.ts';
import type { DeleteOptions, ResourceName, SimStore, StoredChange, WriteOptions } from '../core/store-api.ts';
import { validateObject } from './validation.ts';
import { checkPreconditions, eventsView, hasItems, isNoop, mergeStatusWrite, prepareJobForCreate, prepareStatusForCreate, withMeta, type Mutable } from './storage-rules.ts';

/** SimStorageOptions configures a SimStorage. */
export interface SimStorageOptions {
  /** Source of randomness in [0, 1) for uids and generateName suffixes. If unset, Math.random. */
  readonly random?: () => number;
  /** Changes kept per resource for watch resumption. If unset, 102 400 (the watch cache's maximum). */
  readonly changeWindow?: number;
  /** This cluster's share of the loopback address ranges (core/addresses.ts). If unset, 0. */
  readonly addressBlock?: number;
}

/** StorageWriteOptions extends WriteOptions for the HTTP layer: server-side apply records operation Apply. */
export interface StorageWriteOptions extends WriteOptions {
  /** If unset, Update. */
  readonly operation?: 'Apply' | 'Update';
  /** For Apply: the fields of the applied configuration (the manager's new set). */
  readonly appliedFields?: FieldSet;
}


// generateName suffix alphabet (k8s.io/apimachinery/pkg/util/rand: no vowels, no confusable digits).
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
// Server-owned metadata, never taken from a client's update.
const SYSTEM_META = ['uid', 'creationTimestamp', 'generation', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields'] as const;

function keyOf(namespace: string | undefined, name: string): string {
  return namespace === undefined || namespace === '' ? name : `${namespace}/${name}`;
}

function unknownResource(resource: ResourceName): SimApiError {
  return new SimApiError(failureStatus({ code: 404, reason: 'NotFound', message: 'the server could not find the requested resource', details: { kind: resource } }), `resource ${resource} is not served by the simulator`);
}

/**
 * SimStorage holds the simulated API server's objects and a bounded per-resource change log.
 * It implements the SimStore contract (see store-api.ts): one global decimal resourceVersion,
 * frozen shared objects, synchronous subscriber notification in commit order (a write made by a
 * subscriber is delivered after the current change has reached every subscriber), the API server's
 * defaulting, validation, generation and managedFields rules, and ownerReference garbage collection.
 */
export class SimStorage implements SimStore {
  readonly #clock: SimClock;
  readonly #random: () => number;
  readonly #window: number;
  #rv = 1000;
  readonly #objects = new Map<ResourceName, ObjectIndex>();
  readonly #logs = new Map<ResourceName, ChangeLog>();
  readonly #subs = new Map<ResourceName, Set<(c: StoredChange) => void>>();
  readonly #queue: StoredChange[] = [];
  #delivering = false;
  readonly #byUid = new Map<string, { resource: ResourceName; key: string }>();
  readonly #dependents = new Map<string, Set<string>>();
  readonly #gc: GcHost;
  readonly #addressBlock: number;

  constructor(clock: SimClock, options: SimStorageOptions = {}) {
    this.#clock = clock;
    this.#addressBlock = options.addressBlock ?? 0;
    this.#random = options.random ?? Math.random;
    this.#window = options.changeWindow ?? 102_400;
    this.#gc = this.#gcHost();
  }

  get(resource: ResourceName, namespace: string | undefined, name: string): KubeObject | undefined {
    const info = this.#info(resource);
    const obj = this.#bucket(info.storedAs).get(keyOf(info.namespaced ? namespace : undefined, name));
    return obj && info.storedAs !== info.key ? toEventsV1(obj) : obj;
  }

  list(resource: ResourceName, opts: { readonly namespace?: string; readonly labelSelector?: string } = {}): readonly KubeObject[] {
    const info = this.#info(resource);
    const selector = parseLabelSelector(opts.labelSelector);
    const ns = info.namespaced && opts.namespace !== undefined && opts.namespace !== '' ? opts.namespace : undefined;
    const out: KubeObject[] = [];
    for (const o of this.#bucket(info.storedAs).list(ns)) {
      if (selector.length === 0 || matchesLabels(selector, o.metadata.labels)) out.push(info.storedAs !== info.key ? toEventsV1(o) : o);
    }
    return out;
  }

  create(resource: ResourceName, input: KubeObject, opts: StorageWriteOptions = {}): KubeObject {
    const info = this.#info(resource);
    if (info.storedAs !== info.key) return toEventsV1(this.create(info.storedAs, fromEventsV1(input), opts));
    const obj = cloneJson(input) as Mutable;
    obj.metadata = { ...obj.metadata };
    const meta = obj.metadata;
    if (!info.namespaced) delete meta['namespace'];
    else if (typeof meta['namespace'] !== 'string' || meta['namespace'] === '') meta['namespace'] = 'default';
    if ((meta['name'] === undefined || meta['name'] === '') && typeof meta['generateName'] === 'string') meta['name'] = this.#generateName(info, meta);
    obj['apiVersion'] = apiVersionOf(info);
    obj['kind'] = info.kind;
    applyDefaults(info.kind, obj, this.#addressBlock);
    const name = typeof meta['name'] === 'string' ? meta['name'] : '';
    const uid = this.#uid();
    if (info.kind === 'Job' && info.group === 'batch') prepareJobForCreate(obj, uid);
    const errors = validateObject(info, obj, undefined);
    if (errors.length > 0) throw invalid(info, name, errors);
    if (this.#bucket(info.key).has(keyOf(meta['namespace'] as string | undefined, name))) throw alreadyExists(info, name);
    for (const f of [...SYSTEM_META, 'resourceVersion']) delete meta[f];
    meta['uid'] = uid;
    meta['creationTimestamp'] = rfc3339(this.#clock.now());
    if (info.hasGeneration) meta['generation'] = 1;
    prepareStatusForCreate(info, obj);
    normaliseStatus(info.kind, obj);
    if (opts.fieldManager !== undefined) {
      const present = fieldSetOf(obj);
      const fields = opts.operation === 'Apply' && opts.appliedFields ? opts.appliedFields : present;
      const entries = recordManagedFields([], this.#managedWrite(info, opts, fields, present));
      if (entries.length > 0) meta['managedFields'] = entries;
    }
    if (opts.dryRun === true) return deepFreeze(obj as unknown as KubeObject);
    return this.#commit('ADDED', info.key, obj);
  }

  update(resource: ResourceName, input: KubeObject, opts: StorageWriteOptions = {}): KubeObject {
    const info = this.#info(resource);
    if (info.storedAs !== info.key) return toEventsV1(this.update(info.storedAs, fromEventsV1(input), opts));
    const ns = info.namespaced ? (input.metadata.namespace ?? 'default') : undefined;
    const name = input.metadata.name ?? '';
    const old = this.#bucket(info.key).get(keyOf(ns, name));
    if (!old) throw notFound(info, name);
    const rv = input.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== old.metadata.resourceVersion) throw conflict(info, name);
    const obj = opts.subresource === 'status' ? mergeStatusWrite(info, old, input) : this.#mergeMainWrite(info, old, input);
    normaliseStatus(info.kind, obj);
    const meta = obj.metadata;
    if (info.hasGeneration && opts.subresource !== 'status') {
      const specChanged = !deepEqual(old['spec'], obj['spec']);
      const annotationsChanged = info.generationOnAnnotations && !deepEqual(old.metadata.annotations ?? {}, meta['annotations'] ?? {});
      if (specChanged || annotationsChanged) meta['generation'] = (old.metadata.generation ?? 0) + 1;
    }
    if (isNoop(old, obj)) return old;
    const scope = opts.subresource === 'status' ? 'status' : 'main';
    if (opts.fieldManager !== undefined) {
      const present = fieldSetOf(obj, scope);
      const fields = opts.operation === 'Apply' && opts.appliedFields ? opts.appliedFields : changedFields(old, obj, scope);
      const entries = recordManagedFields(old.metadata.managedFields, this.#managedWrite(info, opts, fields, present));
      if (entries.length > 0) meta['managedFields'] = entries;
      else delete meta['managedFields'];
    }
    if (opts.dryRun === true) return deepFreeze({ ...obj, metadata: { ...meta, resourceVersion: old.metadata.resourceVersion } } as unknown as KubeObject);
    if (meta['deletionTimestamp'] !== undefined && !hasItems(meta['finalizers'])) {
      delete meta['finalizers'];
      return this.#remove({ resource: info.key, object: obj });
    }
    return this.#commit('MODIFIED', info.key, obj);
  }

  delete(resource: ResourceName, namespace: string | undefined, name: string, opts: DeleteOptions = {}): KubeObject | undefined {
    const info = this.#info(resource);
    if (info.storedAs !== info.key) {
      const gone = this.delete(info.storedAs, namespace, name, opts);
      return gone && toEventsV1(gone);
    }
    const old = this.#bucket(info.key).get(keyOf(info.namespaced ? (namespace ?? 'default') : undefined, name));
    if (!old) throw notFound(info, name);
    checkPreconditions(info, old, opts);
    if (opts.dryRun === true) return old;
    const policy = opts.propagationPolicy ?? 'Background';
    const ref: StoredRef = { resource: info.key, object: old };
    const uid = old.metadata.uid ?? '';
    const now = rfc3339(this.#clock.now());
    if (old.metadata.deletionTimestamp !== undefined) {
      if ((opts.gracePeriodSeconds ?? 1) === 0 && !hasItems(old.metadata.finalizers)) return this.#remove(ref);
      return old;
    }
    if (policy === 'Foreground') {
      const finalizers = [...(old.metadata.finalizers ?? []), FOREGROUND_FINALIZER];
      const marked = this.#commit('MODIFIED', info.key, withMeta(old, { deletionTimestamp: now, deletionGracePeriodSeconds: 0, finalizers }));
      cascade(this.#gc, uid, true);
      finalizeForeground(this.#gc, uid);
      return this.#bucket(info.key).get(keyOf(old.metadata.namespace, name)) ?? marked;
    }
    if (hasItems(old.metadata.finalizers)) return this.#commit('MODIFIED', info.key, withMeta(old, { deletionTimestamp: now, deletionGracePeriodSeconds: 0 }));
    const grace = opts.gracePeriodSeconds ?? 0;
    if (info.key === 'pods' && grace > 0 && isPlainObject(old['spec']) && typeof old['spec']['nodeName'] === 'string') {
      return this.#commit('MODIFIED', info.key, withMeta(old, { deletionTimestamp: rfc3339(this.#clock.now() + grace * 1000), deletionGracePeriodSeconds: grace }));
    }
    if (policy === 'Orphan') orphan(this.#gc, uid);
    if (info.key === 'namespaces') this.#deleteNamespaceContents(name);
    const gone = this.#remove(ref);
    if (policy === 'Background') cascade(this.#gc, uid, false);
    return gone;
  }

  /**
   * listAt returns the objects as they were at resourceVersion `rv` (a consistent snapshot, as etcd
   * serves the later pages of a paginated LIST), rebuilt from the current objects and the change
   * window; 'Expired' if the window no longer reaches back to `rv`.
   */
  listAt(resource: ResourceName, rv: number, opts: { readonly namespace?: string; readonly labelSelector?: string } = {}): readonly KubeObject[] | 'Expired' {
    const info = this.#info(resource);
    const got = this.changesSince(resource, rv);
    if (got.expired) return 'Expired';
    const ns = info.namespaced && opts.namespace !== undefined && opts.namespace !== '' ? opts.namespace : undefined;
    const then = rewind(this.list(resource, ns === undefined ? {} : { namespace: ns }), got.changes, ns);
    const selector = parseLabelSelector(opts.labelSelector);
    return then.filter((o) => matchesLabels(selector, o.metadata.labels));
  }

  subscribe(resource: ResourceName, fn: (change: StoredChange) => void): () => void {
    if (resource !== '*') {
      const info = this.#info(resource);
      if (info.storedAs !== info.key) {
        const view = (c: StoredChange): void => fn(eventsView(c, info.key));
        return this.subscribe(info.storedAs, view);
      }
    }
    let set = this.#subs.get(resource);
    if (!set) this.#subs.set(resource, (set = new Set()));
    const entry = (c: StoredChange): void => fn(c);
    set.add(entry);
    return () => set.delete(entry);
  }

  currentResourceVersion(): string {
    return String(this.#rv);
  }

  /**
   * changesSince returns the resource's changes after resourceVersion `rv`, oldest first, or
   * Expired (with the oldest resumable RV) if the window no longer reaches back that far.
   */
  changesSince(resource: ResourceName, rv: number): ChangesSince {
    const info = this.#info(resource);
    const got = this.#log(info.storedAs).since(rv);
    if (got.expired || info.storedAs === info.key) return got;
    return { expired: false, changes: got.changes.map((c) => eventsView(c, info.key)) };
  }

  /** compact forgets the change history of one resource (or all), so resuming a watch from any earlier RV gets 410. */
  compact(resource?: ResourceName): void {
    if (resource === undefined) for (const log of this.#logs.values()) log.compact(this.#rv);
    else this.#log(this.#info(resource).storedAs).compact(this.#rv);
  }

  /** countObjects counts the stored objects of a resource (cheap; for tests and benchmarks). */
  countObjects(resource: ResourceName): number {
    return this.#bucket(this.#info(resource).storedAs).size;
  }

  #info(resource: ResourceName): ResourceInfo {
    const info = resourceInfo(resource);
    if (!info) throw unknownResource(resource);
    return info;
  }

  #bucket(key: ResourceName): ObjectIndex {
    let b = this.#objects.get(key);
    if (!b) this.#objects.set(key, (b = new ObjectIndex()));
    return b;
  }

  #log(key: ResourceName): ChangeLog {
    let l = this.#logs.get(key);
    if (!l) this.#logs.set(key, (l = new ChangeLog(this.#window)));
    return l;
  }

  #uid(): string {
    const hex = Array.from({ length: 32 }, () => Math.floor(this.#random() * 16).toString(16));
    hex[12] = '4';
    hex[16] = '89ab'[Math.floor(this.#random() * 4)] ?? '8';
    const s = hex.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }

  #generateName(info: ResourceInfo, meta: Record<string, unknown>): string {
    const base = String(meta['generateName']);
    for (;;) {
      const suffix = Array.from({ length: 5 }, () => ALPHABET[Math.floor(this.#random() * ALPHABET.length)] ?? 'b').join('');
      const name = `${base}${suffix}`;
      if (!this.#bucket(info.key).has(keyOf(meta['namespace'] as string | undefined, name))) return name;
    }
  }

  #managedWrite(info: ResourceInfo, opts: StorageWriteOptions, fields: FieldSet, present: FieldSet): Parameters<typeof recordManagedFields>[1] {
    return {
      manager: opts.fieldManager ?? '',
      operation: opts.operation ?? 'Update',
      apiVersion: apiVersionOf(info),
      time: rfc3339(this.#clock.now()),
      fields,
      present,
      ...(opts.subresource === 'status' ? { subresource: 'status' as const } : {}),
    };
  }

  #mergeMainWrite(info: ResourceInfo, old: KubeObject, input: KubeObject): Mutable {
    const obj = cloneJson(input) as Mutable;
    obj.metadata = { ...obj.metadata };
    obj['apiVersion'] = apiVersionOf(info);
    obj['kind'] = info.kind;
    for (const f of SYSTEM_META) {
      const v = old.metadata[f];
      if (v === undefined) delete obj.metadata[f];
      else obj.metadata[f] = v;
    }
    if (info.namespaced) obj.metadata['namespace'] = old.metadata.namespace;
    else delete obj.metadata['namespace'];
    if (info.subresources.includes('status')) {
      if (old['status'] === undefined) delete obj['status'];
      else obj['status'] = old['status'];
    }
    applyDefaults(info.kind, obj, this.#addressBlock);
    const errors = validateObject(info, obj, old);
    if (errors.length > 0) throw invalid(info, old.metadata.name ?? '', errors);
    return obj;
  }

  #commit(type: ChangeType, key: ResourceName, obj: Record<string, unknown> | KubeObject): KubeObject {
    const rv = ++this.#rv;
    const meta = (obj as KubeObject).metadata;
    const metadata = { ...meta, resourceVersion: String(rv) };
    // apiVersion, kind, metadata first, as the real server serialises them (list items strip the first two).
    const ordered: Record<string, unknown> = { apiVersion: obj['apiVersion'], kind: obj['kind'], metadata };
    for (const [k, v] of Object.entries(obj)) if (k !== 'metadata' && v !== undefined) ordered[k] = v;
    const stored = deepFreeze(ordered as unknown as KubeObject);
    const k = keyOf(meta.namespace, meta.name ?? '');
    const prev = this.#bucket(key).get(k);
    if (prev) this.#unindex(prev, key, k);
    if (type === 'DELETED') this.#bucket(key).delete(k);
    else {
      this.#bucket(key).set(k, stored);
      this.#index(stored, key, k);
    }
    const change: StoredChange = { type, resource: key, object: stored, resourceVersion: String(rv), ...(prev ? { previous: prev } : {}) };
    this.#log(key).append(change, rv);
    this.#queue.push(change);
    this.#drain();
    return stored;
  }

  #drain(): void {
    if (this.#delivering) return;
    this.#delivering = true;
    try {
      for (let c = this.#queue.shift(); c !== undefined; c = this.#queue.shift()) {
        const change = c;
        for (const fn of [...(this.#subs.get(change.resource) ?? []), ...(this.#subs.get('*') ?? [])]) {
          try {
            fn(change);
          } catch (e) {
            queueMicrotask(() => {
              throw e;
            });
          }
        }
      }
    } finally {
      this.#delivering = false;
    }
  }

  #index(obj: KubeObject, resource: ResourceName, key: string): void {
    const uid = obj.metadata.uid;
    if (uid !== undefined) this.#byUid.set(uid, { resource, key });
    for (const r of obj.metadata.ownerReferences ?? []) {
      let set = this.#dependents.get(r.uid);
      if (!set) this.#dependents.set(r.uid, (set = new Set()));
      set.add(`${resource}\u0000${key}`);
    }
  }

  #unindex(obj: KubeObject, resource: ResourceName, key: string): void {
    if (obj.metadata.uid !== undefined) this.#byUid.delete(obj.metadata.uid);
    for (const r of obj.metadata.ownerReferences ?? []) {
      const set = this.#dependents.get(r.uid);
      set?.delete(`${resource}\u0000${key}`);
      if (set?.size === 0) this.#dependents.delete(r.uid);
    }
  }

  #remove(ref: StoredRef): KubeObject {
    const gone = this.#commit('DELETED', ref.resource, ref.object);
    for (const r of ref.object.metadata.ownerReferences ?? []) finalizeForeground(this.#gc, r.uid);
    return gone;
  }

  #deleteNamespaceContents(namespace: string): void {
    for (const [key, bucket] of this.#objects) {
      const info = resourceInfo(key);
      if (!info?.namespaced) continue;
      for (const obj of bucket.list(namespace)) if (bucket.has(keyOf(namespace, obj.metadata.name ?? ''))) this.#remove({ resource: key, object: obj });
    }
  }

  #gcHost(): GcHost {
    const lookup = (entry: { resource: ResourceName; key: string } | undefined): StoredRef | undefined => {
      const object = entry && this.#bucket(entry.resource).get(entry.key);
      return entry && object ? { resource: entry.resource, object } : undefined;
    };
    return {
      dependentsOf: (uid) =>
        [...(this.#dependents.get(uid) ?? [])].flatMap((s) => {
          const [resource = '', key = ''] = s.split('\u0000');
          const found = lookup({ resource, key });
          return found ? [found] : [];
        }),
      byUid: (uid) => lookup(this.#byUid.get(uid)),
      deleteDependent: (ref, policy) => {
        const { namespace, name = '' } = ref.object.metadata;
        if (!this.#bucket(ref.resource).has(keyOf(namespace, name))) return;
        // The GC's DELETE carries no grace period, so a pod gets its own terminationGracePeriodSeconds.
        const spec = ref.resource === 'pods' && isPlainObject(ref.object['spec']) ? ref.object['spec'] : undefined;
        const grace = spec === undefined ? undefined : typeof spec['terminationGracePeriodSeconds'] === 'number' ? spec['terminationGracePeriodSeconds'] : 30;
        this.delete(ref.resource, namespace, name, { propagationPolicy: policy, ...(grace === undefined ? {} : { gracePeriodSeconds: grace }) });
      },
      writeMetadata: (ref, object) => {
        this.#commit('MODIFIED', ref.resource, object);
      },
      remove: (ref) => {
        this.#remove(ref);
      },
    };
  }
}

export { selectorMatches } from './storage-rules.ts';

/** createSimStorage creates an empty SimStorage on a simulated clock. */
export function createSimStorage(clock: SimClock, options: SimStorageOptions = {}): SimStorage {
  return new SimStorage(clock, options);
}
