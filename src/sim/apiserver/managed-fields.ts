import type { KubeObject, ManagedFieldsEntry } from '../../kube/types.ts';
import { deepEqual, isPlainObject } from '../core/deep.ts';
import { listStrategy } from './patch/strategic.ts';

/**
 * FieldSet is a set of field paths in structured-merge-diff notation, each path encoded as its
 * elements (`f:spec`, `k:{"name":"app"}`, `v:"x"`, `.`) joined by SEP.
 */
export type FieldSet = ReadonlySet<string>;

const SEP = '\u0001';

// Metadata the server owns; never recorded in managedFields.
const SERVER_META = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink', 'generateName']);

// Maps whose own presence is recorded with a "." entry (string maps and optional structs), as real entries show
// (`f:labels: {".": {}, "f:app": {}}`, `f:rollingUpdate: {".": {}, …}`).
const DOT_MAPS = new Set(['labels', 'annotations', 'matchLabels', 'nodeSelector', 'data', 'stringData', 'binaryData', 'limits', 'requests', 'rollingUpdate', 'readinessProbe', 'livenessProbe', 'startupProbe', 'httpGet', 'tcpSocket', 'exec', 'configMap', 'secret', 'configMapKeyRef', 'secretKeyRef', 'valueFrom']);

// Fields that are atomic (owned as a whole): metav1.LabelSelector, Service selector, and an Event's
// object references (core/v1 ObjectReference is `+structType=atomic` in k8s.io/api core/v1 types.go).
const ATOMIC = new Set(['selector', 'involvedObject', 'regarding', 'related']);

// Sets of scalars, recorded per value (`v:"foregroundDeletion"`).
const SET_LISTS = new Set(['finalizers']);

/**
 * listItemKey returns the associative key of one list item (`k:{…}` element), or undefined for atomic
 * lists. The key fields are the lists' merge keys (`patch/strategic.ts` holds the one table); ports
 * alone key on two fields in structured-merge-diff, (containerPort|port, protocol), and protocol
 * defaults to TCP, so an applied port without it keys the same.
 */
function listItemKey(field: string, item: unknown): string | undefined {
  if (!isPlainObject(item)) return undefined;
  if (field === 'ports') {
    const port = item['containerPort'] !== undefined ? 'containerPort' : 'port';
    return `k:${JSON.stringify({ [port]: item[port], protocol: item['protocol'] ?? 'TCP' })}`;
  }
  const strategy = listStrategy(field, undefined);
  if (strategy.kind !== 'merge' || item[strategy.key] === undefined) return undefined;
  return `k:${JSON.stringify({ [strategy.key]: item[strategy.key] })}`;
}

function walk(value: unknown, field: string, path: readonly string[], out: Set<string>): void {
  const here = path.join(SEP);
  if (Array.isArray(value)) {
    if (SET_LISTS.has(field) && value.every((x) => typeof x === 'string')) {
      for (const x of value) out.add([...path, `v:${JSON.stringify(x)}`].join(SEP));
      return;
    }
    const keys = value.map((item) => listItemKey(field, item));
    if (value.length === 0 || keys.some((k) => k === undefined)) {
      out.add(here);
      return;
    }
    value.forEach((item, i) => {
      const itemPath = [...path, keys[i] ?? ''];
      out.add([...itemPath, '.'].join(SEP));
      walkMap(item as Record<string, unknown>, itemPath, out);
    });
    return;
  }
  if (isPlainObject(value) && !ATOMIC.has(field) && Object.keys(value).length > 0) {
    if (DOT_MAPS.has(field)) out.add([...path, '.'].join(SEP));
    walkMap(value, path, out);
    return;
  }
  out.add(here);
}

function walkMap(obj: Readonly<Record<string, unknown>>, path: readonly string[], out: Set<string>): void {
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) walk(v, k, [...path, `f:${k}`], out);
}

/** FieldScope chooses which part of an object a write manages: the main resource or the status subresource. */
export type FieldScope = 'main' | 'status';

/** fieldSetOf lists the managed field paths of an object (server-owned metadata excluded; status only in the status scope). */
export function fieldSetOf(obj: KubeObject, scope: FieldScope = 'main'): Set<string> {
  const out = new Set<string>();
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined || k === 'apiVersion' || k === 'kind') continue;
    if (k === 'metadata') {
      const meta = Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([mk]) => !SERVER_META.has(mk)));
      if (Object.keys(meta).length > 0) walkMap(meta, ['f:metadata'], out);
      continue;
    }
    if ((k === 'status') !== (scope === 'status') && k !== 'metadata') continue;
    walk(v, k, [`f:${k}`], out);
  }
  return out;
}

/** changedFields lists the paths of `after` whose value differs from `before` (added or changed). */
export function changedFields(before: KubeObject | undefined, after: KubeObject, scope: FieldScope = 'main'): Set<string> {
  const now = fieldSetOf(after, scope);
  if (!before) return now;
  const was = fieldSetOf(before, scope);
  const changed = new Set<string>();
  for (const p of now) if (!was.has(p) || !deepEqual(valueAt(before, p), valueAt(after, p))) changed.add(p);
  return changed;
}

function valueAt(obj: unknown, encoded: string): unknown {
  let cur: unknown = obj;
  for (const el of encoded.split(SEP)) {
    if (el === '.') return cur === undefined ? undefined : true;
    if (el.startsWith('f:')) {
      cur = isPlainObject(cur) ? cur[el.slice(2)] : undefined;
    } else if (el.startsWith('k:')) {
      const key = JSON.parse(el.slice(2)) as Record<string, unknown>;
      cur = Array.isArray(cur) ? cur.find((item) => isPlainObject(item) && Object.entries(key).every(([k, v]) => item[k] === v)) : undefined;
    } else if (el.startsWith('v:')) {
      const v = JSON.parse(el.slice(2)) as unknown;
      return Array.isArray(cur) && cur.includes(v);
    }
  }
  return cur;
}

/** toFieldsV1 renders a field set as the nested `fieldsV1` object of a managedFields entry. */
export function toFieldsV1(set: FieldSet): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const encoded of [...set].sort()) {
    let node = root;
    for (const el of encoded.split(SEP)) {
      const next = (node[el] as Record<string, unknown> | undefined) ?? {};
      node[el] = next;
      node = next;
    }
  }
  return root;
}

/** fromFieldsV1 parses a `fieldsV1` object back into a field set. */
export function fromFieldsV1(v1: unknown): Set<string> {
  const out = new Set<string>();
  const visit = (node: unknown, path: readonly string[]): void => {
    if (!isPlainObject(node)) return;
    const keys = Object.keys(node);
    if (keys.length === 0 && path.length > 0) out.add(path.join(SEP));
    for (const k of keys) visit(node[k], [...path, k]);
  };
  visit(v1, []);
  return out;
}

/** ManagedWrite describes one write for managedFields bookkeeping. */
export interface ManagedWrite {
  readonly manager: string;
  readonly operation: 'Apply' | 'Update';
  readonly apiVersion: string;
  /** RFC 3339 time of the write. */
  readonly time: string;
  readonly subresource?: 'status';
  /** Fields the write set (Update: changed fields; Apply: every field in the applied configuration). */
  readonly fields: FieldSet;
  /** Every field present in the object after the write; entries are trimmed to it. */
  readonly present: FieldSet;
}

function sameOwner(e: ManagedFieldsEntry, w: ManagedWrite): boolean {
  return e.manager === w.manager && e.operation === w.operation && (e.subresource ?? undefined) === w.subresource;
}

/**
 * recordManagedFields returns the object's new managedFields after a write, merged like the real
 * server: the writer's entry (one per manager + operation + subresource) gains the written fields
 * (Apply: is replaced by them), every other entry loses them, entries are trimmed to fields still
 * present, and empty entries are dropped. The writer's entry is appended if new.
 * Example: `kubectl-client-side-apply` owns f:spec/f:template; `kubectl-set` changes the image →
 * the image path moves to `kubectl-set`, the rest of the template stays with apply.
 */
export function recordManagedFields(entries: readonly ManagedFieldsEntry[] | undefined, w: ManagedWrite): ManagedFieldsEntry[] {
  const out: ManagedFieldsEntry[] = [];
  let mine: Set<string> | undefined;
  for (const e of entries ?? []) {
    const set = fromFieldsV1(e.fieldsV1);
    if (sameOwner(e, w)) {
      mine = w.operation === 'Apply' ? new Set(w.fields) : new Set([...set, ...w.fields]);
      out.push({ ...e, apiVersion: w.apiVersion, time: w.time, fieldsV1: mine });
      continue;
    }
    for (const p of w.fields) set.delete(p);
    out.push({ ...e, fieldsV1: set });
  }
  if (!mine && w.fields.size > 0) {
    out.push({
      manager: w.manager,
      operation: w.operation,
      apiVersion: w.apiVersion,
      time: w.time,
      fieldsType: 'FieldsV1',
      fieldsV1: new Set(w.fields),
      ...(w.subresource === undefined ? {} : { subresource: w.subresource }),
    });
  }
  return out.flatMap((e) => {
    const set = [...(e.fieldsV1 as Set<string>)].filter((p) => w.present.has(p) || e.subresource !== w.subresource);
    return set.length === 0 ? [] : [{ ...e, fieldsV1: toFieldsV1(new Set(set)) }];
  });
}
