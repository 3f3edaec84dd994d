import type { Instant } from '../../lib/clock.ts';
import type { DiagnosisCode } from '../../model/diagnosis.ts';
import type { EventRecord, PodRecord, WorkloadRecord } from '../../model/records.ts';
import type { Release } from '../../model/release.ts';
import { DEFAULT_FAIL_FAST_RULES, type FailFastRules } from '../status/fail-fast.ts';

/**
 * RolloutState is one release plus what the tracker needs to move its rollout along. Read-only:
 * `advance` returns a new state when anything changed and the same object otherwise.
 * - `revisionUid`, `revisionName`: the ReplicaSet (Deployment) or ControllerRevision carrying the
 *   release; '' until seen (a release seeded from the ledger).
 * - `podHash`: the `pod-template-hash` / `controller-revision-hash` label value of the release's
 *   pods; '' until known. Pods with it (or owned by `revisionUid`) are the release's NEW pods.
 * - `pods`, `recentEvents`: kept only while the rollout is not finished (memory bound), for diagnosis.
 * - `suspect`: a diagnosis seen but still within its fail-fast grace period, with when it began.
 */
export interface RolloutState {
  readonly release: Release;
  readonly revisionUid: string;
  readonly revisionName: string;
  readonly podHash: string;
  readonly workload: WorkloadRecord | null;
  readonly pods: ReadonlyMap<string, PodRecord>;
  readonly recentEvents: readonly EventRecord[];
  readonly suspect: { readonly code: DiagnosisCode; readonly since: Instant } | null;
  readonly rules: FailFastRules;
  /** How long a succeeded rollout is still watched for pods that fail after all (see machine.ts). */
  readonly settleMs: number;
  /**
   * Verdicts given so far (outcome set to succeeded or failed). A release gets at most two — a
   * failure followed by a recovery, or a success followed by a failure within `settleMs` — so a
   * flapping workload cannot flood notifications.
   */
  readonly verdicts: number;
}

/** RolloutOptions tune a rollout state at creation. */
export interface RolloutOptions {
  readonly revisionUid?: string;
  readonly revisionName?: string;
  readonly podHash?: string;
  /** Fail-fast grace periods per diagnosis code. If unset, DEFAULT_FAIL_FAST_RULES. */
  readonly rules?: FailFastRules;
  /** If unset, DEFAULT_SETTLE_MS. */
  readonly settleMs?: number;
}

/**
 * DEFAULT_SETTLE_MS is how long a succeeded rollout is still watched. With minReadySeconds 0 a
 * container can pass readiness and crash seconds later, after the Deployment reported complete;
 * CrashLoopBackOff shows within the first restarts (back-off 10 s, 20 s, 40 s…), so five minutes
 * catches it while bounding how long finished rollouts keep pods in memory.
 */
export const DEFAULT_SETTLE_MS = 5 * 60_000;

/** newRolloutState wraps a release for tracking; no pods or events yet. */
export function newRolloutState(release: Release, options: RolloutOptions = {}): RolloutState {
  return {
    release,
    revisionUid: options.revisionUid ?? '',
    revisionName: options.revisionName ?? '',
    podHash: options.podHash ?? '',
    workload: null,
    pods: new Map(),
    recentEvents: [],
    suspect: null,
    rules: options.rules ?? DEFAULT_FAIL_FAST_RULES,
    settleMs: options.settleMs ?? DEFAULT_SETTLE_MS,
    verdicts: verdictsOf(release),
  };
}

/**
 * verdictsOf counts the verdicts a release (e.g. one reloaded from the ledger after a restart) has
 * had, from what the ledger keeps: none while running; two for a failure after its rollout had
 * completed (every completion phase reached: the post-success failure of a container that passed
 * readiness and then crashed), so a restarted tracker does not "recover" a release that was final
 * before the restart; otherwise one.
 */
export function verdictsOf(release: Release): number {
  if (release.outcome === 'failed') {
    const p = release.phases;
    return p.allUpdated !== undefined && p.allAvailable !== undefined && p.oldReplicasGone !== undefined ? 2 : 1;
  }
  return release.outcome === 'succeeded' ? 1 : 0;
}

/**
 * isWatching tells whether a release still gathers pods and events at `now`: while progressing or
 * paused; when failed with a recovery still possible; when succeeded within its settle window.
 */
export function isWatching(state: RolloutState, now: Instant): boolean {
  const r = state.release;
  switch (r.outcome) {
    case 'progressing':
    case 'paused':
      return true;
    case 'failed':
      return state.verdicts < 2;
    case 'succeeded':
      return state.verdicts < 2 && r.finishedAt !== null && now < r.finishedAt + state.settleMs;
    default:
      return false;
  }
}
