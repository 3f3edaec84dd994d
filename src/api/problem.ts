import type { ErrorCode } from '../lib/errors.ts';
import { TrackerError } from '../lib/errors.ts';

/** httpStatusFor maps every error code to its HTTP status; the compiler flags a code left out. */
export const httpStatusFor: Readonly<Record<ErrorCode, number>> = {
  ROLLOUT_FAILED: 409,
  ROLLOUT_TIMEOUT: 504,
  USAGE: 400,
  CONFIG_INVALID: 400,
  NOT_FOUND: 404,
  AMBIGUOUS: 400,
  UNSUPPORTED_KIND: 400,
  CONFLICT: 409,
  INVALID: 400,
  KUBE_UNAUTHORIZED: 502,
  KUBE_FORBIDDEN: 502,
  KUBE_UNAVAILABLE: 503,
  METRICS_UNAVAILABLE: 503,
  KUBE_WATCH_EXPIRED: 503,
  KUBE_RV_NOT_COMPARABLE: 500,
  STORE_UNAVAILABLE: 503,
  STORE_MIGRATION_PENDING: 503,
  MALFORMED_OBJECT: 400,
  INTERNAL: 500,
};

/**
 * Problem is an RFC 9457 problem details body. `type` is a stable URN per error code; `code` and
 * `hint` are our extension members (the error code, and what to do next).
 */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly hint?: string;
  readonly instance?: string;
  readonly errors?: readonly { readonly path: string; readonly message: string }[];
  /** The request's id (also in the x-request-id header and the server log line of a 5xx). */
  readonly requestId?: string;
}

/** PROBLEM_CONTENT_TYPE is the media type of problem responses. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** problem builds a problem body from a status, code and message. */
export function problem(status: number, code: string, detail: string, extra: Partial<Pick<Problem, 'hint' | 'instance' | 'errors'>> = {}): Problem {
  return { type: `urn:rollscope:problem:${code.toLowerCase()}`, title: TITLES[status] ?? 'Error', status, detail, code, ...extra };
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 413: 'Content Too Large', 415: 'Unsupported Media Type', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

/** problemFromError turns any thrown value into a problem: TrackerErrors keep their code and hint; others are 500s without internals. */
export function problemFromError(e: unknown, instance?: string): Problem {
  if (e instanceof TrackerError) {
    return problem(httpStatusFor[e.code], e.code, e.message, { ...(e.details.hint ? { hint: e.details.hint } : {}), ...(instance ? { instance } : {}) });
  }
  return problem(500, 'INTERNAL', 'internal error; the server log has the details under this requestId', instance ? { instance } : {});
}
