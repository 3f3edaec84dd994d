import type { ServerResponse } from 'node:http';
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

/** writeJson sends a JSON body (an already serialised string is sent as is) and returns its byte length. */
export function writeJson(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): number {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const bytes = Buffer.byteLength(text);
  res.writeHead(code, { ...PF_HEADERS, 'Content-Type': 'application/json', 'Content-Length': String(bytes), ...headers });
  res.end(text);
  return bytes;
}

/** sendJson answers an API call with JSON and accounts the bytes to the call's verb and resource. */
export function sendJson(call: ApiCall, code: number, body: unknown, headers: Record<string, string> = {}): void {
  const bytes = writeJson(call.res, code, body, headers);
  call.state.accounting.countBytes(call.verb, call.route.info.key, bytes);
}

/** sendProtobuf answers an API call with a protobuf body and accounts its bytes. */
export function sendProtobuf(call: ApiCall, code: number, body: Buffer): void {
  call.res.writeHead(code, { ...PF_HEADERS, 'Content-Type': PROTOBUF_CONTENT_TYPE, 'Content-Length': String(body.length) });
  call.res.end(body);
  call.state.accounting.countBytes(call.verb, call.route.info.key, body.length);
  call.state.accounting.countProtobuf(call.verb, call.route.info.key);
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
