import type { Outcome } from '../../model/release.ts';

/**
 * TemplateHistory maps the pod template fingerprint of a workload's recent releases to the number
 * of the latest release with that template, or null when that release failed (the template is not
 * a good state to return to). It is the one rule for "is this a rollback, and to which release":
 * live tracking, backfill and workload-change classification all read it.
 *
 * The entry of a template depends only on the latest release with it and that release's outcome,
 * so the history rebuilt from the ledger after a restart (whose outcomes are final) equals the one
 * kept while watching — provided every outcome change of the current release is noted
 * (workload-state.ts rememberRelease, tracker-state.ts putWorkload).
 */
export type TemplateHistory = ReadonlyMap<string, number | null>;

/** TemplateOutcome is what the history needs to know of one release. */
export interface TemplateOutcome {
  readonly templateHash: string;
  readonly releaseNumber: number;
  readonly outcome: Outcome;
}

/**
 * MAX_TEMPLATES bounds the fingerprints kept per workload: rollbacks go back a few revisions
 * (revisionHistoryLimit defaults to 10); the least recently changed are forgotten first.
 */
export const MAX_TEMPLATES = 50;

/**
 * noteRelease records what a release says of its template: failed → not a state to return to
 * (null); any other outcome (succeeded, still running, paused, superseded or rolled back before it
 * could fail, backfilled with its outcome unknown) → its number is the rollback target. A release
 * that fails later, or recovers, is noted again. Returns the same map when nothing changes.
 */
export function noteRelease(h: TemplateHistory, r: TemplateOutcome): TemplateHistory {
  const fp = r.templateHash;
  const after = r.outcome === 'failed' ? null : r.releaseNumber;
  if (h.has(fp) && h.get(fp) === after) return h;
  const out = new Map(h);
  out.delete(fp);
  out.set(fp, after);
  for (const k of out.keys()) {
    if (out.size <= MAX_TEMPLATES) break;
    out.delete(k);
  }
  return out;
}

/** RollbackTarget says whether a new release is a rollback and, when known, the release number it returns to. */
export interface RollbackTarget {
  readonly rollback: boolean;
  readonly to: number | null;
}

/**
 * rollbackTargetOf decides whether activating template `fingerprint` after `previousFingerprint`
 * is a rollback: the template differs from the previous one and the latest earlier release with it
 * did not fail (→ rollback to that release). Re-applying a template whose latest release failed is
 * not a rollback, even though Kubernetes re-promotes its old ReplicaSet. A template this history
 * does not know is a rollback (target unknown) only when Kubernetes re-promoted an old revision for
 * it (`rePromoted`, kubernetes.md §1.5).
 */
export function rollbackTargetOf(h: TemplateHistory, fingerprint: string, previousFingerprint: string | null, rePromoted = false): RollbackTarget {
  if (fingerprint === previousFingerprint) return { rollback: false, to: null };
  const to = h.get(fingerprint);
  if (to === undefined) return { rollback: rePromoted, to: null };
  return to === null ? { rollback: false, to: null } : { rollback: true, to };
}
