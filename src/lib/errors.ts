/**
 * ERROR_CODES lists every stable error code. Codes map to CLI exit codes (cli/exit-codes.ts)
 * and HTTP statuses (api/problem.ts), each in one Record, so the compiler flags a code left out.
 */
export const ERROR_CODES = [
  'ROLLOUT_FAILED',
  'ROLLOUT_TIMEOUT',
  'USAGE',
  'CONFIG_INVALID',
  'NOT_FOUND',
  'AMBIGUOUS',
  'UNSUPPORTED_KIND',
  'CONFLICT',
  'INVALID',
  'KUBE_UNAUTHORIZED',
  'KUBE_FORBIDDEN',
  'KUBE_UNAVAILABLE',
  'KUBE_WATCH_EXPIRED',
  'KUBE_RV_NOT_COMPARABLE',
  'METRICS_UNAVAILABLE',
  'STORE_UNAVAILABLE',
  'STORE_MIGRATION_PENDING',
  'MALFORMED_OBJECT',
  'INTERNAL',
] as const;

/** ErrorCode is one stable error code. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** ErrorDetails says which object an error is about, what to do next, and what caused it. */
export interface ErrorDetails {
  /** The object the error is about, e.g. `deployment shop/checkout`. */
  readonly subject?: string;
  /** What the user should do next. */
  readonly hint?: string;
  readonly cause?: unknown;
}

/**
 * TrackerError is the project's only error class. Match on `code`; `message` says what happened
 * to which object; `details.hint` says what to do.
 */
export class TrackerError extends Error {
  override readonly name = 'TrackerError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails;
  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.details = details;
  }
}

/** isTrackerError tells whether a caught value is a TrackerError. */
export function isTrackerError(e: unknown): e is TrackerError {
  return e instanceof TrackerError;
}
