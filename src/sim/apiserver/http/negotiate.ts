import type { KubeObject } from '../../../kube/types.ts';
import { encodeListBody, encodeObjectBody, encodeWatchFrame, protobufMessageOf } from '../../../lib/kube-protobuf/encode.ts';
import { PROTOBUF_MEDIA_TYPE } from '../../../lib/kube-protobuf/schema.ts';
import type { WatchEventType } from '../../../model/watch-event.ts';
import type { ResourceInfo } from '../resources.ts';
import { watchLine } from './serialize.ts';
import { apiVersionOf } from '../resources.ts';

/** WireFormat is the body encoding of a response. */
export type WireFormat = 'json' | 'protobuf';

/** Encoding is how a response's objects are written: the wire format and whether managedFields are left out. */
export interface Encoding {
  readonly format: WireFormat;
  /** Leave `metadata.managedFields` out of every object (KEP-5958, honoured only under the ManagedFieldsOptOut gate). */
  readonly dropManagedFields: boolean;
}

/** JSON_ENCODING is the encoding of answers that negotiate nothing (errors, Tables, subresources). */
export const JSON_ENCODING: Encoding = { format: 'json', dropManagedFields: false };

interface MediaRange {
  readonly type: string;
  readonly q: number;
  readonly params: ReadonlyMap<string, string>;
}

function parseAccept(accept: string): MediaRange[] {
  return accept
    .split(',')
    .map((part) => {
      const [type = '', ...rest] = part.split(';').map((p) => p.trim());
      const params = new Map<string, string>();
      for (const p of rest) {
        const eq = p.indexOf('=');
        if (eq > 0) params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim());
      }
      const q = Number(params.get('q') ?? '1');
      params.delete('q');
      return { type: type.toLowerCase(), q: Number.isNaN(q) ? 1 : q, params };
    })
    .filter((r) => r.type !== '' && r.q > 0);
}

/** MANAGED_FIELDS is the `drop` target KEP-5958 defines. */
const MANAGED_FIELDS = 'metadata.managedFields';

/**
 * dropsManagedFields tells whether a media range's `drop` parameter names metadata.managedFields:
 * targets are joined by `+`; unknown targets are ignored for forward compatibility (KEP-5958
 * "Accept Parameter"; kubernetes/kubernetes#139561).
 */
function dropsManagedFields(range: MediaRange): boolean {
  return (range.params.get('drop') ?? '').split('+').some((t) => t.trim() === MANAGED_FIELDS);
}

/**
 * negotiate picks the encoding of a GET/LIST/WATCH answer from the `Accept` header as kube-apiserver
 * does (k8s.io/apiserver pkg/endpoints/handlers/negotiation/negotiate.go): the most preferred media
 * range the server can produce (q, then order). Protobuf is produced only for the built-in kinds
 * with a protobuf schema and not for a conversion (`as=`, as Tables ask); everything else (CRD-like
 * kinds, Tables, unknown media types) falls back to JSON. Parameters the server does not know are
 * ignored, as acceptMediaTypeOptions does (`Unrecognized`); `drop=metadata.managedFields` is
 * honoured only when the ManagedFieldsOptOut gate is on (sim/apiserver/feature-gates.ts).
 */
export function negotiate(accept: string | undefined, info: ResourceInfo, managedFieldsOptOut: boolean): Encoding {
  if (accept === undefined || accept === '') return JSON_ENCODING;
  const protobufOk = protobufMessageOf(apiVersionOf(info), info.kind) !== undefined;
  const ranges = parseAccept(accept).sort((a, b) => b.q - a.q);
  for (const r of ranges) {
    const dropManagedFields = managedFieldsOptOut && dropsManagedFields(r);
    if (r.type === PROTOBUF_MEDIA_TYPE && protobufOk && !r.params.has('as')) return { format: 'protobuf', dropManagedFields };
    if (r.type === 'application/json' || r.type === '*/*' || r.type === 'application/*') return { format: 'json', dropManagedFields };
  }
  return JSON_ENCODING;
}

/**
 * withoutManagedFields is an object as sent to a client that dropped managedFields: the same
 * object (shared, not copied) when it has none, else a shallow copy whose metadata lacks the key
 * (the other keys keep their order, so the JSON differs only by the missing member).
 */
export function withoutManagedFields(obj: KubeObject): KubeObject {
  if (obj.metadata?.managedFields === undefined) return obj;
  const { managedFields: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** encodedObject is `obj` as an encoding sends it (withoutManagedFields when it drops them). */
export function encodedObject(encoding: Encoding, obj: KubeObject): KubeObject {
  return encoding.dropManagedFields ? withoutManagedFields(obj) : obj;
}

/** protobufObject encodes one stored object as a whole protobuf body (undefined if its kind has no schema). */
export function protobufObject(obj: KubeObject): Buffer | undefined {
  const type = protobufMessageOf(obj.apiVersion ?? '', obj.kind ?? '');
  return type === undefined ? undefined : encodeObjectBody(type, obj);
}

/** protobufList encodes a LIST answer as a protobuf `<Kind>List` body. */
export function protobufList(info: ResourceInfo, meta: Record<string, unknown>, items: readonly KubeObject[]): Buffer {
  const apiVersion = apiVersionOf(info);
  const type = protobufMessageOf(apiVersion, info.kind) ?? '';
  return encodeListBody(type, apiVersion, `${info.kind}List`, meta, items);
}

/** protobufWatchFrame encodes a watch event (ADDED/MODIFIED/DELETED/BOOKMARK/ERROR) as a length-prefixed protobuf frame. */
export function protobufWatchFrame(type: string, obj: KubeObject): Buffer {
  const message = protobufMessageOf(obj.apiVersion ?? '', obj.kind ?? '') ?? 'meta.Status';
  return encodeWatchFrame(type, message, obj);
}

/** frameOf encodes one watch event in a watch's format: a JSON line or a length-prefixed protobuf frame. */
export function frameOf(format: WireFormat, type: WatchEventType, obj: KubeObject): Buffer {
  return format === 'protobuf' ? protobufWatchFrame(type, obj) : watchLine(type, obj);
}

/** eventFrame encodes one watch event of an object in a watch's encoding (managedFields left out when it drops them). */
export function eventFrame(encoding: Encoding, type: WatchEventType, obj: KubeObject): Buffer {
  return frameOf(encoding.format, type, encodedObject(encoding, obj));
}

/** PROTOBUF_CONTENT_TYPE and PROTOBUF_WATCH_CONTENT_TYPE are the Content-Types of protobuf answers. */
export const PROTOBUF_CONTENT_TYPE = PROTOBUF_MEDIA_TYPE;
export const PROTOBUF_WATCH_CONTENT_TYPE = `${PROTOBUF_MEDIA_TYPE};stream=watch`;
