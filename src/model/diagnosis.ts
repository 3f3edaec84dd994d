/**
 * DIAGNOSIS_CODES are the stable strings that say why a rollout failed or is stuck. They are used
 * by CLI exit codes, the HTTP API, metric labels and notifications: never rename one.
 */
export const DIAGNOSIS_CODES = [
  'ImagePullFailed',
  'CrashLoop',
  'Unschedulable',
  'ReadinessFailing',
  'ConfigError',
  'ReplicaFailure',
  'ProgressDeadlineExceeded',
  'Deleted',
  'Timeout',
] as const;

/** DiagnosisCode is one stable failure code. */
export type DiagnosisCode = (typeof DIAGNOSIS_CODES)[number];

/**
 * Diagnosis explains a failing or stuck rollout.
 * - `code`: the stable class of failure.
 * - `reason`: the Kubernetes reason behind it (e.g. `ImagePullBackOff`, `FailedScheduling`).
 * - `message`: a human sentence, usually Kubernetes' own message (e.g. the scheduler's).
 * - `object`: the object it was seen on, `kind namespace/name` (e.g. `Pod shop/web-7d9f-abcde`).
 */
export interface Diagnosis {
  readonly code: DiagnosisCode;
  readonly reason: string;
  readonly message: string;
  readonly object?: string;
  /** For CrashLoop: the last termination's exit code. */
  readonly exitCode?: number;
  /** For CrashLoop: the container that crashed. */
  readonly container?: string;
  /** For CrashLoop: the last lines the container wrote before it exited (its previous run's log), redacted and size-limited (ops/crash-log.ts). */
  readonly logTail?: readonly string[];
}
