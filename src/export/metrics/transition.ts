import { FINAL_OUTCOMES } from '../../model/outcome.ts';
import { PHASE_NAMES, type Outcome, type PhaseName, type Release } from '../../model/release.ts';

/** ReleaseTransition is what one release change means for metrics. */
export interface ReleaseTransition {
  /** The release was seen for the first time, live (not backfilled). */
  readonly started: boolean;
  /** The release reached a final outcome with this change. */
  readonly finished: Outcome | null;
  /** Rollout duration in seconds, when finished. */
  readonly durationSeconds: number | null;
  /** Per-phase durations in seconds (previous reached phase → this phase), when finished. */
  readonly phaseSeconds: readonly (readonly [PhaseName, number])[];
}

/**
 * releaseTransition derives the metric-relevant meaning of a release change. Pure.
 * Backfilled releases never count (they are history reconstructed after the fact).
 * Example: before progressing, after succeeded with phases {templateObserved: 0, allAvailable: 30000}
 * → finished 'succeeded', durationSeconds 30 (from startedAt to finishedAt), phaseSeconds [['allAvailable', 30]].
 */
export function releaseTransition(before: Release | undefined, after: Release): ReleaseTransition {
  const none: ReleaseTransition = { started: false, finished: null, durationSeconds: null, phaseSeconds: [] };
  if (after.backfilled) return none;
  const started = before === undefined;
  const wasFinal = before !== undefined && FINAL_OUTCOMES.has(before.outcome);
  if (wasFinal || !FINAL_OUTCOMES.has(after.outcome) || after.finishedAt === null) return { ...none, started };
  const phaseSeconds: [PhaseName, number][] = [];
  let prev = after.phases.templateObserved ?? after.startedAt;
  for (const p of PHASE_NAMES) {
    const t = after.phases[p];
    if (p === 'templateObserved' || t === undefined) continue;
    phaseSeconds.push([p, Math.max(0, t - prev) / 1000]);
    prev = Math.max(prev, t);
  }
  return { started, finished: after.outcome, durationSeconds: Math.max(0, after.finishedAt - after.startedAt) / 1000, phaseSeconds };
}
