import type { Instant } from '../lib/clock.ts';
import type { Diagnosis } from './diagnosis.ts';

/** WorkloadKind is one of the workload kinds rollscope tracks releases of. */
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

/** ReleaseId is a release's stable id (a ULID). */
export type ReleaseId = string & { readonly __brand: 'ReleaseId' };

/**
 * WorkloadRef names a workload. Workloads are keyed by cluster + uid: a name can be reused
 * after deletion, and the re-created workload is a new workload with its own release numbers.
 */
export interface WorkloadRef {
  readonly cluster: string;
  readonly namespace: string;
  readonly kind: WorkloadKind;
  readonly name: string;
  readonly uid: string;
}

/**
 * WorkloadTarget names one workload in a namespace of the cluster at hand, as commands and the
 * API's operator actions address it (no uid: the object is looked up by name when acted on).
 */
export type WorkloadTarget = Pick<WorkloadRef, 'kind' | 'namespace' | 'name'>;

/**
 * Trigger says why a pod template changed:
 * `create` (first template of a workload), `image` (only container images changed),
 * `config` (other template fields), `restart` (only `kubectl.kubernetes.io/restartedAt` changed),
 * `rollback` (the template equals an earlier release's, and the latest release with it did not fail —
 * re-applying a template whose latest release failed is named by its difference like any other
 * change; see `Release.rollbackTo`), `canary-promote` (a `rollscope canary` promotion: the
 * change-cause names the canary and the images the release runs, canary-cause.ts).
 */
export type Trigger = 'create' | 'image' | 'config' | 'restart' | 'rollback' | 'canary-promote';

/**
 * Outcome is where a release's rollout ended up. `progressing` and `paused` are not final;
 * `superseded` means a newer release started before this one finished; `rolled-back` means a
 * later release went back to an earlier template after this one.
 */
export type Outcome = 'progressing' | 'succeeded' | 'failed' | 'superseded' | 'rolled-back' | 'paused';

/** PHASE_NAMES lists a rollout's phases in the order they normally happen. */
export const PHASE_NAMES = [
  'templateObserved',
  'revisionCreated',
  'firstPodScheduled',
  'firstImagePulled',
  'firstPodReady',
  'allUpdated',
  'allAvailable',
  'oldReplicasGone',
] as const;

/** PhaseName is one rollout phase. */
export type PhaseName = (typeof PHASE_NAMES)[number];

/** Phases holds the instant each phase was first reached; a phase not (yet) reached is absent. */
export type Phases = Readonly<Partial<Record<PhaseName, Instant>>>;

/** ContainerImage is one container's image in a release, with the digest once a pod reports it. */
export interface ContainerImage {
  readonly container: string;
  readonly image: string;
  readonly digest?: string;
}

/**
 * Actor says who changed the template: the `managedFields` manager whose write changed the pod
 * template (e.g. `kubectl-set`, `helm`, `argocd-controller`), or `unknown` when it cannot be known
 * (backfilled releases).
 */
export interface Actor {
  readonly manager: string;
  /** Optional user annotation (e.g. `rollscope.io/actor`), never invented. */
  readonly user?: string;
}

/** ReleaseEvent is a Kubernetes event relevant to a release, kept beyond the Event TTL. */
export interface ReleaseEvent {
  /** The Event object's uid, when known: the key that deduplicates repeats (count updates) across relists and restarts. */
  readonly uid?: string;
  readonly time: Instant;
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
  /** `Kind namespace/name` of the involved object. */
  readonly object: string;
  readonly count: number;
}

/** ReplicaCounts are the workload's replica counts last seen for this release. */
export interface ReplicaCounts {
  readonly desired: number;
  readonly updated: number;
  readonly ready: number;
  readonly available: number;
}

/**
 * Release is one activation of a pod template on a workload.
 * - `releaseNumber` is per workload, starts at 1 and never changes (unlike the native revision,
 *   which Kubernetes renumbers on rollback).
 * - `revision` is the native revision (`deployment.kubernetes.io/revision`, or the
 *   ControllerRevision's revision) when the release was observed.
 * - Backfilled releases (reconstructed from ReplicaSets/ControllerRevisions) have
 *   `backfilled: true`, actor `unknown` and, unless known, outcome from the current state only.
 */
export interface Release {
  readonly id: ReleaseId;
  readonly workload: WorkloadRef;
  readonly releaseNumber: number;
  readonly revision: string | null;
  readonly templateHash: string;
  readonly trigger: Trigger;
  readonly images: readonly ContainerImage[];
  readonly actor: Actor;
  readonly changeCause: string | null;
  readonly previousReleaseId: ReleaseId | null;
  /**
   * For trigger `rollback`: the number of the earlier release of this workload whose template this
   * one returns to (the latest one with that template); absent when unknown or not a rollback.
   */
  readonly rollbackTo?: number;
  readonly startedAt: Instant;
  readonly finishedAt: Instant | null;
  readonly outcome: Outcome;
  readonly failure: Diagnosis | null;
  readonly phases: Phases;
  readonly replicas: ReplicaCounts;
  readonly events: readonly ReleaseEvent[];
  /** The pod template with env values and other secrets redacted. */
  readonly template: unknown;
  readonly backfilled: boolean;
}

/**
 * ListedRelease is a release as the ledger's lists return it (history, the API's release lists,
 * stuck rollouts): everything but the pod template, which no list shows and which the ledger keeps
 * apart from the release rows (one release's detail has it).
 */
export type ListedRelease = Omit<Release, 'template'>;

/** WorkloadEventType is a change to a workload that is not a release (`migrate`: recreated by a selector migration, see CONTINUES_ANNOTATION). */
export type WorkloadEventType = 'scale' | 'pause' | 'resume' | 'spec' | 'metadata' | 'delete' | 'migrate';

/**
 * CONTINUES_ANNOTATION, on a workload, names the UID of the workload it replaces under the same name
 * (set by `rollscope migrate-selector`, which must delete and recreate a Deployment to change its
 * immutable selector). The tracker continues the predecessor's release numbers and records a
 * `migrate` workload event, so one history spans the recreate.
 */
export const CONTINUES_ANNOTATION = 'rollscope.io/continues-uid';

/** WorkloadEvent records a non-release change (scaling, pause, resume, spec-only, metadata-only, delete). */
export interface WorkloadEvent {
  readonly workload: WorkloadRef;
  readonly type: WorkloadEventType;
  readonly time: Instant;
  /** Natural key part: the object's resourceVersion that carried the change (idempotency). */
  readonly resourceVersion: string;
  readonly actor: Actor;
  /** e.g. `{from: 3, to: 5}` for scale. */
  readonly detail: Readonly<Record<string, unknown>>;
}
