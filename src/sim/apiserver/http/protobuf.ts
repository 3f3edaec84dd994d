import { badRequest } from '../../core/api-error.ts';
import { SCHEMAS, type FieldSpec, type MessageSchema } from './protobuf-schemas.ts';

/** PROTOBUF_MAGIC prefixes every Kubernetes protobuf body (`k8s\0`), before a runtime.Unknown envelope. */
export const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

interface WireField {
  readonly num: number;
  readonly wire: number;
  /** varint value (wire 0) */
  readonly int?: bigint;
  /** bytes (wire 2) */
  readonly bytes?: Buffer;
}

function readVarint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (let i = pos; i < buf.length; i++) {
    const b = buf[i] ?? 0;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, i + 1];
    shift += 7n;
  }
  throw badRequest('protobuf body is truncated', 'send JSON');
}

/** readFields splits one protobuf message into its wire fields, in order. */
export function readFields(buf: Buffer): WireField[] {
  const out: WireField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [tag, p1] = readVarint(buf, pos);
    const num = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire === 0) {
      const [v, p2] = readVarint(buf, p1);
      out.push({ num, wire, int: v });
      pos = p2;
    } else if (wire === 2) {
      const [len, p2] = readVarint(buf, p1);
      const end = p2 + Number(len);
      out.push({ num, wire, bytes: buf.subarray(p2, end) });
      pos = end;
    } else if (wire === 1) {
      pos = p1 + 8;
    } else if (wire === 5) {
      pos = p1 + 4;
    } else {
      throw badRequest(`unsupported protobuf wire type ${wire}`, 'send JSON');
    }
  }
  return out;
}

function signed64(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}

function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false || v === null;
}

function decodeScalar(spec: FieldSpec, f: WireField): unknown {
  switch (spec.type) {
    case 'string':
      return (f.bytes ?? Buffer.alloc(0)).toString('utf8');
    case 'bytes':
      return (f.bytes ?? Buffer.alloc(0)).toString('base64');
    case 'int':
      return signed64(f.int ?? 0n);
    case 'bool':
      return (f.int ?? 0n) !== 0n;
    default:
      return decodeMessage(SCHEMAS[spec.type] ?? {}, f.bytes ?? Buffer.alloc(0), spec.type);
  }
}

function decodeMapEntry(spec: FieldSpec, bytes: Buffer): [string, unknown] {
  let key = '';
  let value: unknown = spec.type === 'string' ? '' : undefined;
  for (const f of readFields(bytes)) {
    if (f.num === 1) key = (f.bytes ?? Buffer.alloc(0)).toString('utf8');
    if (f.num === 2) value = decodeScalar(spec, f);
  }
  return [key, value];
}

/**
 * decodeMessage decodes one protobuf message with a schema into the object its JSON form would
 * be: zero scalars are dropped (omitempty) unless the Go field is a pointer, an unset Time is
 * dropped (JSON null), IntOrString and Quantity collapse to their JSON values. Unknown fields are
 * ignored.
 */
export function decodeMessage(schema: MessageSchema, buf: Buffer, typeName = ''): unknown {
  const fields = readFields(buf);
  if (typeName === 'Time') {
    const secs = fields.find((f) => f.num === 1)?.int ?? 0n;
    return secs === 0n ? null : new Date(signed64(secs) * 1000).toISOString().replace('.000Z', 'Z');
  }
  if (typeName === 'IntOrString') {
    const kind = fields.find((f) => f.num === 1)?.int ?? 0n;
    if (kind === 1n) return (fields.find((f) => f.num === 3)?.bytes ?? Buffer.alloc(0)).toString('utf8');
    return signed64(fields.find((f) => f.num === 2)?.int ?? 0n);
  }
  if (typeName === 'Quantity') return (fields.find((f) => f.num === 1)?.bytes ?? Buffer.alloc(0)).toString('utf8');
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const spec = schema[f.num];
    if (!spec) continue;
    if (spec.map) {
      const [k, v] = decodeMapEntry(spec, f.bytes ?? Buffer.alloc(0));
      out[spec.name] = { ...((out[spec.name]) ?? {}), [k]: v };
      continue;
    }
    const value = decodeScalar(spec, f);
    if (spec.repeated) {
      out[spec.name] = [...((out[spec.name] as unknown[] | undefined) ?? []), value];
      continue;
    }
    if (value === null || (!spec.pointer && isZero(value))) continue;
    out[spec.name] = value;
  }
  return out;
}

/**
 * decodeKubeProtobuf decodes a `application/vnd.kubernetes.protobuf` request body (what kubectl's
 * typed clients send for `kubectl create deployment|namespace|configmap|secret|service`) into the
 * JSON object the same request would have carried. Throws 415 for kinds without a schema.
 */
export function decodeKubeProtobuf(body: Buffer): Record<string, unknown> {
  if (!body.subarray(0, 4).equals(PROTOBUF_MAGIC)) throw badRequest('protobuf body lacks the k8s\\0 prefix', 'send JSON');
  let apiVersion = '';
  let kind = '';
  let raw: Buffer = Buffer.alloc(0);
  for (const f of readFields(body.subarray(4))) {
    if (f.num === 1) {
      for (const t of readFields(f.bytes ?? Buffer.alloc(0))) {
        if (t.num === 1) apiVersion = (t.bytes ?? Buffer.alloc(0)).toString('utf8');
        if (t.num === 2) kind = (t.bytes ?? Buffer.alloc(0)).toString('utf8');
      }
    }
    if (f.num === 2) raw = f.bytes ?? Buffer.alloc(0);
  }
  const schema = SCHEMAS[kind];
  if (!schema) throw badRequest(`the simulator cannot decode protobuf for kind ${kind}`, 'send JSON');
  return { apiVersion, kind, ...(decodeMessage(schema, raw, kind) as Record<string, unknown>) };
}
