/**
 * ResourceVersion is an object's or list's `metadata.resourceVersion`: an opaque string that, on
 * servers following KEP-5504, is a decimal counter.
 */
export type ResourceVersion = string & { readonly __brand: 'ResourceVersion' };

/**
 * CANONICAL_RV matches a well-formed comparable resourceVersion: decimal digits without a leading
 * zero. "0" is excluded on purpose: on the wire it means "any version" (serve from the watch cache),
 * not a point in history — client-go's resourceversion.CompareResourceVersion treats it as invalid too.
 */
const CANONICAL_RV = /^[1-9][0-9]*$/;

/**
 * compareResourceVersion orders two resourceVersions of the SAME resource type, per KEP-5504
 * (Comparable Resource Version): both must be decimal digit strings without leading zeros; a
 * longer string is larger; equal lengths compare character by character. Anything else is
 * 'NotComparable' (e.g. some aggregated APIs); callers then fall back to equality.
 * Never parseInt: it loses precision above 2^53.
 * Examples: ('9', '10') → -1; ('123', '123') → 0; ('18446744073709551616', '18446744073709551615') → 1;
 * ('007', '8') → 'NotComparable'; ('', '1') → 'NotComparable'.
 */
export function compareResourceVersion(a: string, b: string): -1 | 0 | 1 | 'NotComparable' {
  if (!CANONICAL_RV.test(a) || !CANONICAL_RV.test(b)) return 'NotComparable';
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a === b ? 0 : a < b ? -1 : 1;
}

/**
 * isNewerResourceVersion tells whether `candidate` is strictly newer than `current`. When the two
 * cannot be compared it answers true if they differ (the server's word wins: equality is the only
 * comparison every server supports).
 */
export function isNewerResourceVersion(candidate: string, current: string): boolean {
  const c = compareResourceVersion(candidate, current);
  return c === 'NotComparable' ? candidate !== current : c === 1;
}
