import type { Instant } from '../../lib/clock.ts';
import type { Release, WorkloadEvent, WorkloadRef } from '../../model/release.ts';
import type { Effect } from '../rollout/effects.ts';

/**
 * Fact is what the tracker learned from one delta — what the shell persists (ledger), exports
 * (metrics, traces), notifies about and streams to the dashboard. Facts carry the FULL current
 * release, so a consumer never needs earlier facts to act on one.
 * - `releaseStarted`: a new release (live or backfilled); persist with `upsertRelease`.
 * - `releaseUpdated`: phases, outcome, failure, replica counts, images, events or actor changed;
 *   `changes` lists what (rollout effects), e.g. an `outcomeChanged` drives notifications.
 * - `workloadEvent`: a non-release change (scale, pause, resume, spec, metadata, delete).
 * - `workloadObserved`: a workload appeared, changed labels or was deleted (`upsertWorkload`).
 * Replaying the same deltas yields no facts the second time. Once a rollout is finished the tracker
 * drops the release's event list from memory, so facts about it after that (superseded,
 * rolled-back) carry `events: []`; the ledger's merge keeps the events it already stored.
 */
export type Fact =
  | { readonly kind: 'releaseStarted'; readonly release: Release }
  | { readonly kind: 'releaseUpdated'; readonly release: Release; readonly changes: readonly Effect[] }
  | { readonly kind: 'workloadEvent'; readonly event: WorkloadEvent }
  | {
      readonly kind: 'workloadObserved';
      readonly workload: WorkloadRef;
      readonly labels: Readonly<Record<string, string>>;
      readonly createdAt: Instant | null;
      readonly deletedAt: Instant | null;
    };

/** FactKind is the `kind` of a Fact. */
export type FactKind = Fact['kind'];
