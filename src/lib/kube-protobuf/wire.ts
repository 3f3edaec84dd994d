/**
 * Protobuf wire primitives (https://protobuf.dev/programming-guides/encoding/): a growable writer
 * that emits minimal varints as Go's generated marshalers do, and varint/skip readers that work on
 * plain numbers (Kubernetes never needs integers beyond 2^53). Hand-written rather than taken from
 * protobufjs because both the encoder and the lazy reader drive it from the schema table and the
 * reader must skip fields without decoding them; protobufjs is used only by the tests, as the
 * independent decoder.
 */

/** WIRE types. */
export const VARINT = 0;
export const FIXED64 = 1;
export const LEN = 2;
export const FIXED32 = 5;

/** ProtoWriter appends protobuf fields to a growing buffer. */
export class ProtoWriter {
  #buf: Buffer;
  #pos = 0;

  constructor(initial = 1024) {
    this.#buf = Buffer.allocUnsafe(initial);
  }

  get length(): number {
    return this.#pos;
  }

  #ensure(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#pos + n));
    this.#buf.copy(next, 0, 0, this.#pos);
    this.#buf = next;
  }

  /** varint writes a non-negative integer (< 2^53) or, for negative numbers, its 64-bit two's complement (10 bytes). */
  varint(v: number): void {
    if (v < 0) {
      this.#ensure(10);
      let big = BigInt.asUintN(64, BigInt(Math.trunc(v)));
      while (big >= 0x80n) {
        this.#buf[this.#pos++] = Number(big & 0x7fn) | 0x80;
        big >>= 7n;
      }
      this.#buf[this.#pos++] = Number(big);
      return;
    }
    this.#ensure(8);
    while (v >= 0x80) {
      this.#buf[this.#pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.#buf[this.#pos++] = v;
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  bytes(b: Uint8Array): void {
    this.varint(b.length);
    this.#ensure(b.length);
    this.#buf.set(b, this.#pos);
    this.#pos += b.length;
  }

  string(s: string): void {
    const n = Buffer.byteLength(s);
    this.varint(n);
    this.#ensure(n);
    this.#pos += this.#buf.write(s, this.#pos);
  }

  double(v: number): void {
    this.#ensure(8);
    this.#buf.writeDoubleLE(v, this.#pos);
    this.#pos += 8;
  }

  float(v: number): void {
    this.#ensure(4);
    this.#buf.writeFloatLE(v, this.#pos);
    this.#pos += 4;
  }

  /** fork starts a length-delimited field's body (after its tag); finish it with `join(fork())`. */
  fork(): number {
    return this.#pos;
  }

  /** join prefixes the bytes written since `start` with their length as a minimal varint. */
  join(start: number): void {
    const len = this.#pos - start;
    let size = 1;
    for (let v = len; v >= 0x80; v = Math.floor(v / 0x80)) size++;
    this.#ensure(size);
    this.#buf.copyWithin(start + size, start, this.#pos);
    let at = start;
    let v = len;
    while (v >= 0x80) {
      this.#buf[at++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.#buf[at] = v;
    this.#pos += size;
  }

  /** raw appends bytes as they are (no length). */
  raw(b: Uint8Array): void {
    this.#ensure(b.length);
    this.#buf.set(b, this.#pos);
    this.#pos += b.length;
  }

  /** finish returns a copy of what was written. */
  finish(): Buffer {
    return Buffer.from(this.#buf.subarray(0, this.#pos));
  }
}

/** ProtoError is a malformed protobuf message (truncated, bad wire type, overlong varint). */
export class ProtoError extends Error {
  override readonly name = 'ProtoError';
}

/**
 * readVarint reads a varint at `cursor.pos` of `buf` and moves the cursor past it. Values up to 8
 * bytes (56 bits) are read as numbers; 9–10 byte varints are negative int32/int64 values in
 * two's complement and come back as negative numbers.
 */
export function readVarint(buf: Uint8Array, cursor: { pos: number }): number {
  let pos = cursor.pos;
  let b = buf[pos++];
  if (b === undefined) throw new ProtoError('truncated varint');
  if (b < 0x80) {
    cursor.pos = pos;
    return b;
  }
  let result = b & 0x7f;
  let mul = 0x80;
  for (let i = 1; i < 8; i++) {
    b = buf[pos++];
    if (b === undefined) throw new ProtoError('truncated varint');
    result += (b & 0x7f) * mul;
    if (b < 0x80) {
      cursor.pos = pos;
      return result;
    }
    mul *= 0x80;
  }
  return readLongVarint(buf, cursor);
}

function readLongVarint(buf: Uint8Array, cursor: { pos: number }): number {
  let big = 0n;
  let shift = 0n;
  for (let pos = cursor.pos; pos < cursor.pos + 10; pos++) {
    const b = buf[pos];
    if (b === undefined) throw new ProtoError('truncated varint');
    big |= BigInt(b & 0x7f) << shift;
    shift += 7n;
    if (b < 0x80) {
      cursor.pos = pos + 1;
      return Number(BigInt.asIntN(64, big));
    }
  }
  throw new ProtoError('varint longer than 10 bytes');
}

/** skipField moves `cursor.pos` past the value of a field of wire type `wire`, without reading it. */
export function skipField(buf: Uint8Array, cursor: { pos: number }, wire: number): void {
  switch (wire) {
    case VARINT:
      readVarint(buf, cursor);
      break;
    case FIXED64:
      cursor.pos += 8;
      break;
    case LEN: {
      const len = readVarint(buf, cursor); // read before adding: the read moves the cursor
      cursor.pos += len;
      break;
    }
    case FIXED32:
      cursor.pos += 4;
      break;
    default:
      throw new ProtoError(`unsupported wire type ${wire}`);
  }
  if (cursor.pos > buf.length) throw new ProtoError('field runs past the end of the message');
}
