import { fieldNumber, readLen, readString, readUncached, StringCache, type Cursor } from '../lib/kube-protobuf/decode.ts';
import { LEN, readVarint, skipField, VARINT } from '../lib/kube-protobuf/wire.ts';
import { MAX_METADATA_MAP_CHARS, sharedOwner } from './fields.ts';
import { internString } from './intern.ts';
import type { ConditionRecord, ObjectIdentity } from './records.ts';

/**
 * The readers shared by the direct-from-bytes projections (project-*-protobuf.ts). Each reads one
 * field's value at the cursor `c` exactly as the generic masked decoder (lib/kube-protobuf/decode.ts)
 * reads it, and throws Bail wherever the generic path might answer anything other than the record:
 * a wrong wire type, an integer beyond 2^53, a time outside years 1970–9999, a map key an object
 * would treat specially. A projection catches everything it throws and returns undefined, so the
 * caller takes the generic path, which makes the record or names the error exactly as before.
 * Decoding is synchronous and never re-entered, so one cursor serves every reader.
 */

/** Bail is thrown where the generic path must decide; never escapes a direct projection. */
export class Bail extends Error {}

export const bail = (): never => {
  throw new Bail();
};

/**
 * orGeneric runs a direct reader on the message in [start, end) of `buf` and returns its record,
 * or undefined — leave the object to the generic path — if it threw anything (Bail, ProtoError).
 */
export function orGeneric<R>(read: (buf: Uint8Array, start: number, end: number) => R, buf: Uint8Array, start: number, end: number): R | undefined {
  try {
    return read(buf, start, end);
  } catch {
    return undefined;
  }
}

/** The one cursor. */
export const c: Cursor = { pos: 0 };

/** lenOf requires wire type LEN and returns where the value ends. */
export function lenOf(buf: Uint8Array, wire: number): number {
  if (wire !== LEN) bail();
  return readLen(buf, c);
}

/**
 * str reads a string field's value (wire LEN) as the generic decoder does (through its string
 * cache, so equal short strings are one copy). The generic decoder leaves zero scalars out, so a
 * later '' (or 0, false, zero time) never replaces an earlier value of the same field: callers
 * write `x = str(…) || x`.
 */
export function str(buf: Uint8Array, wire: number): string {
  const e = lenOf(buf, wire);
  const s = readString(buf, c.pos, e);
  c.pos = e;
  return s;
}

/** ustr reads a string field's value that rarely repeats between events (name, uid, resourceVersion): the same text as str, without the cache. */
export function ustr(buf: Uint8Array, wire: number): string {
  const e = lenOf(buf, wire);
  const s = readUncached(buf, c.pos, e);
  c.pos = e;
  return s;
}

/**
 * SHARED holds the strings projections intern (namespace, node, images, names, phases, reasons,
 * managers) as their interned copies, up to 256 characters (image digests run to about 100): a
 * repeated value costs a hash of its bytes, no decoding and no intern-table lookup. Same content as
 * internString gives; after the intern table starts over, a cached copy may outlive its entry there.
 */
const SHARED = new StringCache(4096, 256, internString);

/** istr reads a string field's value, interned (see SHARED). */
export function istr(buf: Uint8Array, wire: number): string {
  const e = lenOf(buf, wire);
  const s = SHARED.read(buf, c.pos, e);
  c.pos = e;
  return s;
}

/** int reads an integer field (wire VARINT) that projections accept: a safe integer. */
export function int(buf: Uint8Array, wire: number): number {
  if (wire !== VARINT) bail();
  const v = readVarint(buf, c);
  if (!Number.isSafeInteger(v)) bail();
  return v;
}

export function bool(buf: Uint8Array, wire: number): boolean {
  if (wire !== VARINT) bail();
  return readVarint(buf, c) !== 0;
}

/** LATEST_SECONDS is 9999-12-31T23:59:59Z: the decoder formats times of years up to 9999 itself. */
const LATEST_SECONDS = 253_402_300_799;

/**
 * time reads a meta/v1 Time (seconds=1, nanos=2) as epoch milliseconds, null for the zero time —
 * what readTime makes of the text the generic decoder writes (whole seconds). The message's own
 * end is not checked, as the generic reader does not.
 */
export function time(buf: Uint8Array, wire: number): number | null {
  const e = lenOf(buf, wire);
  let seconds = 0;
  let nanos = 0;
  while (c.pos < e) {
    const tag = readVarint(buf, c);
    const w = tag & 7;
    if (w === VARINT) {
      const v = readVarint(buf, c);
      if (tag >>> 3 === 1) seconds = v;
      else if (tag >>> 3 === 2) nanos = v;
    } else skipField(buf, c, w);
  }
  c.pos = e;
  if (seconds === 0 && nanos === 0) return null;
  if (!(seconds >= 0 && seconds <= LATEST_SECONDS)) bail();
  return seconds * 1000;
}

/** ended checks that a message's last field ended exactly at its end, as decodeRange does. */
export function ended(e: number): void {
  if (c.pos !== e) bail();
}

/**
 * readStringMapEntry reads one entry of a map<string, string> field (labels, annotations,
 * matchLabels) at the cursor, ending at `e`, and pushes key and value onto `flat`, returning the
 * characters they add. It steps aside (Bail) on what an object would not keep as read: an
 * index-like key (reordered) or `__proto__`, and a key already in `flat` (overwritten in place).
 */
export function readStringMapEntry(buf: Uint8Array, e: number, flat: string[]): number {
  let key = '';
  let value = '';
  while (c.pos < e) {
    const t = readVarint(buf, c);
    const w = t & 7;
    if (t >>> 3 === 1 && w === LEN) key = str(buf, w); // map entries keep zero values
    else if (t >>> 3 === 2) value = str(buf, w);
    else skipField(buf, c, w);
  }
  c.pos = e;
  const first = key.charCodeAt(0);
  if ((first >= 48 && first <= 57) || key === '__proto__') bail();
  for (let i = 0; i < flat.length; i += 2) if (flat[i] === key) bail();
  flat.push(key, value);
  return key.length + value.length;
}

const META = {
  name: fieldNumber('meta.ObjectMeta', 'name'), namespace: fieldNumber('meta.ObjectMeta', 'namespace'), uid: fieldNumber('meta.ObjectMeta', 'uid'),
  resourceVersion: fieldNumber('meta.ObjectMeta', 'resourceVersion'), creationTimestamp: fieldNumber('meta.ObjectMeta', 'creationTimestamp'),
  deletionTimestamp: fieldNumber('meta.ObjectMeta', 'deletionTimestamp'), labels: fieldNumber('meta.ObjectMeta', 'labels'), ownerReferences: fieldNumber('meta.ObjectMeta', 'ownerReferences'),
  generation: fieldNumber('meta.ObjectMeta', 'generation'), annotations: fieldNumber('meta.ObjectMeta', 'annotations'), managedFields: fieldNumber('meta.ObjectMeta', 'managedFields'),
};
const OWNER = {
  kind: fieldNumber('meta.OwnerReference', 'kind'), name: fieldNumber('meta.OwnerReference', 'name'), uid: fieldNumber('meta.OwnerReference', 'uid'),
  apiVersion: fieldNumber('meta.OwnerReference', 'apiVersion'), controller: fieldNumber('meta.OwnerReference', 'controller'), blockOwnerDeletion: fieldNumber('meta.OwnerReference', 'blockOwnerDeletion'),
};

/**
 * Meta is what readMeta read of an ObjectMeta: readIdentity's fields (labels flat, unchecked for
 * sharing), and for `more` the generation, annotations (flat) and where each managedFields entry lies.
 */
export interface Meta {
  name: string;
  namespace: string;
  uid: string;
  resourceVersion: string;
  creationTimestamp: number | null;
  deletionTimestamp: number | null;
  labels: string[];
  owner: ObjectIdentity['owner'];
  generation: number;
  annotations: string[];
  /** [start, end) of each managedFields entry, in wire order. */
  managedFields: number[];
}

/** Without `more`, nothing is pushed onto these: shared instead of two new arrays per Pod event. */
const NONE = Object.freeze([]) as unknown as string[];
const NO_RANGES = Object.freeze([]) as unknown as number[];

/**
 * readMeta reads an ObjectMeta ending at `end`: the identity every projection reads (the IDENTITY
 * mask of kube/resources.ts) and, with `more`, generation, annotations and managedFields (the
 * workload mask; without it they are skipped unread, as that mask skips them). It steps aside when
 * labels or annotations exceed MAX_METADATA_MAP_CHARS, which readIdentity refuses.
 */
export function readMeta(buf: Uint8Array, end: number, more: boolean): Meta {
  const m: Meta = { name: '', namespace: '', uid: '', resourceVersion: '', creationTimestamp: null, deletionTimestamp: null, labels: [], owner: null, generation: 0, annotations: more ? [] : NONE, managedFields: more ? [] : NO_RANGES };
  let ownerFound = false;
  let labelChars = 0;
  let annotationChars = 0;
  while (c.pos < end) {
    const tag = readVarint(buf, c);
    const num = tag >>> 3;
    const wire = tag & 7;
    if (num === META.name) m.name = ustr(buf, wire) || m.name;
    else if (num === META.namespace) m.namespace = istr(buf, wire) || m.namespace;
    else if (num === META.uid) m.uid = ustr(buf, wire) || m.uid;
    else if (num === META.resourceVersion) m.resourceVersion = ustr(buf, wire) || m.resourceVersion;
    else if (num === META.creationTimestamp) m.creationTimestamp = time(buf, wire) ?? m.creationTimestamp;
    else if (num === META.deletionTimestamp) m.deletionTimestamp = time(buf, wire) ?? m.deletionTimestamp;
    else if (num === META.labels) {
      labelChars += readStringMapEntry(buf, lenOf(buf, wire), m.labels);
      if (labelChars > MAX_METADATA_MAP_CHARS) bail();
    } else if (num === META.ownerReferences) {
      const owner = readOwnerReference(buf, lenOf(buf, wire));
      if (!ownerFound && owner !== null) {
        m.owner = owner;
        ownerFound = true;
      }
    } else if (more && num === META.generation) m.generation = int(buf, wire) || m.generation;
    else if (more && num === META.annotations) {
      annotationChars += readStringMapEntry(buf, lenOf(buf, wire), m.annotations);
      if (annotationChars > MAX_METADATA_MAP_CHARS) bail();
    } else if (more && num === META.managedFields) {
      const e = lenOf(buf, wire);
      m.managedFields.push(c.pos, e);
      c.pos = e;
    } else skipField(buf, c, wire);
  }
  ended(end);
  return m;
}

/** readOwnerReference checks one reference as the generic decoder would and returns the shared owner record if it is the controller. */
function readOwnerReference(buf: Uint8Array, end: number): ObjectIdentity['owner'] {
  let kind = '';
  let name = '';
  let uid = '';
  let controller = false;
  while (c.pos < end) {
    const tag = readVarint(buf, c);
    const num = tag >>> 3;
    const wire = tag & 7;
    if (num === OWNER.kind) kind = str(buf, wire) || kind;
    else if (num === OWNER.name) name = str(buf, wire) || name;
    else if (num === OWNER.uid) uid = str(buf, wire) || uid;
    else if (num === OWNER.apiVersion) str(buf, wire);
    else if (num === OWNER.controller) controller = bool(buf, wire);
    else if (num === OWNER.blockOwnerDeletion) bool(buf, wire);
    else skipField(buf, c, wire);
  }
  ended(end);
  return controller ? sharedOwner(kind, name, uid) : null;
}

/** ConditionFields are the field numbers of a condition message (core.PodCondition, apps.DeploymentCondition); -1 for a field the message lacks. */
export interface ConditionFields {
  readonly type: number;
  readonly status: number;
  readonly reason: number;
  readonly message: number;
  readonly lastTransitionTime: number;
  readonly lastUpdateTime: number;
}

/** conditionFields looks up ConditionFields of `message` (the schema's JSON names); `lastUpdateTime` only if the message has it. */
export function conditionFields(message: string, lastUpdateTime: boolean): ConditionFields {
  return {
    type: fieldNumber(message, 'type'), status: fieldNumber(message, 'status'), reason: fieldNumber(message, 'reason'), message: fieldNumber(message, 'message'),
    lastTransitionTime: fieldNumber(message, 'lastTransitionTime'), lastUpdateTime: lastUpdateTime ? fieldNumber(message, 'lastUpdateTime') : -1,
  };
}

/**
 * readCondition reads one condition message ending at `end` into the record readConditions makes
 * of it (neither frozen nor shared yet): type and reason interned, an absent status read as
 * Unknown; it steps aside on any other status than True, False or Unknown, which readConditions refuses.
 */
export function readCondition(buf: Uint8Array, end: number, f: ConditionFields): ConditionRecord {
  let type = '';
  let status = '';
  let reason = '';
  let message = '';
  let lastTransitionTime: number | null = null;
  let lastUpdateTime: number | null = null;
  while (c.pos < end) {
    const tag = readVarint(buf, c);
    const num = tag >>> 3;
    const wire = tag & 7;
    if (num === f.type) type = istr(buf, wire) || type;
    else if (num === f.status) status = str(buf, wire) || status;
    else if (num === f.reason) reason = istr(buf, wire) || reason;
    else if (num === f.message) message = str(buf, wire) || message;
    else if (num === f.lastTransitionTime) lastTransitionTime = time(buf, wire) ?? lastTransitionTime;
    else if (num === f.lastUpdateTime) lastUpdateTime = time(buf, wire) ?? lastUpdateTime;
    else skipField(buf, c, wire);
  }
  ended(end);
  const s = status === '' || status === 'Unknown' ? 'Unknown' : status === 'True' ? 'True' : status === 'False' ? 'False' : bail();
  return { type, status: s, reason, message, lastTransitionTime, lastUpdateTime };
}
