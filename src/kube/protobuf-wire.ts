import { compileMask, decodeMasked, nameOf, readEnvelope, readList, readWatchEvent, type Compiled, type FieldMask } from '../lib/kube-protobuf/decode.ts';
import { PROTOBUF_MEDIA_TYPE } from '../lib/kube-protobuf/schema.ts';
import { ProtoError } from '../lib/kube-protobuf/wire.ts';
import { Projected } from './list-watch.ts';

/** WireFormat is how the client asks for objects: protobuf where the server offers it (JSON otherwise), or JSON only. */
export type WireFormat = 'protobuf' | 'json';

/** PROTOBUF_ACCEPT asks for protobuf and lets the server fall back to JSON (CRDs, older servers). */
export const PROTOBUF_ACCEPT = `${PROTOBUF_MEDIA_TYPE}, application/json`;

/**
 * DROP_MANAGED_FIELDS is the media-type parameter of KEP-5958 (kubernetes/enhancements#5958,
 * alpha behind kube-apiserver's ManagedFieldsOptOut gate): the server leaves
 * `metadata.managedFields` out of every object it answers with. A server without the feature
 * ignores it as an unrecognised parameter (k8s.io/apiserver negotiation acceptMediaTypeOptions)
 * and sends the full object, so it is safe to send to every server.
 */
export const DROP_MANAGED_FIELDS = 'drop=metadata.managedFields';

/**
 * acceptHeader is the Accept header of a list or watch: protobuf with a JSON fallback, or JSON
 * only (undefined: the transport's default, application/json); each media range carries
 * DROP_MANAGED_FIELDS when the reader never reads managedFields.
 * Example: ('protobuf', true) → `application/vnd.kubernetes.protobuf;drop=metadata.managedFields, application/json;drop=metadata.managedFields`.
 */
export function acceptHeader(wire: WireFormat, dropManagedFields: boolean): string | undefined {
  if (!dropManagedFields) return wire === 'protobuf' ? PROTOBUF_ACCEPT : undefined;
  const json = `application/json;${DROP_MANAGED_FIELDS}`;
  return wire === 'protobuf' ? `${PROTOBUF_MEDIA_TYPE};${DROP_MANAGED_FIELDS}, ${json}` : json;
}

/** isProtobufResponse tells whether a response's Content-Type is Kubernetes protobuf (list, object or watch stream). */
export function isProtobufResponse(contentType: string | null): boolean {
  return contentType !== null && contentType.toLowerCase().startsWith(PROTOBUF_MEDIA_TYPE);
}

/**
 * ProtobufReading says how one kind is read from protobuf: its message (`core.Pod`) and the
 * fields its projection reads (everything else is skipped by length, never decoded).
 */
export interface ProtobufReading {
  readonly message: string;
  readonly mask: FieldMask;
  /**
   * Optionally, a projection straight from the bytes of one object message in [start, end) with
   * the envelope's `kind`: it returns exactly the record the kind's projection makes of the masked
   * decode, or undefined to leave the object to that path (malformed or unusual objects).
   */
  readonly direct?: (buf: Uint8Array, start: number, end: number, kind: string) => { readonly namespace: string; readonly name: string; readonly resourceVersion: string } | undefined;
}

/** MaskedReader decodes objects of one kind into sparse JSON-form objects its projection reads. */
export class MaskedReader {
  readonly #compiled: Compiled;
  /** The kind this reader decodes (`Pod` for `core.Pod`): a list must be a `<kind>List`. */
  readonly kind: string;

  readonly #direct: ProtobufReading['direct'];

  constructor(reading: ProtobufReading) {
    this.#compiled = compileMask(reading.message, reading.mask);
    this.kind = reading.message.slice(reading.message.lastIndexOf('.') + 1);
    this.#direct = reading.direct;
  }

  /** projected projects the object message in [start, end) straight into its record (ProtobufReading.direct); undefined if the reading has none or leaves this object to the generic path. */
  projected(buf: Uint8Array, start: number, end: number, kind: string): Projected | undefined {
    if (this.#direct === undefined) return undefined;
    const record = this.#direct(buf, start, end, kind);
    return record === undefined ? undefined : new Projected(record);
  }

  /** object decodes a whole body (`k8s\0` + runtime.Unknown) in [start, end); typeMeta comes from the envelope. */
  object(buf: Uint8Array, start: number, end: number): Record<string, unknown> {
    const env = readEnvelope(buf, start, end);
    const obj = decodeMasked(buf, env.rawStart, env.rawEnd, this.#compiled);
    obj['apiVersion'] = env.apiVersion;
    obj['kind'] = env.kind;
    return obj;
  }

  /** item decodes one list item (a bare message) in [start, end), adding the list's typeMeta. */
  item(buf: Uint8Array, start: number, end: number, apiVersion: string, kind: string): Record<string, unknown> {
    const obj = decodeMasked(buf, start, end, this.#compiled);
    obj['apiVersion'] = apiVersion;
    obj['kind'] = kind;
    return obj;
  }
}

/** DecodedList is a protobuf LIST body: items decoded (undefined where malformed, with the reason), resourceVersion and continue. */
export interface DecodedList {
  readonly items: readonly unknown[];
  readonly skipped: readonly string[];
  readonly resourceVersion: string;
  readonly continue: string;
}

/**
 * decodeList decodes a protobuf LIST body; a malformed item is left out and named in `skipped`.
 * With `direct`, items the reader projects straight from the bytes come as Projected records.
 * Throws ProtoError if the envelope is malformed or is not a list of the reader's kind (so no item
 * is stamped with a kind the server never sent).
 */
export function decodeList(body: Uint8Array, reader: MaskedReader, direct = false): DecodedList {
  const env = readEnvelope(body);
  if (env.kind !== `${reader.kind}List`) throw new ProtoError(`expected a ${reader.kind}List, the envelope says ${JSON.stringify(env.kind)}`);
  const kind = reader.kind;
  const list = readList(body, env.rawStart, env.rawEnd);
  const items: unknown[] = [];
  const skipped: string[] = [];
  for (const [s, e] of list.items) {
    const projected = direct ? reader.projected(body, s, e, kind) : undefined;
    if (projected !== undefined) {
      items.push(projected);
      continue;
    }
    try {
      items.push(reader.item(body, s, e, env.apiVersion, kind));
    } catch (err) {
      if (!(err instanceof ProtoError)) throw err;
      skipped.push(`${kind} ${nameOf(body, s, e)}: ${err.message}`);
    }
  }
  return { items, skipped, resourceVersion: list.resourceVersion, continue: list.continue };
}

/** MAX_FRAME_BYTES bounds one watch frame, as MAX_LINE_BYTES bounds a JSON line. */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** frameLength reads a frame's 4-byte big-endian length at `at`; throws ProtoError if it is over MAX_FRAME_BYTES. */
function frameLength(buf: Uint8Array, at: number): number {
  const len = (buf[at] as number) * 0x1000000 + (((buf[at + 1] as number) << 16) | ((buf[at + 2] as number) << 8) | (buf[at + 3] as number));
  if (len > MAX_FRAME_BYTES) throw new ProtoError(`a watch frame of ${len} bytes is over ${MAX_FRAME_BYTES}`);
  return len;
}

/**
 * FrameSplitter cuts a protobuf watch stream into frames: a 4-byte big-endian length, then that
 * many bytes (one meta/v1 WatchEvent). Frames inside a chunk are views of it (no copy); only a
 * frame that spans chunks is copied, once, into a buffer of its own length allocated when its
 * header is complete.
 */
export class FrameSplitter {
  readonly #header = new Uint8Array(4);
  #headerFill = 0;
  /** The frame being completed across chunks, at its full length; undefined between frames. */
  #frame: Uint8Array | undefined = undefined;
  #frameFill = 0;

  /** push returns the complete frames ending in `chunk`. Throws ProtoError for a frame over MAX_FRAME_BYTES. */
  push(chunk: Uint8Array): Uint8Array[] {
    const frames: Uint8Array[] = [];
    let at = this.#continue(chunk, frames);
    if (at < 0) return frames;
    while (chunk.length - at >= 4) {
      const len = frameLength(chunk, at);
      if (chunk.length - at - 4 < len) break;
      frames.push(chunk.subarray(at + 4, at + 4 + len));
      at += 4 + len;
    }
    // The rest is the start of a frame that ends in a later chunk.
    const rest = chunk.subarray(at);
    if (rest.length === 0) return frames;
    if (rest.length < 4) {
      this.#header.set(rest);
      this.#headerFill = rest.length;
      return frames;
    }
    this.#frame = new Uint8Array(frameLength(rest, 0));
    this.#frame.set(rest.subarray(4));
    this.#frameFill = rest.length - 4;
    this.#headerFill = 4;
    return frames;
  }

  /**
   * #continue feeds the start of `chunk` to a frame begun earlier (header first); returns where the
   * rest of the chunk starts, or -1 if the whole chunk went into an unfinished frame.
   */
  #continue(chunk: Uint8Array, frames: Uint8Array[]): number {
    let at = 0;
    while (this.#headerFill > 0 || this.#frame !== undefined) {
      if (this.#frame === undefined) {
        while (this.#headerFill < 4 && at < chunk.length) this.#header[this.#headerFill++] = chunk[at++] as number;
        if (this.#headerFill < 4) return -1;
        this.#frame = new Uint8Array(frameLength(this.#header, 0));
        this.#frameFill = 0;
      }
      const take = Math.min(this.#frame.length - this.#frameFill, chunk.length - at);
      this.#frame.set(chunk.subarray(at, at + take), this.#frameFill);
      this.#frameFill += take;
      at += take;
      if (this.#frameFill < this.#frame.length) return -1;
      frames.push(this.#frame);
      this.#frame = undefined;
      this.#headerFill = 0;
    }
    return at;
  }
}

/** WatchFrame is one decoded protobuf watch event: its type and object (JSON form, masked), or why it could not be read. */
export type WatchFrame<O = Record<string, unknown>> =
  | { readonly ok: true; readonly type: string; readonly object: O }
  | { readonly ok: false; readonly type: string; readonly error: string };

/**
 * decodeWatchFrame decodes one frame. ERROR events decode their Status fully (code, reason,
 * message); BOOKMARKs their metadata (with `bookmarkReader`, bookmarkReading's fields; else the
 * kind's mask). With `direct`, the object of an ADDED, MODIFIED or DELETED event that the reader
 * projects straight from the bytes comes as a Projected record.
 */
export function decodeWatchFrame(frame: Uint8Array, reader: MaskedReader, statusReader: MaskedReader): WatchFrame;
export function decodeWatchFrame(frame: Uint8Array, reader: MaskedReader, statusReader: MaskedReader, direct: boolean, bookmarkReader?: MaskedReader): WatchFrame<Record<string, unknown> | Projected>;
export function decodeWatchFrame(frame: Uint8Array, reader: MaskedReader, statusReader: MaskedReader, direct = false, bookmarkReader?: MaskedReader): WatchFrame<Record<string, unknown> | Projected> {
  let type = '';
  try {
    const ev = readWatchEvent(frame);
    type = ev.type;
    if (direct && (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED')) {
      const env = readEnvelope(frame, ev.objectStart, ev.objectEnd);
      const projected = reader.projected(frame, env.rawStart, env.rawEnd, env.kind);
      if (projected !== undefined) return { ok: true, type, object: projected };
    }
    const r = type === 'ERROR' ? statusReader : type === 'BOOKMARK' && bookmarkReader !== undefined ? bookmarkReader : reader;
    return { ok: true, type, object: r.object(frame, ev.objectStart, ev.objectEnd) };
  } catch (err) {
    if (!(err instanceof ProtoError)) throw err;
    const ev = safeEvent(frame);
    const name = ev === undefined ? '<unreadable>' : nameInBody(frame, ev.objectStart, ev.objectEnd);
    return { ok: false, type, error: `${name}: ${err.message}` };
  }
}

function safeEvent(frame: Uint8Array): ReturnType<typeof readWatchEvent> | undefined {
  try {
    return readWatchEvent(frame);
  } catch {
    return undefined;
  }
}

function nameInBody(buf: Uint8Array, start: number, end: number): string {
  try {
    const env = readEnvelope(buf, start, end);
    return `${env.kind} ${nameOf(buf, env.rawStart, env.rawEnd)}`;
  } catch {
    return '<unreadable object>';
  }
}

/**
 * bookmarkReading decodes the object of a BOOKMARK event of one kind: its resourceVersion and
 * annotations (the initial-events-end mark of a streaming list), whatever the kind's own mask reads.
 */
export function bookmarkReading(message: string): ProtobufReading {
  return { message, mask: { metadata: { resourceVersion: true, annotations: true } } };
}

/** STATUS_READING decodes a meta/v1 Status (the object of an ERROR event) whole. */
export const STATUS_READING: ProtobufReading = { message: 'meta.Status', mask: true };
