import type { ErrorCode } from '../lib/errors.ts';

/**
 * EXIT is the CLI's exit-code table (ARCHITECTURE.md): 0 success, 1 rollout failed, 2 timed out,
 * 3 usage/config error, 4 not found, 5 API/store unavailable.
 */
export const EXIT = {
  ok: 0,
  rolloutFailed: 1,
  timeout: 2,
  usage: 3,
  notFound: 4,
  unavailable: 5,
} as const;

/** exitCodeFor maps every error code to its exit code; the compiler flags a code left out. */
export const exitCodeFor: Readonly<Record<ErrorCode, number>> = {
  ROLLOUT_FAILED: EXIT.rolloutFailed,
  ROLLOUT_TIMEOUT: EXIT.timeout,
  USAGE: EXIT.usage,
  CONFIG_INVALID: EXIT.usage,
  NOT_FOUND: EXIT.notFound,
  AMBIGUOUS: EXIT.usage,
  UNSUPPORTED_KIND: EXIT.usage,
  CONFLICT: EXIT.unavailable,
  INVALID: EXIT.usage,
  KUBE_UNAUTHORIZED: EXIT.unavailable,
  KUBE_FORBIDDEN: EXIT.unavailable,
  KUBE_UNAVAILABLE: EXIT.unavailable,
  KUBE_WATCH_EXPIRED: EXIT.unavailable,
  KUBE_RV_NOT_COMPARABLE: EXIT.unavailable,
  METRICS_UNAVAILABLE: EXIT.unavailable,
  STORE_UNAVAILABLE: EXIT.unavailable,
  STORE_MIGRATION_PENDING: EXIT.unavailable,
  MALFORMED_OBJECT: EXIT.usage,
  INTERNAL: EXIT.unavailable,
};
