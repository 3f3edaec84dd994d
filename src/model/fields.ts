import type { Instant } from '../lib/clock.ts';
import { err, ok, type Result } from '../lib/result.ts';
import { internString, Interner } from './intern.ts';
import type { ConditionRecord, ObjectIdentity } from './records.ts';

/**
 * Field readers for untrusted wire JSON. Every reader takes `unknown`, never throws, and either
 * returns a typed value (missing means the Kubernetes zero value, since the API omits zero fields)
 * or an error string that names the field path and what is wrong with it.
 */

/** JsonObject is a parsed JSON object whose fields are still unchecked. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** isJsonObject tells whether a value is a plain JSON object (not null, not an array). */
export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** describeType names a value's JSON type for error messages ("array", "null", "number"…). */
export function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** at joins a field path and a key: at('', 'spec') → 'spec', at('spec', 'replicas') → 'spec.replicas'. */
const at = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

const mistyped = (path: string, v: unknown, want: string): string => `${path} is ${describeType(v)}, expected ${want}`;

/**
 * SHARED_VALUE_FIELDS are fields whose values repeat across many objects (every pod of a
 * ReplicaSet runs the same image, digest and often node): readString shares one copy of each.
 */
const SHARED_VALUE_FIELDS: ReadonlySet<string> = new Set(['image', 'imageID', 'nodeName', 'hostIP', 'restartPolicy']);

/** readString reads an optional string field; absent → `fallback`. Values of SHARED_VALUE_FIELDS are interned. */
export function readString(o: JsonObject, key: string, path: string, fallback = ''): Result<string, string> {
  const v = o[key];
  if (v === undefined || v === null) return ok(fallback);
  if (typeof v !== 'string') return err(mistyped(`${at(path, key)}`, v, 'string'));
  return ok(SHARED_VALUE_FIELDS.has(key) ? internString(v) : v);
}

/** readInt reads an optional integer field; absent → `fallback`. Non-integers and non-finite numbers are errors. */
export function readInt(o: JsonObject, key: string, path: string, fallback = 0): Result<number, string> {
  const v = o[key];
  if (v === undefined || v === null) return ok(fallback);
  return typeof v === 'number' && Number.isSafeInteger(v) ? ok(v) : err(mistyped(`${at(path, key)}`, v, 'integer'));
}

/** readBool reads an optional boolean field; absent → false. */
export function readBool(o: JsonObject, key: string, path: string): Result<boolean, string> {
  const v = o[key];
  if (v === undefined || v === null) return ok(false);
  return typeof v === 'boolean' ? ok(v) : err(mistyped(`${at(path, key)}`, v, 'boolean'));
}

/** readObject reads an optional object field; absent → an empty object. */
export function readObject(o: JsonObject, key: string, path: string): Result<JsonObject, string> {
  const v = o[key];
  if (v === undefined || v === null) return ok(EMPTY);
  return isJsonObject(v) ? ok(v) : err(mistyped(`${at(path, key)}`, v, 'object'));
}

/** readArray reads an optional array field; absent → an empty array. */
export function readArray(o: JsonObject, key: string, path: string): Result<readonly unknown[], string> {
  const v = o[key];
  if (v === undefined || v === null) return ok([]);
  return Array.isArray(v) ? ok(v as readonly unknown[]) : err(mistyped(`${at(path, key)}`, v, 'array'));
}

/**
 * readTime reads an optional RFC 3339 timestamp as epoch milliseconds; absent → null.
 * Example: "2024-05-01T10:00:00Z" → 1714557600000; "yesterday" → error.
 */
export function readTime(o: JsonObject, key: string, path: string): Result<Instant | null, string> {
  const v = o[key];
  if (v === undefined || v === null) return ok(null);
  if (typeof v !== 'string') return err(mistyped(`${at(path, key)}`, v, 'RFC 3339 timestamp'));
  const t = parseTime(v);
  return Number.isFinite(t) ? ok(t) : err(`${at(path, key)} is not an RFC 3339 timestamp: ${clip(v)}`);
}

let lastTimeText = '';
let lastTime = NaN;

/**
 * parseTime is Date.parse with a one-entry memo. Objects repeat the same timestamps over and over
 * (every condition of a pod, every managedFields entry of one write), and comparing two short
 * strings costs a fifth of parsing one, measured on the ingest benchmark. The memo is invisible
 * to callers: same input, same output.
 * Example: parseTime('2024-05-01T10:00:00Z') → 1714557600000; parseTime('nope') → NaN.
 */
export function parseTime(text: string): number {
  if (text === lastTimeText) return lastTime;
  const t = text.length === 20 ? parseSecondsUtc(text) : Date.parse(text);
  lastTimeText = text;
  lastTime = t;
  return t;
}

/** digit is the value of the ASCII digit at `i`, or NaN. */
function digit(text: string, i: number): number {
  const d = text.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
}

/**
 * parseSecondsUtc reads `YYYY-MM-DDTHH:MM:SSZ`, the form the API server writes every metav1.Time
 * in, without Date.parse's general parser (half its cost, measured on the ingest benchmark);
 * anything else of 20 characters goes to Date.parse. Example: '2024-05-01T10:00:00Z' → 1714557600000.
 */
function parseSecondsUtc(text: string): number {
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58 || text.charCodeAt(19) !== 90) return Date.parse(text);
  const year = digit(text, 0) * 1000 + digit(text, 1) * 100 + digit(text, 2) * 10 + digit(text, 3);
  const month = digit(text, 5) * 10 + digit(text, 6);
  const day = digit(text, 8) * 10 + digit(text, 9);
  const hour = digit(text, 11) * 10 + digit(text, 12);
  const minute = digit(text, 14) * 10 + digit(text, 15);
  const second = digit(text, 17) * 10 + digit(text, 18);
  // Anything unusual (month 13, 25:00, days past the 28th, years before 1000) is left to Date.parse, which decides as it always did.
  if (!(year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= 28 && hour <= 23 && minute <= 59 && second <= 59)) return Date.parse(text);
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/**
 * MAX_METADATA_MAP_CHARS bounds the total size of labels or annotations we accept: the API server
 * rejects annotations over 256 KiB in total (apimachinery ValidateAnnotations, TotalAnnotationSizeLimitB),
 * so anything bigger did not come from a conforming server. Counted in UTF-16 code units (≈ bytes for ASCII).
 */
export const MAX_METADATA_MAP_CHARS = 256 * 1024;

/** readStringMap reads an optional map of strings (labels, annotations, selectors); absent → {}. */
export function readStringMap(o: JsonObject, key: string, path: string): Result<Readonly<Record<string, string>>, string> {
  const v = o[key];
  if (v === undefined || v === null) return ok(EMPTY_MAP);
  if (!isJsonObject(v)) return err(mistyped(`${at(path, key)}`, v, 'map of strings'));
  let size = 0;
  const entries: [string, string][] = [];
  for (const [k, value] of Object.entries(v)) {
    if (typeof value !== 'string') return err(mistyped(`${at(path, key)}[${JSON.stringify(clip(k))}]`, value, 'string'));
    size += k.length + value.length;
    entries.push([k, value]);
  }
  if (size > MAX_METADATA_MAP_CHARS) return err(`${at(path, key)} holds ${size} characters, over the API server's limit of ${MAX_METADATA_MAP_CHARS}`);
  // Object.fromEntries defines own properties, so a "__proto__" key stays data and never sets the prototype.
  return ok(entries.length === 0 ? EMPTY_MAP : Object.freeze(Object.fromEntries(entries)));
}

/**
 * checkKind verifies an object's `kind` when it has one (list items carry none, watch events do).
 * Example: checkKind({kind: 'Pod'}, 'Deployment') → err('kind is "Pod", expected Deployment'); a non-string kind is named by its type.
 */
export function checkKind(o: JsonObject, want: string): Result<true, string> {
  if (o.kind === undefined || o.kind === want) return ok(true);
  return err(`kind is ${typeof o.kind === 'string' ? JSON.stringify(clip(o.kind)) : describeType(o.kind)}, expected ${want}`);
}

/**
 * MAX_DEPTH bounds how deeply nested an object may be before projections that walk it (template
 * fingerprints, redaction) refuse it: real objects nest about 15 levels; JSON.parse accepts
 * 100 000, which would overflow the stack of any recursive walk.
 */
export const MAX_DEPTH = 64;

/** exceedsDepth tells whether a JSON value nests deeper than `limit` levels; its own recursion stops at `limit`. */
export function exceedsDepth(v: unknown, limit: number = MAX_DEPTH): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (limit <= 0) return true;
  // Arrays by index: for-in would enumerate their indexes as strings (measured: 3x slower on a Deployment).
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (exceedsDepth(v[i], limit - 1)) return true;
    return false;
  }
  for (const k in v) if (exceedsDepth((v as Record<string, unknown>)[k], limit - 1)) return true;
  return false;
}

/** clip shortens a string for an error message (at most 64 characters). */
export function clip(s: string): string {
  return s.length > 64 ? `${s.slice(0, 61)}...` : s;
}

const EMPTY: JsonObject = Object.freeze({});
const EMPTY_LIST: readonly never[] = Object.freeze([]);

/**
 * frozenList freezes a list a projection built, at its exact length: an array grown by `push`
 * keeps spare capacity (17 slots, 152 bytes, for one element), which records would hold forever.
 * The empty list is one shared instance. Example: frozenList([a]) → a frozen one-slot [a].
 */
export function frozenList<T>(items: readonly T[]): readonly T[] {
  if (items.length === 0) return EMPTY_LIST;
  return Object.freeze(items.length === 1 ? [items[0] as T] : items.slice());
}
const EMPTY_MAP: Readonly<Record<string, string>> = Object.freeze({});

/** ObjectSubject is how a malformed object is named in errors: kind, namespace and name as far as known. */
export function objectSubject(kind: string, obj: unknown): string {
  const meta = isJsonObject(obj) && isJsonObject(obj.metadata) ? obj.metadata : {};
  const name = typeof meta.name === 'string' ? clip(meta.name) : '<no name>';
  const ns = typeof meta.namespace === 'string' && meta.namespace !== '' ? `${clip(meta.namespace)}/` : '';
  return `${kind} ${ns}${name}`;
}

/** Unwrapped is the value type of a Result. */
type Unwrapped<R> = R extends { readonly ok: true; readonly value: infer V } ? V : never;

/**
 * all collects a record of Results into one Result of the values, or the first error.
 * Example: all({ a: ok(1), b: err('x') }) → err('x').
 */
export function all<T extends Record<string, Result<unknown, string>>>(fields: T): Result<{ readonly [K in keyof T]: Unwrapped<T[K]> }, string> {
  // for-in over the literal's own keys (no Object.entries arrays): this runs several times per object on the ingest path.
  const out: Record<string, unknown> = {};
  for (const k in fields) {
    const r = fields[k]!;
    if (!r.ok) return r;
    out[k] = r.value;
  }
  return ok(out as { readonly [K in keyof T]: Unwrapped<T[K]> });
}

/**
 * checkStringMap validates metadata[key] as a map of strings within MAX_METADATA_MAP_CHARS without
 * copying it: every record is checked, so an object carrying, say, 1 MiB of annotations is refused
 * even by projections that do not keep annotations.
 */
function checkStringMap(m: JsonObject, key: string): Result<true, string> {
  const v = m[key];
  if (v === undefined || v === null) return ok(true);
  if (!isJsonObject(v)) return err(mistyped(`metadata.${key}`, v, 'map of strings'));
  let size = 0;
  for (const k in v) {
    if (!Object.hasOwn(v, k)) continue;
    const value = v[k];
    if (typeof value !== 'string') return err(mistyped(`metadata.${key}[${JSON.stringify(clip(k))}]`, value, 'string'));
    size += k.length + value.length;
  }
  if (size > MAX_METADATA_MAP_CHARS) return err(`metadata.${key} holds ${size} characters, over the API server's limit of ${MAX_METADATA_MAP_CHARS}`);
  return ok(true);
}

/** readIdentity reads the ObjectIdentity every record carries. name, uid and resourceVersion are required; annotations are checked (type, size) but not kept. */
export function readIdentity(obj: unknown): Result<ObjectIdentity, string> {
  if (!isJsonObject(obj)) return err(`object is ${describeType(obj)}, expected object`);
  if (!isJsonObject(obj.metadata)) return err(mistyped('metadata', obj.metadata, 'object'));
  const m = obj.metadata;
  const namespace = readString(m, 'namespace', 'metadata');
  if (!namespace.ok) return namespace;
  const name = readString(m, 'name', 'metadata');
  if (!name.ok) return name;
  const uid = readString(m, 'uid', 'metadata');
  if (!uid.ok) return uid;
  const resourceVersion = readString(m, 'resourceVersion', 'metadata');
  if (!resourceVersion.ok) return resourceVersion;
  const creationTimestamp = readTime(m, 'creationTimestamp', 'metadata');
  if (!creationTimestamp.ok) return creationTimestamp;
  const deletionTimestamp = readTime(m, 'deletionTimestamp', 'metadata');
  if (!deletionTimestamp.ok) return deletionTimestamp;
  const labels = internMap(readStringMap(m, 'labels', 'metadata'));
  if (!labels.ok) return labels;
  const owner = readControllerOwner(m);
  if (!owner.ok) return owner;
  const annotations = checkStringMap(m, 'annotations');
  if (!annotations.ok) return annotations;
  if (name.value === '') return err('metadata.name is missing');
  if (uid.value === '') return err('metadata.uid is missing');
  if (resourceVersion.value === '') return err('metadata.resourceVersion is missing');
  // A literal of fixed shape (not `all`): every record starts from this object, and a fixed shape
  // keeps V8's layout compact (measured: a quarter less memory per record than dynamic keys).
  return ok({
    namespace: internString(namespace.value),
    name: name.value,
    uid: uid.value,
    resourceVersion: resourceVersion.value,
    creationTimestamp: creationTimestamp.value,
    deletionTimestamp: deletionTimestamp.value,
    labels: labels.value,
    owner: owner.value,
  });
}

function readControllerOwner(m: JsonObject): Result<ObjectIdentity['owner'], string> {
  const refs = readArray(m, 'ownerReferences', 'metadata');
  if (!refs.ok) return refs;
  for (const [i, ref] of refs.value.entries()) {
    const path = `metadata.ownerReferences[${i}]`;
    if (!isJsonObject(ref)) return err(mistyped(path, ref, 'object'));
    if (ref.controller !== true) continue;
    const owner = all({ kind: readString(ref, 'kind', path), name: readString(ref, 'name', path), uid: readString(ref, 'uid', path) });
    if (!owner.ok) return owner;
    const { kind, name, uid } = owner.value;
    return ok(sharedOwner(kind, name, uid));
  }
  return ok(null);
}

/** sharedOwner is the owner record readIdentity keeps for a controller reference (one shared frozen record per uid). */
export function sharedOwner(kind: string, name: string, uid: string): NonNullable<ObjectIdentity['owner']> {
  // Keyed by uid alone: one uid names one object, whose kind and name never change.
  const shared = owners.peek(uid);
  if (shared !== undefined && shared.name === name && shared.kind === kind) return shared;
  return owners.replace(uid, Object.freeze({ kind: internString(kind), name: internString(name), uid: internString(uid) }));
}

const owners = new Interner<NonNullable<ObjectIdentity['owner']>>();
const lastConditionByType = new Interner<ConditionRecord>(1024);

/**
 * shareCondition returns the previous record of the same condition type when it is equal field by
 * field (no key to build: objects stream in with the same conditions over and over, e.g. every pod
 * of a rollout that became Ready in the same second), else freezes and remembers `c`.
 */
export function shareCondition(c: ConditionRecord): ConditionRecord {
  const prev = lastConditionByType.peek(c.type);
  if (
    prev !== undefined &&
    prev.status === c.status &&
    prev.reason === c.reason &&
    prev.message === c.message &&
    prev.lastTransitionTime === c.lastTransitionTime &&
    prev.lastUpdateTime === c.lastUpdateTime
  )
    return prev;
  return lastConditionByType.replace(c.type, Object.freeze(c));
}
const labelMaps = new Interner<Readonly<Record<string, string>>>();
const NO_CONDITIONS: readonly ConditionRecord[] = Object.freeze([]);

/**
 * sharedLabels is the labels map readIdentity keeps for the flat entries `[k0, v0, k1, v1, …]`,
 * for a projection that read them itself: the caller has checked them as readStringMap does
 * (within MAX_METADATA_MAP_CHARS) and that no key is duplicated or index-like (an object would
 * reorder those). Equal maps are one shared frozen object.
 */
export function sharedLabels(flat: readonly string[]): Readonly<Record<string, string>> {
  if (flat.length === 0) return EMPTY_MAP;
  // The map returned last, when its entries are the same (consecutive events are often pods of one ReplicaSet): no key to build.
  if (flat.length === lastFlat.length) {
    let i = 0;
    while (i < flat.length && flat[i] === lastFlat[i]) i++;
    if (i === flat.length) return lastLabels;
  }
  lastFlat = flat;
  lastLabels = sharedFlat(flat);
  return lastLabels;
}

let lastFlat: readonly string[] = [];
let lastLabels: Readonly<Record<string, string>> = EMPTY_MAP;

function sharedFlat(flat: readonly string[]): Readonly<Record<string, string>> {
  let key = '';
  for (let i = 0; i < flat.length; i += 2) key += `${flat[i]}\u0000${flat[i + 1]}\u0000`;
  const hit = labelMaps.peek(key);
  if (hit !== undefined) return hit;
  const map: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) map[flat[i] as string] = flat[i + 1] as string;
  return labelMaps.intern(key, Object.freeze(map));
}

/** internMap shares equal label maps between records (the pods of one ReplicaSet all carry the same labels). */
function internMap(r: Result<Readonly<Record<string, string>>, string>): Result<Readonly<Record<string, string>>, string> {
  if (!r.ok || r.value === EMPTY_MAP) return r;
  let key = '';
  for (const k in r.value) key += `${k}\u0000${r.value[k]}\u0000`;
  return ok(labelMaps.intern(key, r.value));
}

/** readConditions reads `status.conditions` (or any conditions array) into frozen records; with `keep`, only conditions of those types are kept (all are validated). */
export function readConditions(status: JsonObject, path: string, keep?: ReadonlySet<string>): Result<readonly ConditionRecord[], string> {
  const arr = readArray(status, 'conditions', path);
  if (!arr.ok) return arr;
  const out: ConditionRecord[] = [];
  for (const [i, c] of arr.value.entries()) {
    const p = `${path}.conditions[${i}]`;
    if (!isJsonObject(c)) return err(mistyped(p, c, 'object'));
    const r = all({
      type: readString(c, 'type', p),
      status: readString(c, 'status', p, 'Unknown'),
      reason: readString(c, 'reason', p),
      message: readString(c, 'message', p),
      lastTransitionTime: readTime(c, 'lastTransitionTime', p),
      lastUpdateTime: readTime(c, 'lastUpdateTime', p),
    });
    if (!r.ok) return r;
    const s = r.value.status;
    if (s !== 'True' && s !== 'False' && s !== 'Unknown') return err(`${p}.status is ${JSON.stringify(clip(s))}, expected True, False or Unknown`);
    const v = r.value;
    if (keep !== undefined && !keep.has(v.type)) continue; // validated, not kept
    out.push(shareCondition({ type: internString(v.type), status: s === 'True' ? 'True' : s === 'False' ? 'False' : 'Unknown', reason: internString(v.reason), message: v.message, lastTransitionTime: v.lastTransitionTime, lastUpdateTime: v.lastUpdateTime }));
  }
  return ok(out.length === 0 ? NO_CONDITIONS : frozenList(out));
}
