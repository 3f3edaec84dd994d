import type { Diagnosis } from '../../model/diagnosis.ts';

/**
 * VerdictState is where a workload's rollout stands now:
 * `InProgress` (still converging), `Current` (rolled out), `Failed` (will not converge without help:
 * progress deadline, or a diagnosis past its fail-fast grace), `Paused` (a paused Deployment or a
 * suspended Job), `Terminating` (deletion in progress), `NotFound` (no such object).
 */
export type VerdictState = 'InProgress' | 'Current' | 'Failed' | 'Paused' | 'Terminating' | 'NotFound';

/**
 * Progress counts a workload's replicas: `desired` (spec), `updated` (on the newest template),
 * `ready` and `available`. For a DaemonSet, desired is desiredNumberScheduled; for a Pod, 1.
 */
export interface Progress {
  readonly desired: number;
  readonly updated: number;
  readonly ready: number;
  readonly available: number;
}

/**
 * Verdict is the native status of one object at one instant.
 * - `reason`: a stable PascalCase reason (reasons.ts), or the diagnosis code when a diagnosis failed it.
 * - `message`: one human sentence.
 * - `diagnosis`: why the rollout is stuck or failed, when known (also while still InProgress).
 */
export interface Verdict {
  readonly state: VerdictState;
  readonly reason: string;
  readonly message: string;
  readonly progress: Progress;
  readonly diagnosis: Diagnosis | null;
}

/** NO_PROGRESS is the progress of an object that has none (not found, not observed yet). */
export const NO_PROGRESS: Progress = Object.freeze({ desired: 0, updated: 0, ready: 0, available: 0 });

/** verdict builds a Verdict; `diagnosis` defaults to null. */
export function verdict(state: VerdictState, reason: string, message: string, progress: Progress, diagnosis: Diagnosis | null = null): Verdict {
  return { state, reason, message, progress, diagnosis };
}
