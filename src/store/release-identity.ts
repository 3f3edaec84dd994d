import { TrackerError } from '../lib/errors.ts';
import type { Release } from '../model/release.ts';
import type { ReleaseSummary } from './ledger.ts';

/**
 * revisionKey is the native revision as stored in the natural key: the revision, or '' when the
 * release has none (so a null revision is a value of its own, and SQL unique indexes see it).
 */
export function revisionKey(r: Pick<Release, 'revision'>): string {
  return r.revision ?? '';
}

/** naturalKey is a release's natural key: workload uid + template hash + native revision. */
export function naturalKey(r: Pick<Release, 'workload' | 'templateHash' | 'revision'>): string {
  return `${r.workload.uid}\u0000${r.templateHash}\u0000${revisionKey(r)}`;
}

/** checkReleaseNumber throws CONFLICT when another release of the workload already holds `r`'s release number. */
export function checkReleaseNumber(r: Release, holders: readonly Pick<Release, 'id'>[]): void {
  const other = holders.find((h) => h.id !== r.id);
  if (!other) return;
  const w = r.workload;
  throw new TrackerError('CONFLICT', `release number ${r.releaseNumber} of ${w.kind.toLowerCase()} ${w.namespace}/${w.name} already belongs to release ${other.id}, not ${r.id}`, {
    subject: `${w.kind.toLowerCase()} ${w.namespace}/${w.name}`,
    hint: 'take numbers from nextReleaseNumber(), or pass releaseNumber 0 to let the ledger assign one',
  });
}

/** summarize reduces a release to the summary shown beside its workload. */
export function summarize(r: Release): ReleaseSummary {
  return {
    id: r.id,
    releaseNumber: r.releaseNumber,
    revision: r.revision,
    trigger: r.trigger,
    images: r.images,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    outcome: r.outcome,
    failureCode: r.failure?.code ?? null,
  };
}
