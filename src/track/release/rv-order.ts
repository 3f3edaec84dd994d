/**
 * CANONICAL_RV matches resourceVersions that KEP-5504 lets clients order: decimal digits without
 * a leading zero. (kube/resource-version.ts is the shell's comparator; the pure core keeps this
 * one-line twin so it does not import the shell.)
 */
const CANONICAL_RV = /^[1-9][0-9]*$/;

/**
 * isStale tells whether `candidate` is OLDER than `seen` — a replayed or out-of-date version of an
 * object the tracker already holds, which must not roll its state back. Equal versions are stale
 * too (nothing new). Versions that cannot be ordered are stale only when equal.
 * Examples: isStale('99', '100') → true; isStale('101', '100') → false; isStale('x', 'y') → false.
 */
export function isStale(candidate: string, seen: string | undefined): boolean {
  if (seen === undefined) return false;
  if (candidate === seen) return true;
  if (!CANONICAL_RV.test(candidate) || !CANONICAL_RV.test(seen)) return false;
  return candidate.length !== seen.length ? candidate.length < seen.length : candidate < seen;
}
