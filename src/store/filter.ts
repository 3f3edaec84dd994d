import type { Release } from '../model/release.ts';
import type { ReleaseFilter } from './ledger.ts';

const anyOf = <T>(allowed: readonly T[] | undefined, value: T): boolean => !allowed || allowed.length === 0 || allowed.includes(value);

/**
 * matchesReleaseFilter tells whether a release passes every field of the filter except the cursor
 * and limit (which are paging, not selection). The SQL stores express the same rules in SQL
 * (sql/release-query.ts); the contract suite keeps them in agreement.
 */
export function matchesReleaseFilter(r: Release, f: ReleaseFilter): boolean {
  const w = r.workload;
  return (
    (f.cluster === undefined || w.cluster === f.cluster) &&
    anyOf(f.namespaces, w.namespace) &&
    (f.kind === undefined || w.kind === f.kind) &&
    (f.name === undefined || w.name === f.name) &&
    (f.workloadUid === undefined || w.uid === f.workloadUid) &&
    (f.image === undefined || r.images.some((i) => i.image.includes(f.image ?? ''))) &&
    (f.since === undefined || r.startedAt >= f.since) &&
    (f.until === undefined || r.startedAt < f.until) &&
    anyOf(f.outcomes, r.outcome) &&
    anyOf(f.triggers, r.trigger)
  );
}
