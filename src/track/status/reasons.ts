/**
 * Reason holds the reasons of native verdicts: PascalCase strings in Kubernetes style, stable
 * because the CLI's JSON output, the API and notifications carry them.
 */
export const Reason = {
  NotFound: 'NotFound',
  Terminating: 'Terminating',
  NotObserved: 'LatestGenerationNotObserved',
  Paused: 'Paused',
  Suspended: 'Suspended',
  Resuming: 'JobResuming',
  LessUpdated: 'LessUpdated',
  LessReady: 'LessReady',
  LessAvailable: 'LessAvailable',
  ExtraPods: 'ExtraPods',
  NoDesiredNumber: 'NoDesiredNumber',
  PartitionRollout: 'PartitionRollout',
  RevisionMismatch: 'RevisionMismatch',
  PodPending: 'PodPending',
  PodNotObserved: 'PodNotObserved',
  PodRunningNotReady: 'PodRunningNotReady',
  PodFailed: 'PodFailed',
  JobNotStarted: 'JobNotStarted',
  JobRunning: 'JobRunning',
  JobFailed: 'JobFailed',
  ProgressDeadlineExceeded: 'ProgressDeadlineExceeded',
  RolledOut: 'RolledOut',
  OnDelete: 'OnDeleteStrategy',
  Completed: 'Completed',
  Ready: 'Ready',
} as const;

/** ReasonCode is one native verdict reason (or a diagnosis code, when a diagnosis failed the rollout). */
export type ReasonCode = (typeof Reason)[keyof typeof Reason];
