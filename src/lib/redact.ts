/**
 * One place for hiding secrets before anything is stored, served, logged or printed (pure).
 *
 * - Container `args`/`command` (redactArgs): `--NAME=VALUE` and `-NAME=VALUE` whose NAME is
 *   secret-looking keep the name and lose the value; a secret-looking `--NAME` followed by a
 *   separate value (`--db-password s3cret`) loses that next argument; any argument with a URL
 *   carrying credentials or a secret query parameter is masked as in messages.
 * - Free text (redactText, used for connection strings and every message): the password of
 *   `scheme://user:password@host` and the value of secret-looking `key=value` pairs (query
 *   parameters like `?password=`, libpq keywords like `password=… host=…`) become REDACTED.
 *
 * Secret-looking NAME: a word of it (split on `-`, `_`, `.`) is password, passwd, pwd, pass,
 * secret, token, credential(s), apikey/api-key, accesskey/access-key, privatekey/private-key, auth,
 * or sslpassword — unless its last word is file, path, dir or ref (those name where a secret is,
 * not the secret).
 */

/** REDACTED replaces every secret value. */
export const REDACTED = '<redacted>';

const SECRET_WORDS = new Set(['password', 'passwd', 'pwd', 'pass', 'secret', 'token', 'credential', 'credentials', 'apikey', 'accesskey', 'privatekey', 'auth', 'sslpassword']);
const POINTER_WORDS = new Set(['file', 'path', 'dir', 'ref']);

/** isSecretName tells whether a flag or parameter name (without leading dashes) names a secret value. */
export function isSecretName(name: string): boolean {
  const words = name
    .toLowerCase()
    .replace(/(api|access|private)[-_.](key)/g, '$1$2')
    .split(/[-_.]+/)
    .filter(Boolean);
  if (words.length === 0 || POINTER_WORDS.has(words[words.length - 1]!)) return false;
  return words.some((w) => SECRET_WORDS.has(w));
}

const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]*:)(?!\*\*\*@)([^\s@/'"]+)@/gi;
const KEY_VALUE = /(^|[?&;\s,'"(-])([a-z][\w.-]*)=([^&;\s'",)]+)/gi;

/** redactText masks credentials in connection strings and any message (see the file comment). */
export function redactText(text: string): string {
  return text.replace(URL_CREDENTIALS, `$1${REDACTED}@`).replace(KEY_VALUE, (all, pre: string, key: string) => (isSecretName(key) ? `${pre}${key}=${REDACTED}` : all));
}

/** redactArgs masks secret values in a container's `args` or `command` (see the file comment). */
export function redactArgs(args: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  let hideNext = false;
  for (const a of args) {
    if (typeof a !== 'string') {
      out.push(a);
      hideNext = false;
      continue;
    }
    if (hideNext && !a.startsWith('-')) {
      out.push(REDACTED);
      hideNext = false;
      continue;
    }
    hideNext = false;
    const flag = /^(--?)([A-Za-z][\w.-]*)(=)([\s\S]*)$/.exec(a);
    if (flag) {
      out.push(isSecretName(flag[2]!) ? `${flag[1]}${flag[2]}=${REDACTED}` : `${flag[1]}${flag[2]}=${redactText(flag[4]!)}`);
      continue;
    }
    const bare = /^--?([A-Za-z][\w.-]*)$/.exec(a);
    if (bare && isSecretName(bare[1]!)) {
      out.push(a);
      hideNext = true;
      continue;
    }
    out.push(redactText(a));
  }
  return out;
}
