import type { KubeObject } from '../../../kube/types.ts';
import { encodeListBody, encodeObjectBody, encodeWatchFrame, protobufMessageOf } from '../../../lib/kube-protobuf/encode.ts';
import { PROTOBUF_MEDIA_TYPE } from '../../../lib/kube-protobuf/schema.ts';
import type { ResourceInfo } from '../resources.ts';
import { apiVersionOf } from '../resources.ts';

/** WireFormat is the body encoding of a response. */
export type WireFormat = 'json' | 'protobuf';

interface MediaRange {
  readonly type: string;
  readonly q: number;
  readonly params: string;
}

function parseAccept(accept: string): MediaRange[] {
  return accept
    .split(',')
    .map((part) => {
      const [type = '', ...params] = part.split(';').map((p) => p.trim());
      const q = Number(params.find((p) => p.startsWith('q='))?.slice(2) ?? '1');
      return { type: type.toLowerCase(), q: Number.isNaN(q) ? 1 : q, params: params.filter((p) => !p.startsWith('q=')).join(';') };
    })
    .filter((r) => r.type !== '' && r.q > 0);
}

/**
 * negotiateFormat picks the body encoding of a GET/LIST/WATCH answer from the `Accept` header as
 * kube-apiserver does: the most preferred media range the server can produce (q, then order).
 * Protobuf is produced only for the built-in kinds with a protobuf schema; everything else
 * (CRD-like kinds, Tables, unknown media types) falls back to JSON.
 */
export function negotiateFormat(accept: string | undefined, info: ResourceInfo): WireFormat {
  if (accept === undefined || accept === '') return 'json';
  const protobufOk = protobufMessageOf(apiVersionOf(info), info.kind) !== undefined;
  const ranges = parseAccept(accept).sort((a, b) => b.q - a.q);
  for (const r of ranges) {
    if (r.type === PROTOBUF_MEDIA_TYPE && r.params === '' && protobufOk) return 'protobuf';
    if (r.type === 'application/json' || r.type === '*/*' || r.type === 'application/*') return 'json';
  }
  return 'json';
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

/** PROTOBUF_CONTENT_TYPE and PROTOBUF_WATCH_CONTENT_TYPE are the Content-Types of protobuf answers. */
export const PROTOBUF_CONTENT_TYPE = PROTOBUF_MEDIA_TYPE;
export const PROTOBUF_WATCH_CONTENT_TYPE = `${PROTOBUF_MEDIA_TYPE};stream=watch`;
