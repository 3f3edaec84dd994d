import { INLINE_FIELDS, POINTER_SCALARS, PROTOBUF_MAGIC } from './schema.ts';
import { KUBE_PROTO_SCHEMA } from './schema.generated.ts';
import { LEN, ProtoError, readVarint, skipField, VARINT } from './wire.ts';

/**
 * Lazy decoding of Kubernetes protobuf into the JSON form of an object, restricted to a field
 * mask: fields outside the mask are skipped by wire type and length without being decoded (a
 * Pod's managedFields, volumes and env are never turned into strings or objects). What is
 * decoded matches the object's JSON: custom types as in SPECIAL_MESSAGES, inline embeddings
 * flattened, and zero scalars dropped as Go's `omitempty` drops them — except Go pointer fields
 * (POINTER_SCALARS), where an explicit 0 or false is kept, since kube-apiserver writes every
 * non-pointer scalar even when zero and JSON would omit it.
 */

/** FieldMask selects what to decode: `true` = the whole value, an object = only the named fields (recursively). */
export type FieldMask = true | { readonly [jsonName: string]: FieldMask };

type Json = Record<string, unknown>;

// How a field's value is read.
const K = { String: 0, Bytes: 1, Int: 2, Bool: 3, Double: 4, Float: 5, Time: 6, MicroTime: 7, IntOrString: 8, Quantity: 9, Raw: 10, Message: 11, FieldsV1: 12 } as const;
type K = (typeof K)[keyof typeof K];

interface Field {
  readonly name: string;
  readonly kind: K;
  readonly repeated: boolean;
  /** Map value kind/message, when the field is a map<string, …>. */
  readonly map: boolean;
  readonly pointer: boolean;
  readonly inline: boolean;
  /** The compiled sub-message (K.Message; for maps, of the value). */
  readonly sub: Compiled | undefined;
}

/** Compiled is a message type compiled against a mask: fields by number, undefined = skip. */
export interface Compiled {
  readonly type: string;
  readonly fields: readonly (Field | undefined)[];
}

const SCALAR_KINDS: Readonly<Record<string, K>> = {
  string: K.String, bytes: K.Bytes, int32: K.Int, int64: K.Int, uint32: K.Int, uint64: K.Int, bool: K.Bool, double: K.Double, float: K.Float,
  'meta.Time': K.Time, 'meta.MicroTime': K.MicroTime, 'intstr.IntOrString': K.IntOrString, 'resource.Quantity': K.Quantity,
  'runtime.RawExtension': K.Raw, 'meta.FieldsV1': K.FieldsV1,
};

const cache = new Map<string, WeakMap<object, Compiled>>();
const ALL = { all: true } as const;

/** compileMask prepares `type` (e.g. `core.Pod`) for decodeMasked with `mask`; compiled forms are cached per mask object. */
export function compileMask(type: string, mask: FieldMask): Compiled {
  const key = mask === true ? ALL : mask;
  let byMask = cache.get(type);
  if (byMask === undefined) cache.set(type, (byMask = new WeakMap()));
  const hit = byMask.get(key);
  if (hit !== undefined) return hit;
  const schema = KUBE_PROTO_SCHEMA[type];
  if (schema === undefined) throw new Error(`no protobuf schema for ${type}`);
  const fields: (Field | undefined)[] = [];
  const compiled: Compiled = { type, fields };
  byMask.set(key, compiled);
  for (const [num, name, ftype, rep] of schema) {
    const inline = INLINE_FIELDS.has(name);
    const sel: FieldMask | undefined = mask === true ? true : inline ? mask : mask[name];
    if (sel === undefined) continue;
    const isMap = ftype.startsWith('map:');
    const base = isMap ? ftype.slice(4) : ftype;
    const kind = SCALAR_KINDS[base] ?? K.Message;
    fields[num] = {
      name,
      kind,
      repeated: rep === 'r',
      map: isMap,
      pointer: POINTER_SCALARS.has(`${type}.${name}`),
      inline,
      sub: kind === K.Message ? compileMask(base, sel) : undefined,
    };
  }
  return compiled;
}

/** Cursor is a read position in a buffer. */
export interface Cursor {
  pos: number;
}

const decoder = new TextDecoder('utf-8');

/**
 * StringCache decodes UTF-8 strings through a table of recently decoded short ASCII strings:
 * objects repeat most of their strings (namespace, label keys and values, owner, image, node,
 * phase, condition types), so a hit returns the string already made — no allocation, and records
 * that keep it share one copy. A slot (of a power-of-two count) holds the last string that hashed
 * to it; a miss replaces it. With `keep`, what a miss stores (and every later hit returns) is
 * `keep(text)` — e.g. a shared, interned copy — so a hit costs no lookup elsewhere.
 */
export class StringCache {
  readonly #slots: string[];
  readonly #mask: number;
  readonly #maxLength: number;
  readonly #keep: ((s: string) => string) | undefined;

  constructor(size: number, maxLength: number, keep?: (s: string) => string) {
    this.#slots = new Array<string>(size).fill('');
    this.#mask = size - 1;
    this.#maxLength = maxLength;
    this.#keep = keep;
  }

  /**
   * read decodes the UTF-8 bytes [start, end). Short ASCII strings come from the table or one
   * native ASCII decode (asciiText), so the result is a flat string (appending char by char would
   * leave V8 a chain of cons-string nodes for strings of 13 characters or more, which the
   * informer's store then keeps alive); the rest from TextDecoder.
   */
  read(buf: Uint8Array, start: number, end: number): string {
    const len = end - start;
    if (len === 0) return '';
    if (len > this.#maxLength) return this.#kept(isAscii(buf, start, end) ? asciiText(buf, start, end) : decoder.decode(buf.subarray(start, end)));
    let h = len;
    for (let i = start; i < end; i++) {
      const b = buf[i] as number;
      if (b >= 0x80) return this.#kept(decoder.decode(buf.subarray(start, end)));
      h = Math.imul(h ^ b, 0x5bd1e995);
    }
    const slot = (h ^ (h >>> 13)) & this.#mask;
    const hit = this.#slots[slot] as string;
    if (hit.length === len) {
      let i = 0;
      while (i < len && hit.charCodeAt(i) === buf[start + i]) i++;
      if (i === len) return hit;
    }
    const text = this.#kept(asciiText(buf, start, end));
    this.#slots[slot] = text;
    return text;
  }

  #kept(text: string): string {
    return this.#keep === undefined ? text : this.#keep(text);
  }
}

/**
 * NATIVE_SLICE is Buffer's native UTF-8 decoder, applied to any Uint8Array (Node has had
 * `Buffer#utf8Slice` since its first releases; it is not in the typings): it makes a flat string
 * without a view or an argument list, two to three times faster than String.fromCharCode.apply or
 * TextDecoder on short strings. Used only on bytes known to be ASCII, where every UTF-8 decoder
 * gives the same text; without it, String.fromCharCode.
 */
const NATIVE_SLICE = (Buffer.prototype as unknown as { utf8Slice?: (this: Uint8Array, start: number, end: number) => string }).utf8Slice;

/** asciiText is the text of the bytes [start, end), all of which the caller checked are below 0x80. */
function asciiText(buf: Uint8Array, start: number, end: number): string {
  return NATIVE_SLICE !== undefined ? NATIVE_SLICE.call(buf, start, end) : String.fromCharCode.apply(null, buf.subarray(start, end) as unknown as number[]);
}

function isAscii(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if ((buf[i] as number) >= 0x80) return false;
  return true;
}

/**
 * readUncached decodes the UTF-8 bytes [start, end) as readString does (the same text), without
 * the cache: for strings that rarely repeat (names, uids, resourceVersions), where the cache's hash
 * and slot write are wasted. ASCII bytes are decoded natively (asciiText), the rest by TextDecoder.
 */
export function readUncached(buf: Uint8Array, start: number, end: number): string {
  if (start === end) return '';
  return isAscii(buf, start, end) ? asciiText(buf, start, end) : decoder.decode(buf.subarray(start, end));
}

/** The decoder's own cache: 4096 slots of strings up to 64 characters. */
const strings = new StringCache(4096, 64);

/** readString decodes the UTF-8 bytes [start, end) through the decoder's StringCache. */
export function readString(buf: Uint8Array, start: number, end: number): string {
  return strings.read(buf, start, end);
}

function rfc3339(seconds: number, micros: number | undefined): string {
  const text = secondsText(seconds);
  return micros === undefined ? text : `${text.slice(0, 19)}.${String(micros).padStart(6, '0')}Z`;
}

/**
 * TIME_CACHE_SIZE slots remember the text of recent seconds values: an object repeats its times
 * (creation, start, scheduling, each condition of one write), and a hit returns the very same
 * string, which the projection's parse memo then recognises by identity.
 */
const TIME_CACHE_SIZE = 1024;
const cachedSeconds = new Float64Array(TIME_CACHE_SIZE).fill(NaN);
const cachedText: string[] = new Array<string>(TIME_CACHE_SIZE).fill('');
const timeCodes: number[] = new Array<number>(20).fill(0);

/** secondsText formats seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ` (as Date#toISOString without the fraction). */
function secondsText(seconds: number): string {
  const slot = seconds & (TIME_CACHE_SIZE - 1);
  if (cachedSeconds[slot] === seconds) return cachedText[slot] as string;
  const text = formatSeconds(seconds);
  cachedSeconds[slot] = seconds;
  cachedText[slot] = text;
  return text;
}

function putTwo(at: number, v: number): void {
  timeCodes[at] = 48 + Math.floor(v / 10);
  timeCodes[at + 1] = 48 + (v % 10);
}

/**
 * formatSeconds writes the date with integer arithmetic (days to civil date as in H. Hinnant's
 * `civil_from_days`, http://howardhinnant.github.io/date_algorithms.html) and one
 * String.fromCharCode call: a third of the cost of Date#toISOString and a flat string. Years
 * outside 1000–9999 go through Date.
 */
function formatSeconds(seconds: number): string {
  const days = Math.floor(seconds / 86400);
  let rest = seconds - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (!(year >= 1000 && year <= 9999)) return `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`;
  const hour = Math.floor(rest / 3600);
  rest -= hour * 3600;
  const minute = Math.floor(rest / 60);
  putTwo(0, Math.floor(year / 100));
  putTwo(2, year % 100);
  timeCodes[4] = 45;
  putTwo(5, month);
  timeCodes[7] = 45;
  putTwo(8, day);
  timeCodes[10] = 84;
  putTwo(11, hour);
  timeCodes[13] = 58;
  putTwo(14, minute);
  timeCodes[16] = 58;
  putTwo(17, rest - minute * 60);
  timeCodes[19] = 90;
  return String.fromCharCode.apply(null, timeCodes);
}

/** readLen reads a length prefix at `c.pos` and returns where the value ends; throws ProtoError if that is past the buffer. */
export function readLen(buf: Uint8Array, c: Cursor): number {
  const len = readVarint(buf, c);
  const end = c.pos + len;
  if (end > buf.length) throw new ProtoError('length-delimited field runs past the end of the message');
  return end;
}

/** readSpecial decodes a custom-JSON message occupying [c.pos, end). */
function readSpecial(buf: Uint8Array, c: Cursor, end: number, kind: K): unknown {
  let seconds = 0;
  let nanos = 0;
  let type = 0;
  let intVal = 0;
  let str: string | undefined;
  let fieldsStart = 0;
  let fieldsEnd = 0;
  while (c.pos < end) {
    const tag = readVarint(buf, c);
    const num = tag >>> 3;
    const wire = tag & 7;
    if (wire === VARINT && (kind === K.Time || kind === K.MicroTime)) {
      const v = readVarint(buf, c);
      if (num === 1) seconds = v;
      else if (num === 2) nanos = v;
    } else if (wire === VARINT && kind === K.IntOrString) {
      const v = readVarint(buf, c);
      if (num === 1) type = v;
      else if (num === 2) intVal = v;
    } else if (wire === LEN && kind === K.FieldsV1 && num === 1) {
      const e = readLen(buf, c);
      fieldsStart = c.pos;
      fieldsEnd = e;
      c.pos = e;
    } else if (wire === LEN && ((kind === K.IntOrString && num === 3) || (kind === K.Quantity && num === 1) || (kind === K.Raw && num === 1))) {
      const e = readLen(buf, c);
      str = readString(buf, c.pos, e);
      c.pos = e;
    } else skipField(buf, c, wire);
  }
  switch (kind) {
    case K.Time:
      return seconds === 0 && nanos === 0 ? null : rfc3339(seconds, undefined);
    case K.MicroTime:
      return seconds === 0 && nanos === 0 ? null : rfc3339(seconds, Math.floor(nanos / 1000));
    case K.IntOrString:
      return type === 1 ? (str ?? '') : intVal;
    case K.Quantity:
      return str ?? '';
    case K.FieldsV1:
      return fieldSets.read(buf, fieldsStart, fieldsEnd);
    default:
      return str === undefined || str === '' ? null : parseRaw(str);
  }
}

/**
 * readFieldsV1 reads a meta/v1 FieldsV1 message in [c.pos, end) as the masked decoder reads a
 * managedFields entry's `fieldsV1`: its JSON set, parsed once per distinct bytes and shared
 * deep-frozen (RawJsonCache), or null if empty; leaves the cursor at `end`. Throws ProtoError if
 * the set is not JSON.
 */
export function readFieldsV1(buf: Uint8Array, c: Cursor, end: number): unknown {
  const v = readSpecial(buf, c, end, K.FieldsV1);
  c.pos = end;
  return v;
}

/**
 * RawJsonCache parses the JSON text of embedded values through a table of recently parsed ones,
 * keyed by their bytes: a FieldsV1 set (one per managedFields entry, hundreds of bytes) repeats on
 * every write by the same manager to the same fields, so a hit costs a hash and a comparison of
 * the bytes instead of decoding and parsing them. The values are deep-frozen and shared between
 * the objects decoded (readers only read them). A slot (of a power-of-two count) holds the last
 * value that hashed to it. '' (and absent) is null, as for any embedded JSON.
 */
class RawJsonCache {
  readonly #bytes: (Uint8Array | undefined)[];
  readonly #values: unknown[];
  readonly #mask: number;

  constructor(size: number) {
    this.#bytes = new Array<Uint8Array | undefined>(size).fill(undefined);
    this.#values = new Array<unknown>(size).fill(null);
    this.#mask = size - 1;
  }

  /** read parses the UTF-8 JSON text in [start, end) (null if empty); throws ProtoError if it is not JSON. */
  read(buf: Uint8Array, start: number, end: number): unknown {
    const len = end - start;
    if (len === 0) return null;
    let h = len;
    for (let i = start; i < end; i++) h = Math.imul(h ^ (buf[i] as number), 0x5bd1e995);
    const slot = (h ^ (h >>> 13)) & this.#mask;
    const held = this.#bytes[slot];
    if (held !== undefined && held.length === len) {
      let i = 0;
      while (i < len && held[i] === buf[start + i]) i++;
      if (i === len) return this.#values[slot];
    }
    const value = deepFreeze(parseRaw(readString(buf, start, end)));
    this.#bytes[slot] = buf.slice(start, end);
    this.#values[slot] = value;
    return value;
  }
}

/** deepFreeze freezes a parsed JSON value and everything in it. */
function deepFreeze(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  Object.freeze(v);
  for (const child of Object.values(v)) deepFreeze(child);
  return v;
}

/** The decoder's FieldsV1 cache: 64 slots (a cluster's managers write few distinct field sets per kind). */
const fieldSets = new RawJsonCache(64);

/** parseRaw parses the JSON held by a RawExtension or FieldsV1; malformed JSON is a malformed message. */
function parseRaw(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ProtoError('an embedded JSON value (RawExtension or FieldsV1) is not JSON');
  }
}

function readValue(buf: Uint8Array, c: Cursor, wire: number, f: Field): unknown {
  switch (f.kind) {
    case K.Int:
      if (wire !== VARINT) break;
      return readVarint(buf, c);
    case K.Bool:
      if (wire !== VARINT) break;
      return readVarint(buf, c) !== 0;
    case K.Double: {
      if (wire !== 1) break;
      const v = new DataView(buf.buffer, buf.byteOffset + c.pos, 8).getFloat64(0, true);
      c.pos += 8;
      return v;
    }
    case K.Float: {
      if (wire !== 5) break;
      const v = new DataView(buf.buffer, buf.byteOffset + c.pos, 4).getFloat32(0, true);
      c.pos += 4;
      return v;
    }
    default: {
      if (wire !== LEN) break;
      const end = readLen(buf, c);
      let v: unknown;
      if (f.kind === K.String) v = readString(buf, c.pos, end);
      else if (f.kind === K.Bytes) v = Buffer.from(buf.buffer, buf.byteOffset + c.pos, end - c.pos).toString('base64');
      else if (f.kind === K.Message) v = decodeRange(buf, c.pos, end, f.sub as Compiled, {});
      else v = readSpecial(buf, c, end, f.kind);
      c.pos = end;
      return v;
    }
  }
  throw new ProtoError(`field ${f.name} has wire type ${wire}`);
}

function readMapEntry(buf: Uint8Array, c: Cursor, end: number, f: Field): [string, unknown] {
  let key = '';
  let value: unknown = f.kind === K.String ? '' : undefined;
  while (c.pos < end) {
    const tag = readVarint(buf, c);
    const wire = tag & 7;
    if (tag >>> 3 === 1 && wire === LEN) {
      const e = readLen(buf, c);
      key = readString(buf, c.pos, e);
      c.pos = e;
    } else if (tag >>> 3 === 2) value = readValue(buf, c, wire, f);
    else skipField(buf, c, wire);
  }
  return [key, value];
}

function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false || v === null;
}

/** decodeRange decodes the message in [start, end) of `buf` into `out` (JSON form, masked). */
function decodeRange(buf: Uint8Array, start: number, end: number, msg: Compiled, out: Json): Json {
  const c: Cursor = { pos: start };
  const fields = msg.fields;
  while (c.pos < end) {
    const tag = readVarint(buf, c);
    const wire = tag & 7;
    const f = fields[tag >>> 3];
    if (f === undefined) {
      skipField(buf, c, wire);
      continue;
    }
    if (f.map) {
      if (wire !== LEN) throw new ProtoError(`map field ${f.name} has wire type ${wire}`);
      const e = readLen(buf, c);
      const [k, v] = readMapEntry(buf, c, e, f);
      c.pos = e;
      ((out[f.name] as Json | undefined) ?? (out[f.name] = {}))[k] = v;
      continue;
    }
    if (f.inline) {
      if (wire !== LEN) throw new ProtoError(`field ${f.name} has wire type ${wire}`);
      const e = readLen(buf, c);
      decodeRange(buf, c.pos, e, f.sub as Compiled, out);
      c.pos = e;
      continue;
    }
    const v = readValue(buf, c, wire, f);
    if (f.repeated) {
      const list = out[f.name] as unknown[] | undefined;
      if (list === undefined) out[f.name] = [v];
      else list.push(v);
      continue;
    }
    // Zero scalars are Go zero values of non-pointer fields (JSON omits them); IntOrString and
    // other custom types are pointers in the types read here, so their 0 is kept.
    if (v === null || (!f.pointer && f.kind <= K.Float && isZero(v))) continue;
    out[f.name] = v;
  }
  if (c.pos !== end) throw new ProtoError('a field runs past the end of its message');
  return out;
}

/**
 * fieldNumber is the protobuf field number of `name` in message `type` (JSON names, as in
 * KUBE_PROTO_SCHEMA); throws if there is none, so a reader written against the schema fails at
 * load rather than skipping a renamed field. Example: fieldNumber('core.Pod', 'status') → 3.
 */
export function fieldNumber(type: string, name: string): number {
  const f = KUBE_PROTO_SCHEMA[type]?.find(([, n]) => n === name);
  if (f === undefined) throw new Error(`no field ${name} in protobuf message ${type}`);
  return f[0];
}

/** Envelope is a decoded runtime.Unknown: typeMeta and where its raw message lies in the buffer. */
export interface Envelope {
  readonly apiVersion: string;
  readonly kind: string;
  readonly rawStart: number;
  readonly rawEnd: number;
}

/** readEnvelope checks the `k8s\0` magic at `start` and reads the runtime.Unknown in [start+4, end). */
export function readEnvelope(buf: Uint8Array, start = 0, end = buf.length): Envelope {
  for (let i = 0; i < 4; i++) if (buf[start + i] !== PROTOBUF_MAGIC[i]) throw new ProtoError('missing the k8s\\0 prefix');
  const c: Cursor = { pos: start + 4 };
  let apiVersion = '';
  let kind = '';
  let rawStart = 0;
  let rawEnd = 0;
  while (c.pos < end) {
    const tag = readVarint(buf, c);
    const wire = tag & 7;
    const num = tag >>> 3;
    if (wire === LEN && (num === 1 || num === 2)) {
      const e = readLen(buf, c);
      if (num === 2) {
        rawStart = c.pos;
        rawEnd = e;
      } else {
        while (c.pos < e) {
          const t = readVarint(buf, c);
          if ((t & 7) === LEN && (t >>> 3 === 1 || t >>> 3 === 2)) {
            const te = readLen(buf, c);
            if (t >>> 3 === 1) apiVersion = readString(buf, c.pos, te);
            else kind = readString(buf, c.pos, te);
            c.pos = te;
          } else skipField(buf, c, t & 7);
        }
      }
      c.pos = e;
    } else skipField(buf, c, wire);
  }
  if (c.pos !== end) throw new ProtoError('the envelope runs past the end of the body');
  return { apiVersion, kind, rawStart, rawEnd };
}

/** decodeMasked decodes the message in [start, end) of `buf` as `msg` (from compileMask). Throws ProtoError if malformed. */
export function decodeMasked(buf: Uint8Array, start: number, end: number, msg: Compiled): Json {
  return decodeRange(buf, start, end, msg, {});
}

/** WatchEventFrame is a decoded meta/v1 WatchEvent: its type and where the embedded object (a whole protobuf body) lies. */
export interface WatchEventFrame {
  readonly type: string;
  readonly objectStart: number;
  readonly objectEnd: number;
}

/** readWatchEvent reads a WatchEvent {type=1, object=2: RawExtension{raw=1}} occupying all of `buf`. */
export function readWatchEvent(buf: Uint8Array): WatchEventFrame {
  const c: Cursor = { pos: 0 };
  let type = '';
  let objectStart = 0;
  let objectEnd = 0;
  while (c.pos < buf.length) {
    const tag = readVarint(buf, c);
    const wire = tag & 7;
    const num = tag >>> 3;
    if (wire === LEN && num === 1) {
      const e = readLen(buf, c);
      type = readString(buf, c.pos, e);
      c.pos = e;
    } else if (wire === LEN && num === 2) {
      const e = readLen(buf, c);
      while (c.pos < e) {
        const t = readVarint(buf, c);
        if ((t & 7) === LEN && t >>> 3 === 1) {
          const re = readLen(buf, c);
          objectStart = c.pos;
          objectEnd = re;
          c.pos = re;
        } else skipField(buf, c, t & 7);
      }
      c.pos = e;
    } else skipField(buf, c, wire);
  }
  if (c.pos !== buf.length) throw new ProtoError('the watch event runs past the end of its frame');
  return { type, objectStart, objectEnd };
}

/** ListBody is a decoded `<Kind>List`: its ListMeta and the byte ranges of its items. */
export interface ListBody {
  readonly resourceVersion: string;
  readonly continue: string;
  readonly items: readonly (readonly [number, number])[];
}

/** readList reads a list message (metadata=1 ListMeta, items=2 repeated) in [start, end) without decoding the items. */
export function readList(buf: Uint8Array, start: number, end: number): ListBody {
  const c: Cursor = { pos: start };
  let resourceVersion = '';
  let cont = '';
  const items: (readonly [number, number])[] = [];
  while (c.pos < end) {
    const tag = readVarint(buf, c);
    const wire = tag & 7;
    const num = tag >>> 3;
    if (wire === LEN && num === 2) {
      const e = readLen(buf, c);
      items.push([c.pos, e]);
      c.pos = e;
    } else if (wire === LEN && num === 1) {
      const e = readLen(buf, c);
      while (c.pos < e) {
        const t = readVarint(buf, c);
        if ((t & 7) === LEN && (t >>> 3 === 2 || t >>> 3 === 3)) {
          const te = readLen(buf, c);
          if (t >>> 3 === 2) resourceVersion = readString(buf, c.pos, te);
          else cont = readString(buf, c.pos, te);
          c.pos = te;
        } else skipField(buf, c, t & 7);
      }
      c.pos = e;
    } else skipField(buf, c, wire);
  }
  if (c.pos !== end) throw new ProtoError('the list runs past the end of the body');
  return { resourceVersion, continue: cont, items };
}

/** nameOf reads metadata.name and metadata.namespace of an object message in [start, end) for warnings; never throws. */
export function nameOf(buf: Uint8Array, start: number, end: number): string {
  try {
    const meta = decodeMasked(buf, start, end, compileMask('core.Pod', NAME_MASK))['metadata'] as Json | undefined;
    const ns = typeof meta?.['namespace'] === 'string' ? `${meta['namespace']}/` : '';
    return typeof meta?.['name'] === 'string' ? `${ns}${meta['name']}` : '<no name>';
  } catch {
    return '<unreadable>';
  }
}

const NAME_MASK: FieldMask = { metadata: { name: true, namespace: true } };
