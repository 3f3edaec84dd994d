import { TrackerError, isTrackerError } from '../../lib/errors.ts';

// SQLSTATE classes that mean "the database is not reachable or not usable right now":
// 08 connection exception, 28 invalid authorization, 3D invalid catalog (no such database),
// 53 insufficient resources, 57P operator intervention (shutdown, cannot connect now).
const UNAVAILABLE_SQLSTATE = /^(08|28|3D|53|57P)/;
const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/**
 * toStoreError maps a node-postgres failure to TrackerError STORE_UNAVAILABLE (naming the redacted
 * URL) when it means the database cannot be reached; anything else is returned unchanged.
 */
export function toStoreError(e: unknown, subject: string): unknown {
  if (isTrackerError(e) || !(e instanceof Error)) return e;
  const code = (e as Error & { code?: unknown }).code;
  const unreachable =
    (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_ERRNO.has(code))) ||
    /timeout exceeded when trying to connect|Connection terminated/i.test(e.message);
  if (!unreachable) return e;
  return new TrackerError('STORE_UNAVAILABLE', `cannot reach ledger ${subject}: ${e.message || String(code)}`, {
    subject,
    hint: 'check that PostgreSQL is running and the URL (host, port, user, password, database) is right',
    cause: e,
  });
}
