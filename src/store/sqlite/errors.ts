import { TrackerError, isTrackerError } from '../../lib/errors.ts';

// SQLite result codes (primary part of the extended code) that mean the file cannot be used right
// now: locked by another writer past busy_timeout, unreadable, disk full or I/O failure, read-only.
const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|READONLY|PERM|NOTADB|CORRUPT)/;

/**
 * toSqliteStoreError maps a better-sqlite3 failure that means "this ledger file cannot be used now"
 * to TrackerError STORE_UNAVAILABLE naming the file; anything else (a bug) is returned unchanged.
 */
export function toSqliteStoreError(e: unknown, subject: string): unknown {
  if (isTrackerError(e) || !(e instanceof Error)) return e;
  const code = (e as Error & { code?: unknown }).code;
  if (typeof code !== 'string' || !UNAVAILABLE.test(code)) return e;
  const busy = /^SQLITE_(BUSY|LOCKED)/.test(code);
  return new TrackerError('STORE_UNAVAILABLE', `ledger ${subject} is unusable: ${e.message} (${code})`, {
    subject,
    hint: busy
      ? 'another process holds the write lock; retry, or check that only one tracker writes this file'
      : 'check the file, its directory permissions and free disk space',
    cause: e,
  });
}
