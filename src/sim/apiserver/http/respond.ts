import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { Status } from '../../../kube/types.ts';
import { isTrackerError } from '../../../lib/errors.ts';
import { failureStatus, internalError, isSimApiError, SimApiError } from '../../core/api-error.ts';
import type { ApiCall } from './context.ts';
import { PROTOBUF_CONTENT_TYPE } from './negotiate.ts';

// Headers every response of a real kube-apiserver carries (API Priority and Fairness).
const PF_HEADERS = {
  'Cache-Control': 'no-cache, private',
  'X-Kubernetes-Pf-Flowschema-Uid': '00000000-0000-0000-0000-00000000f10e',
  'X-Kubernetes-Pf-Prioritylevel-Uid': '00000000-0000-0000-0000-00000000f10f',
};

/**
 * writeJson sends a JSON body (an already serialised string is sent as is), never compressed, and
 * returns its byte length: for the answers outside the API handlers — discovery (all under 3 KiB
 * here, below GZIP_THRESHOLD_BYTES), /openapi/v3 (kube-openapi pkg/handler3 serves it with
 * http.ServeContent, outside the compressing writers), and the authentication, authorization and
 * fault rejections (small Status bodies).
 */
export function writeJson(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): number {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const bytes = Buffer.byteLength(text);
  res.writeHead(code, { ...PF_HEADERS, 'Content-Type': 'application/json', 'Content-Length': String(bytes), ...headers });
  res.end(text);
  return bytes;
}

/**
 * GZIP_THRESHOLD_BYTES and GZIP_LEVEL are kube-apiserver's response compression settings
 * (APIResponseCompression, beta and on by default since 1.16): k8s.io/apiserver
 * pkg/endpoints/handlers/responsewriters/writers.go, defaultGzipThresholdBytes = 128 * 1024
 * (compared with the first write, which for a buffered or streamed list is the whole body here)
 * and defaultGzipContentEncodingLevel = 1 (lowered from 4 by kubernetes/kubernetes#112296).
 */
export const GZIP_THRESHOLD_BYTES = 128 * 1024;
export const GZIP_LEVEL = 1;

/**
 * acceptsGzip is kube-apiserver's negotiateContentEncoding (writers.go): the request's
 * Accept-Encoding, split at commas, must hold the bare token `gzip` (whitespace trimmed, case
 * kept). The server does no q-value or wildcard negotiation: `gzip;q=0` is refused, and so are
 * `gzip;q=0.5`, `GZIP` and `*` — which a client expecting RFC 9110 negotiation would get
 * compressed elsewhere; the simulator answers as the real server does.
 */
export function acceptsGzip(acceptEncoding: string | readonly string[] | undefined): boolean {
  const header = typeof acceptEncoding === 'string' ? acceptEncoding : (acceptEncoding ?? []).join(',');
  return header.split(',').some((token) => token.trim() === 'gzip');
}

/**
 * sendBody answers an API call with a whole body, gzip-compressed at GZIP_LEVEL when the client
 * accepts gzip (acceptsGzip) and the body is larger than GZIP_THRESHOLD_BYTES, as kube-apiserver's
 * deferredResponseWriter does for every non-watch API response it serialises (GET, LIST, Table,
 * write answers, Status errors; kubernetes/kubernetes#45666 — watches stream unencoded, see
 * watch.ts). A compressed answer carries `Content-Encoding: gzip` and `Vary: Accept-Encoding`, and
 * Content-Length is the compressed length (the real server streams it chunked; either frames the
 * same bytes). The accounting counts the bytes on the wire and, apart, the body before compression.
 */
function sendBody(call: ApiCall, code: number, contentType: string, body: string | Buffer, headers: Record<string, string>, protobuf: boolean): void {
  const bytes = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  const gzip = bytes > GZIP_THRESHOLD_BYTES && acceptsGzip(call.req.headers['accept-encoding']);
  const wire = gzip ? gzipSync(body, { level: GZIP_LEVEL }) : body;
  const wireBytes = gzip ? wire.length : bytes;
  call.res.writeHead(code, {
    ...PF_HEADERS,
    'Content-Type': contentType,
    ...(gzip ? { 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' } : {}),
    'Content-Length': String(wireBytes),
    ...headers,
  });
  call.res.end(wire);
  const { accounting } = call.state;
  accounting.countBytes(call.verb, call.route.info.key, wireBytes, bytes);
  if (gzip) accounting.countGzip(call.verb, call.route.info.key);
  if (protobuf) accounting.countProtobuf(call.verb, call.route.info.key);
}

/** sendJson answers an API call with JSON (compressed as sendBody says) and accounts its bytes to the call's verb and resource. */
export function sendJson(call: ApiCall, code: number, body: unknown, headers: Record<string, string> = {}): void {
  sendBody(call, code, 'application/json', typeof body === 'string' ? body : JSON.stringify(body), headers, false);
}

/** sendProtobuf answers an API call with a protobuf body (compressed as sendBody says) and accounts its bytes. */
export function sendProtobuf(call: ApiCall, code: number, body: Buffer): void {
  sendBody(call, code, PROTOBUF_CONTENT_TYPE, body, {}, true);
}

/** toSimApiError turns anything thrown by a handler into the Status the server answers. */
export function toSimApiError(e: unknown): SimApiError {
  if (isSimApiError(e)) return e;
  if (isTrackerError(e) && e.code === 'INVALID') {
    return new SimApiError(failureStatus({ code: 422, reason: 'Invalid', message: e.message }), e.details.hint ?? 'fix the patch and retry');
  }
  return internalError(e instanceof Error ? e.message : String(e));
}

/** statusHeaders returns the extra headers of an error (Retry-After). */
export function statusHeaders(e: SimApiError): Record<string, string> {
  return e.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(e.retryAfterSeconds) };
}

/** sendError answers with the error's Status. */
export function sendError(call: ApiCall, e: unknown): void {
  const err = toSimApiError(e);
  sendJson(call, err.status.code, err.status, statusHeaders(err));
}

/** successStatus is the `Status` a delete of a kind that does not return the object answers with. */
export function successStatus(details: NonNullable<Status['details']>): Omit<Status, 'code'> {
  // The real server sends no `code` in a delete's Success status.
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}
