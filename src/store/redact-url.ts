import { REDACTED, redactText } from '../lib/redact.ts';

/**
 * redactUrl hides every credential of a database URL (the userinfo password and secret query
 * parameters such as `?password=`), so errors and logs can name the database safely. Example:
 * `postgres://app:s3cret@db:5432/ledger` → `postgres://app:***@db:5432/ledger`. The rules live in
 * lib/redact.ts (ledger URLs keep their historical `***` mask).
 */
export function redactUrl(url: string): string {
  return redactText(url).replaceAll(REDACTED, '***');
}
