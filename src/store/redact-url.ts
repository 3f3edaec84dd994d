/**
 * redactUrl hides the password of a database URL, so errors and logs can name the database safely.
 * Example: `postgres://app:s3cret@db:5432/ledger` → `postgres://app:***@db:5432/ledger`. A string
 * that is not a URL is returned with anything between `//user:` and `@` masked.
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password === '') return url;
    u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
  }
}
