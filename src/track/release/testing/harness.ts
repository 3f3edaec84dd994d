// Harness: folds deltas through trackDelta like the daemon would, and keeps a "ledger" of the
// facts (latest version of each release, workload events) for assertions.
import type { Release, WorkloadEvent } from '../../../model/release.ts';
import { initialTrackerState, trackDelta, type Fact, type TrackerConfig, type TrackerDelta, type TrackerState } from '../../tracker.ts';
import { T0 } from './builders.ts';

/** Harness drives a tracker with a manual clock. */
export class Harness {
  state: TrackerState;
  now: number;
  readonly facts: Fact[] = [];
  readonly releases = new Map<string, Release>();
  readonly events: WorkloadEvent[] = [];

  constructor(opts: { seed?: readonly Release[]; config?: Partial<TrackerConfig>; now?: number } = {}) {
    this.state = initialTrackerState({ cluster: 'test', ...opts.config }, opts.seed ?? []);
    this.now = opts.now ?? T0;
    for (const r of opts.seed ?? []) this.releases.set(r.id, r);
  }

  /** apply feeds deltas (one ms apart) and returns the facts they produced. */
  apply(deltas: readonly TrackerDelta[], stepMs = 1): Fact[] {
    const out: Fact[] = [];
    for (const d of deltas) {
      this.now += stepMs;
      const step = trackDelta(this.state, d, this.now);
      this.state = step.state;
      out.push(...step.facts);
    }
    for (const f of out) {
      if (f.kind === 'releaseStarted' || f.kind === 'releaseUpdated') this.releases.set(f.release.id, f.release);
      if (f.kind === 'workloadEvent') this.events.push(f.event);
    }
    this.facts.push(...out);
    return out;
  }

  /** ledger lists the releases of one workload (by uid) in release-number order. */
  ledger(uid = 'uid-web'): Release[] {
    return [...this.releases.values()].filter((r) => r.workload.uid === uid).sort((a, b) => a.releaseNumber - b.releaseNumber);
  }

  /** table renders releases compactly for deep-equal assertions. */
  table(uid = 'uid-web'): string[] {
    return this.ledger(uid).map(
      (r) =>
        `#${r.releaseNumber} rev${r.revision} ${r.trigger} ${r.images.map((i) => i.image).join(',')} by ${r.actor.manager} → ${r.outcome}${r.failure ? ` (${r.failure.code})` : ''}${r.backfilled ? ' [backfilled]' : ''}`,
    );
  }
}
