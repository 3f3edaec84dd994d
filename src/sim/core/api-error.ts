import type { Status, StatusCause } from '../../kube/types.ts';
import { TrackerError, type ErrorCode } from '../../lib/errors.ts';

/** ResourceRef names the resource an error is about, as Kubernetes puts it in `Status.details`. */
export interface ResourceRef {
  /** Plural resource, e.g. `deployments`. */
  readonly resource: string;
  /** API group, '' for core. */
  readonly group: string;
  /** Kind, e.g. `Deployment` (used by Invalid, which names the kind rather than the resource). */
  readonly kind: string;
}

/** codeForHttp maps an HTTP status of a Kubernetes error to our stable error code. */
function codeForHttp(code: number): ErrorCode {
  if (code === 404) return 'NOT_FOUND';
  if (code === 409) return 'CONFLICT';
  if (code === 422 || code === 400) return 'INVALID';
  if (code === 410) return 'KUBE_WATCH_EXPIRED';
  if (code === 401) return 'KUBE_UNAUTHORIZED';
  if (code === 403) return 'KUBE_FORBIDDEN';
  if (code === 429 || code === 503 || code === 504) return 'KUBE_UNAVAILABLE';
  return 'INTERNAL';
}

/**
 * SimApiError is a failure of the simulated API server, carrying the exact Kubernetes `Status`
 * the real server would answer (reason, message, details, code). The HTTP layer serialises
 * `status` as the response body; in-process callers match on `status.reason`.
 */
export class SimApiError extends TrackerError {
  readonly status: Status;
  /** Seconds for a `Retry-After` header (429, some 5xx/504). */
  readonly retryAfterSeconds: number | undefined;
  constructor(status: Status, hint: string, retryAfterSeconds?: number) {
    super(codeForHttp(status.code), status.message ?? status.reason ?? `HTTP ${status.code}`, {
      ...(status.details?.name === undefined ? {} : { subject: status.details.name }),
      hint,
    });
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** isSimApiError tells whether a caught value is a SimApiError. */
export function isSimApiError(e: unknown): e is SimApiError {
  return e instanceof SimApiError;
}

/** qualifiedResource renders `deployments.apps`, or `pods` for the core group. */
export function qualifiedResource(ref: Pick<ResourceRef, 'resource' | 'group'>): string {
  return ref.group === '' ? ref.resource : `${ref.resource}.${ref.group}`;
}

/** qualifiedKind renders `Deployment.apps`, or `Pod` for the core group (as Invalid messages do). */
export function qualifiedKind(ref: Pick<ResourceRef, 'kind' | 'group'>): string {
  return ref.group === '' ? ref.kind : `${ref.kind}.${ref.group}`;
}

interface FailureInit {
  readonly code: number;
  readonly reason: string;
  readonly message: string;
  readonly details?: Status['details'];
  readonly metadata?: Status['metadata'];
}

/** failureStatus builds a `Status` with `status: Failure`. */
export function failureStatus(init: FailureInit): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: init.metadata ?? {},
    status: 'Failure',
    message: init.message,
    reason: init.reason,
    ...(init.details === undefined ? {} : { details: init.details }),
    code: init.code,
  };
}

function details(ref: ResourceRef, name: string | undefined, kind: string): NonNullable<Status['details']> {
  return { ...(name === undefined ? {} : { name }), group: ref.group, kind };
}

/** notFound is 404 NotFound: `deployments.apps "web" not found`. */
export function notFound(ref: ResourceRef, name: string): SimApiError {
  const message = `${qualifiedResource(ref)} "${name}" not found`;
  return new SimApiError(
    failureStatus({ code: 404, reason: 'NotFound', message, details: details(ref, name, ref.resource) }),
    `check the name and namespace of the ${ref.kind}`,
  );
}

/** alreadyExists is 409 AlreadyExists: `deployments.apps "web" already exists`. */
export function alreadyExists(ref: ResourceRef, name: string): SimApiError {
  const message = `${qualifiedResource(ref)} "${name}" already exists`;
  return new SimApiError(
    failureStatus({ code: 409, reason: 'AlreadyExists', message, details: details(ref, name, ref.resource) }),
    `choose another name, or update the existing ${ref.kind}`,
  );
}

/** conflict is 409 Conflict for a stale resourceVersion (optimistic concurrency). */
export function conflict(ref: ResourceRef, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): SimApiError {
  const message = `Operation cannot be fulfilled on ${qualifiedResource(ref)} "${name}": ${why}`;
  return new SimApiError(
    failureStatus({ code: 409, reason: 'Conflict', message, details: details(ref, name, ref.resource) }),
    `read the latest ${ref.kind} and retry the write`,
  );
}

/** FieldError is one invalid field, as Kubernetes' field.Error renders it. */
export interface FieldError {
  /** e.g. `spec.selector`. */
  readonly field: string;
  /** `FieldValueInvalid`, `FieldValueRequired`, `FieldValueNotSupported`, `FieldValueForbidden`… */
  readonly reason: string;
  /** The cause message without the field, e.g. `Invalid value: "x": field is immutable`. */
  readonly message: string;
}

/** invalid is 422 Invalid: `Deployment.apps "web" is invalid: spec.selector: Invalid value: …: field is immutable`. */
export function invalid(ref: ResourceRef, name: string, errors: readonly FieldError[]): SimApiError {
  const rendered = errors.map((e) => `${e.field}: ${e.message}`);
  const joined = rendered.length === 1 ? (rendered[0] ?? '') : `[${rendered.join(', ')}]`;
  const message = `${qualifiedKind(ref)} "${name}" is invalid: ${joined}`;
  const causes: StatusCause[] = errors.map((e) => ({ reason: e.reason, message: e.message, field: e.field }));
  return new SimApiError(
    failureStatus({ code: 422, reason: 'Invalid', message, details: { ...details(ref, name, ref.kind), causes } }),
    `fix the listed fields of the ${ref.kind} and retry`,
  );
}

/** badRequest is 400 BadRequest (malformed body, unsupported patch type…). */
export function badRequest(message: string, hint = 'fix the request and retry'): SimApiError {
  return new SimApiError(failureStatus({ code: 400, reason: 'BadRequest', message }), hint);
}

/** methodNotAllowed is 405 MethodNotAllowed. */
export function methodNotAllowed(message: string): SimApiError {
  return new SimApiError(failureStatus({ code: 405, reason: 'MethodNotAllowed', message }), 'use a verb the resource supports');
}

/** unsupportedMediaType is 415 UnsupportedMediaType. */
export function unsupportedMediaType(contentType: string): SimApiError {
  return new SimApiError(
    failureStatus({ code: 415, reason: 'UnsupportedMediaType', message: `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${contentType})` }),
    'send a supported Content-Type',
  );
}

/** expired is 410 Expired (watch too old, continue token too old). */
export function expired(message: string, metadata: Status['metadata'] = {}): SimApiError {
  return new SimApiError(failureStatus({ code: 410, reason: 'Expired', message, metadata }), 'relist without resourceVersion/continue');
}

/** internalError is 500 InternalError. */
export function internalError(message: string): SimApiError {
  return new SimApiError(
    failureStatus({ code: 500, reason: 'InternalError', message: `Internal error occurred: ${message}`, details: { causes: [{ message }] } }),
    'retry; if it persists, report a simulator bug',
  );
}

/** serviceUnavailable is 503 ServiceUnavailable. */
export function serviceUnavailable(message: string): SimApiError {
  return new SimApiError(failureStatus({ code: 503, reason: 'ServiceUnavailable', message }), 'retry later');
}
