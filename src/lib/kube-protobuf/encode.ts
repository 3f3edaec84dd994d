import { INLINE_FIELDS, KIND_MESSAGES, PROTOBUF_MAGIC, type ProtoField } from './schema.ts';
import { KUBE_PROTO_SCHEMA } from './schema.generated.ts';
import { FIXED32, FIXED64, LEN, ProtoWriter, VARINT } from './wire.ts';

/**
 * Encoding of JSON-form Kubernetes objects as kube-apiserver's protobuf serializer writes them
 * (k8s.io/apimachinery/pkg/runtime/serializer/protobuf): fields in ascending number order, map
 * entries sorted by key, repeated scalars unpacked (proto2). Fields absent from the JSON are not
 * written — a difference from Go's marshalers, which also write zero-valued non-pointer fields;
 * any protobuf decoder reads both the same. JSON keys the schema does not know are dropped.
 */

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function timeParts(text: string): [number, number] | undefined {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  const frac = /\.(\d+)/.exec(text)?.[1] ?? '';
  const nanos = frac === '' ? 0 : Number(frac.padEnd(9, '0').slice(0, 9));
  return [Math.floor(ms / 1000), nanos];
}

function writeSpecial(w: ProtoWriter, type: string, v: unknown): boolean {
  switch (type) {
    case 'meta.Time':
    case 'meta.MicroTime': {
      const parts = typeof v === 'string' ? timeParts(v) : undefined;
      if (parts === undefined) return false;
      w.tag(1, VARINT);
      w.varint(parts[0]);
      w.tag(2, VARINT);
      w.varint(type === 'meta.Time' ? 0 : parts[1]);
      return true;
    }
    case 'intstr.IntOrString':
      // Go writes all three fields: type (0 int, 1 string), intVal, strVal.
      w.tag(1, VARINT);
      w.varint(typeof v === 'string' ? 1 : 0);
      w.tag(2, VARINT);
      w.varint(typeof v === 'number' ? v : 0);
      w.tag(3, LEN);
      w.string(typeof v === 'string' ? v : '');
      return true;
    case 'resource.Quantity':
      w.tag(1, LEN);
      w.string(typeof v === 'number' ? String(v) : text(v));
      return true;
    case 'runtime.RawExtension':
    case 'meta.FieldsV1':
      w.tag(1, LEN);
      w.string(JSON.stringify(v));
      return true;
    default:
      return false;
  }
}

function writeScalar(w: ProtoWriter, num: number, type: string, v: unknown): void {
  switch (type) {
    case 'string':
      if (typeof v !== 'string') return;
      w.tag(num, LEN);
      w.string(v);
      return;
    case 'bytes':
      if (typeof v !== 'string') return;
      w.tag(num, LEN);
      w.bytes(Buffer.from(v, 'base64'));
      return;
    case 'bool':
      if (typeof v !== 'boolean') return;
      w.tag(num, VARINT);
      w.varint(v ? 1 : 0);
      return;
    case 'int32':
    case 'int64':
    case 'uint32':
    case 'uint64':
      if (typeof v !== 'number') return;
      w.tag(num, VARINT);
      w.varint(Math.trunc(v));
      return;
    case 'double':
      if (typeof v !== 'number') return;
      w.tag(num, FIXED64);
      w.double(v);
      return;
    case 'float':
      if (typeof v !== 'number') return;
      w.tag(num, FIXED32);
      w.float(v);
      return;
    default:
      writeNested(w, num, type, v);
  }
}

function writeNested(w: ProtoWriter, num: number, type: string, v: unknown): void {
  if (v === null || v === undefined) return;
  w.tag(num, LEN);
  const start = w.fork();
  if (!writeSpecial(w, type, v) && isObject(v)) writeFields(w, type, v);
  w.join(start);
}

function writeField(w: ProtoWriter, field: ProtoField, obj: Json): void {
  const [num, name, type, repeated] = field;
  if (INLINE_FIELDS.has(name) && !type.startsWith('map:')) {
    // Embedded struct: its fields are the parent's JSON keys.
    w.tag(num, LEN);
    const start = w.fork();
    writeFields(w, type, obj);
    w.join(start);
    return;
  }
  const v = obj[name];
  if (v === undefined || v === null) return;
  if (type.startsWith('map:')) {
    if (!isObject(v)) return;
    const valueType = type.slice(4);
    for (const key of Object.keys(v).sort()) {
      w.tag(num, LEN);
      const start = w.fork();
      w.tag(1, LEN);
      w.string(key);
      writeScalar(w, 2, valueType, v[key]);
      w.join(start);
    }
    return;
  }
  if (repeated === 'r') {
    if (!Array.isArray(v)) return;
    for (const item of v) writeScalar(w, num, type, item);
    return;
  }
  writeScalar(w, num, type, v);
}

function writeFields(w: ProtoWriter, type: string, obj: Json): void {
  const fields = KUBE_PROTO_SCHEMA[type];
  if (fields === undefined) throw new Error(`no protobuf schema for ${type}`);
  for (const field of fields) writeField(w, field, obj);
}

/** protobufMessageOf names the protobuf message of an `apiVersion` and `kind`, or undefined if not served as protobuf. */
export function protobufMessageOf(apiVersion: string, kind: string): string | undefined {
  return KIND_MESSAGES[`${apiVersion}/${kind}`];
}

/** encodeMessage encodes a JSON object as the protobuf message `type` (without envelope). */
export function encodeMessage(type: string, obj: Json): Buffer {
  const w = new ProtoWriter();
  writeFields(w, type, obj);
  return w.finish();
}

/** writeUnknown writes a runtime.Unknown {typeMeta{apiVersion, kind}, raw, contentEncoding, contentType} around `writeRaw`'s bytes. */
function writeUnknown(w: ProtoWriter, apiVersion: string, kind: string, writeRaw: (w: ProtoWriter) => void): void {
  w.tag(1, LEN);
  const tm = w.fork();
  w.tag(1, LEN);
  w.string(apiVersion);
  w.tag(2, LEN);
  w.string(kind);
  w.join(tm);
  w.tag(2, LEN);
  const raw = w.fork();
  writeRaw(w);
  w.join(raw);
  // contentEncoding and contentType are empty strings, written as Go writes non-pointer strings.
  w.tag(3, LEN);
  w.string('');
  w.tag(4, LEN);
  w.string('');
}

/**
 * encodeObjectBody encodes one object as a whole protobuf body: `k8s\0` + runtime.Unknown whose
 * raw is the object's message (apiVersion and kind travel in the envelope, never in the message).
 */
export function encodeObjectBody(type: string, obj: Json): Buffer {
  const w = new ProtoWriter();
  w.raw(PROTOBUF_MAGIC);
  writeUnknown(w, text(obj['apiVersion']), text(obj['kind']), (inner) => writeFields(inner, type, obj));
  return w.finish();
}

/** encodeListBody encodes a list (`<Kind>List`, fields metadata=1, items=2) as a whole protobuf body. */
export function encodeListBody(itemType: string, apiVersion: string, listKind: string, meta: Json, items: readonly Json[]): Buffer {
  const w = new ProtoWriter(4096);
  w.raw(PROTOBUF_MAGIC);
  writeUnknown(w, apiVersion, listKind, (inner) => {
    writeNested(inner, 1, 'meta.ListMeta', meta);
    for (const item of items) writeNested(inner, 2, itemType, item);
  });
  return w.finish();
}

/**
 * encodeWatchFrame encodes one watch event as kube-apiserver streams it with
 * `application/vnd.kubernetes.protobuf;stream=watch`: a 4-byte big-endian length, then a
 * meta/v1 WatchEvent {type, object: RawExtension{raw}} whose raw is the object's whole protobuf
 * body (`k8s\0` + runtime.Unknown).
 */
export function encodeWatchFrame(eventType: string, type: string, obj: Json): Buffer {
  const w = new ProtoWriter();
  w.raw(Uint8Array.of(0, 0, 0, 0));
  w.tag(1, LEN);
  w.string(eventType);
  w.tag(2, LEN);
  const ext = w.fork();
  w.tag(1, LEN);
  const raw = w.fork();
  w.raw(PROTOBUF_MAGIC);
  writeUnknown(w, text(obj['apiVersion']), text(obj['kind']), (inner) => writeFields(inner, type, obj));
  w.join(raw);
  w.join(ext);
  const out = w.finish();
  out.writeUInt32BE(out.length - 4, 0);
  return out;
}
