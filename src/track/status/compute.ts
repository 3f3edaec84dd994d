import type { Instant } from '../../lib/clock.ts';
import { TrackerError } from '../../lib/errors.ts';
import { err, ok, type Result } from '../../lib/result.ts';
import type { EventRecord, PodRecord } from '../../model/records.ts';
import { projectPod } from '../../model/project-pod.ts';
import { diagnose, type Finding } from './diagnose.ts';
import { DEFAULT_FAIL_FAST_RULES, evaluateFailFast, type FailFastRules } from './fail-fast.ts';
import { groupOf, kindOf, subjectOf, type Unstructured } from './fields.ts';
import { genericStatus } from './generic.ts';
import type { KindStatusFn } from './kind-result.ts';
import { daemonSetStatus } from './kinds/daemonset.ts';
import { deploymentStatus } from './kinds/deployment.ts';
import { jobStatus } from './kinds/job.ts';
import { podStatus } from './kinds/pod.ts';
import { replicaSetStatus } from './kinds/replicaset.ts';
import { statefulSetStatus } from './kinds/statefulset.ts';
import { verdict, type Verdict } from './verdict.ts';

/** NATIVE_KINDS are the kinds with native rules, keyed by Kind; each lists the API groups it lives in. */
const NATIVE_KINDS: Readonly<Record<string, { readonly groups: readonly string[]; readonly fn: KindStatusFn }>> = {
  Deployment: { groups: ['apps', 'extensions'], fn: deploymentStatus },
  StatefulSet: { groups: ['apps'], fn: statefulSetStatus },
  DaemonSet: { groups: ['apps', 'extensions'], fn: daemonSetStatus },
  ReplicaSet: { groups: ['apps', 'extensions'], fn: replicaSetStatus },
  Pod: { groups: [''], fn: podStatus },
  Job: { groups: ['batch'], fn: jobStatus },
};

/** SUPPORTED_KINDS lists the kinds computeVerdict accepts, for help texts and errors. */
export const SUPPORTED_KINDS: readonly string[] = Object.keys(NATIVE_KINDS);

/** ComputeInput is everything a native verdict is computed from. */
export interface ComputeInput {
  /** The object as read from the cluster or a file; null when it does not exist. */
  readonly object: Unstructured | null;
  /** Pods of the object's current revision (ignored for a Pod, which diagnoses itself). If unset, none. */
  readonly pods?: readonly PodRecord[];
  /** Events about those pods and the object (and its ReplicaSets). If unset, none. */
  readonly events?: readonly EventRecord[];
  readonly now: Instant;
  /** Fail-fast rules. If unset, DEFAULT_FAIL_FAST_RULES. */
  readonly rules?: FailFastRules;
  /**
   * When the caller first saw the current diagnosis (a waiter tracks this). If unset, the
   * finding's own start time, else `now`.
   */
  readonly firstSeenAt?: Instant;
  /** Passed to diagnose(). If unset, 30 s. */
  readonly notReadyGraceMs?: number;
  /** How to name a missing object in the NotFound message. If unset, "object". */
  readonly subject?: string;
}

/**
 * computeVerdict decides one object's native verdict. Pure: no cluster reads, no wall clock.
 * Order: generic checks (NotFound, Terminating) → the kind's rules → for an InProgress (or
 * Failed) object, the diagnosis of its pods and events; an InProgress object whose diagnosis is
 * past its fail-fast grace becomes Failed with the diagnosis code as reason. Errors (as values):
 * UNSUPPORTED_KIND for kinds without rules, MALFORMED_OBJECT for a Pod that cannot be read.
 */
export function computeVerdict(input: ComputeInput): Result<Verdict, TrackerError> {
  const generic = genericStatus(input.object, input.subject);
  if (generic || input.object === null) return ok(generic ?? verdict('NotFound', 'NotFound', 'not found', { desired: 0, updated: 0, ready: 0, available: 0 }));
  const obj = input.object;
  const kind = NATIVE_KINDS[kindOf(obj)];
  const group = groupOf(obj);
  if (!kind || (obj.apiVersion !== undefined && !kind.groups.includes(group))) {
    return err(
      new TrackerError('UNSUPPORTED_KIND', `${subjectOf(obj)}: kind ${kindOf(obj) || '<none>'}${group === '' ? '' : ` in group ${group}`} has no rollout status rules`, {
        subject: subjectOf(obj),
        hint: `rollscope status supports ${SUPPORTED_KINDS.join(', ')}; for other kinds try --as kstatus`,
      }),
    );
  }
  const pods = podsFor(obj, input.pods ?? []);
  if (!pods.ok) return pods;
  const { verdict: base, finding: kindFinding } = kind.fn(obj, input.now);
  if (base.state !== 'InProgress' && base.state !== 'Failed') return ok(base);
  const finding = diagnose({
    pods: pods.value,
    events: input.events ?? [],
    now: input.now,
    ...(input.notReadyGraceMs === undefined ? {} : { notReadyGraceMs: input.notReadyGraceMs }),
    ...(kindFinding ? { extra: [kindFinding] } : {}),
  });
  return ok(applyFinding(base, finding, input));
}

/**
 * applyFinding attaches the diagnosis to an InProgress or Failed verdict. A verdict already Failed
 * by its kind (progress deadline, failed Job or Pod) keeps its reason, but a pod-level diagnosis
 * replaces the generic ProgressDeadlineExceeded one: it says why no progress was made. The onset
 * is clamped to `now`, so a cluster clock ahead of ours cannot postpone a fail-fast verdict.
 */
function applyFinding(base: Verdict, finding: Finding | null, input: ComputeInput): Verdict {
  if (finding === null) return base;
  if (base.state === 'Failed') {
    const generic = base.diagnosis === null || base.diagnosis.code === 'ProgressDeadlineExceeded';
    return generic && finding.diagnosis.code !== 'ReplicaFailure' ? { ...base, diagnosis: finding.diagnosis } : base;
  }
  const d = finding.diagnosis;
  const firstSeenAt = Math.min(input.firstSeenAt ?? finding.since ?? input.now, input.now);
  const decision = evaluateFailFast(d, firstSeenAt, input.now, input.rules ?? DEFAULT_FAIL_FAST_RULES);
  // The code is the reason; the message is the diagnosis' own sentence, so no view prints the code twice.
  if (decision.kind === 'fail') return { ...base, state: 'Failed', reason: d.code, message: d.message, diagnosis: d };
  return { ...base, diagnosis: d };
}

/** podsFor is the pod list to diagnose: a Pod diagnoses itself (read leniently: files often lack uid). */
function podsFor(obj: Unstructured, pods: readonly PodRecord[]): Result<readonly PodRecord[], TrackerError> {
  if (kindOf(obj) !== 'Pod') return ok(pods);
  const self = projectPod(obj, { requireIdentity: false });
  if (!self.ok) return err(new TrackerError('MALFORMED_OBJECT', self.error, { subject: subjectOf(obj), hint: 'fix the object so it reads as a Kubernetes Pod' }));
  return ok([self.value]);
}
