import type { Instant } from '../../lib/clock.ts';
import type { Diagnosis, DiagnosisCode } from '../../model/diagnosis.ts';
import type { ContainerStatusRecord, EventRecord, PodRecord } from '../../model/records.ts';
import { goDuration } from '../../model/duration.ts';
import { counted } from '../../lib/plural.ts';

/**
 * Finding is a diagnosis plus when its condition began (`since`), as far as the pods and events
 * tell; null when unknown (the caller then counts from when it first saw the diagnosis).
 */
export interface Finding {
  readonly diagnosis: Diagnosis;
  readonly since: Instant | null;
}

/** DiagnoseInput is what diagnose reads: the current revision's pods and the related events. */
export interface DiagnoseInput {
  /** Pods of the workload's current (newest) revision. */
  readonly pods: readonly PodRecord[];
  /** Events about those pods and about the workload and its ReplicaSets (FailedCreate). */
  readonly events: readonly EventRecord[];
  readonly now: Instant;
  /**
   * How long a Running pod may stay not-ready, without any `Unhealthy` event, before it counts as
   * ReadinessFailing. If unset, 30 s (three default probe periods of 10 s).
   */
  readonly notReadyGraceMs?: number;
  /** Findings from elsewhere (e.g. a workload's ReplicaFailure condition), ranked with the pods' own. */
  readonly extra?: readonly Finding[];
}

/** IMAGE_PULL_REASONS are the kubelet's waiting reasons for an image that cannot be pulled (kubernetes.md §6). */
export const IMAGE_PULL_REASONS: ReadonlySet<string> = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);

/** CONFIG_ERROR_REASONS are the kubelet's waiting reasons for a container that cannot be created from its config. */
export const CONFIG_ERROR_REASONS: ReadonlySet<string> = new Set(['CreateContainerConfigError', 'CreateContainerError']);

/**
 * PRIORITY orders codes when several pods fail differently: the first is reported. Config and
 * image errors come first because they explain the crash loops and readiness failures that follow.
 */
const PRIORITY: readonly DiagnosisCode[] = ['ConfigError', 'ImagePullFailed', 'CrashLoop', 'Unschedulable', 'ReplicaFailure', 'ReadinessFailing'];

/**
 * FAILED_CREATE_WINDOW_MS bounds how old a FailedCreate event may be and still count: the
 * ReplicaSet controller retries (and re-records, bumping lastTimestamp) within seconds to minutes,
 * so an event not seen for 10 minutes describes a problem that has gone away.
 */
const FAILED_CREATE_WINDOW_MS = 10 * 60_000;

/**
 * diagnose explains why the current revision's pods are not becoming available, or returns null
 * when nothing is wrong that the pods and events can show. Pure.
 *
 * Rules (first by PRIORITY, then the earliest `since`):
 * - ImagePullFailed: a container waiting with ErrImagePull, ImagePullBackOff, InvalidImageName or
 *   ErrImageNeverPull; the message is the kubelet's `Failed to pull image …` event when present.
 * - CrashLoop: a container waiting in CrashLoopBackOff, or terminated non-zero after a restart, or
 *   running again but not ready after a restart whose last exit was non-zero;
 *   exitCode and reason come from the last termination (e.g. 137, OOMKilled).
 * - ConfigError: CreateContainerConfigError / CreateContainerError, with the kubelet's message.
 * - Unschedulable: PodScheduled=False/Unschedulable, or a FailedScheduling event on an unbound pod;
 *   the message is the scheduler's.
 * - ReplicaFailure: a recent FailedCreate event on a non-pod object (quota, admission, …).
 * - ReadinessFailing: Running with all containers running but not Ready, with an `Unhealthy`
 *   event or for longer than `notReadyGraceMs`; the message is the last `Unhealthy` event's.
 */
export function diagnose(input: DiagnoseInput): Finding | null {
  const findings = [...input.pods.flatMap((p) => diagnosePod(p, eventsAbout(p, input.events), input)), ...replicaFailures(input), ...(input.extra ?? [])];
  let best: Finding | null = null;
  for (const f of findings) if (best === null || isBefore(f, best)) best = f;
  return best;
}

function isBefore(a: Finding, b: Finding): boolean {
  const pa = PRIORITY.indexOf(a.diagnosis.code);
  const pb = PRIORITY.indexOf(b.diagnosis.code);
  if (pa !== pb) return pa < pb;
  return (a.since ?? Infinity) < (b.since ?? Infinity);
}

function diagnosePod(pod: PodRecord, events: readonly EventRecord[], input: DiagnoseInput): Finding[] {
  const object = `Pod ${pod.namespace === '' ? '' : `${pod.namespace}/`}${pod.name}`;
  const out: Finding[] = [];
  for (const c of pod.containerStatuses) {
    const f = diagnoseContainer(c, events, object);
    if (f) out.push(f);
  }
  const unschedulable = diagnoseScheduling(pod, events, object);
  if (unschedulable) out.push(unschedulable);
  if (out.length === 0) {
    const readiness = diagnoseReadiness(pod, events, object, input);
    if (readiness) out.push(readiness);
  }
  return out;
}

function diagnoseContainer(c: ContainerStatusRecord, events: readonly EventRecord[], object: string): Finding | null {
  const s = c.state;
  if (s.kind === 'waiting' && IMAGE_PULL_REASONS.has(s.reason)) {
    const pullFailed = latest(events.filter((e) => e.reason === 'Failed' && e.message.startsWith('Failed to pull image')));
    const message = pullFailed?.message ?? (s.message || `container ${c.name} cannot pull image ${c.image}`);
    return finding('ImagePullFailed', s.reason, message, object, earliestSeen(events.filter((e) => e.reason === 'Failed' || e.reason === 'BackOff')));
  }
  if (s.kind === 'waiting' && CONFIG_ERROR_REASONS.has(s.reason)) {
    const message = s.message || `container ${c.name} cannot be created (${s.reason})`;
    return finding('ConfigError', s.reason, message, object, earliestSeen(events.filter((e) => e.reason === 'Failed')));
  }
  // A crash-looping container spends part of each back-off cycle running (not ready) again: while
  // it last exited non-zero it is still crash-looping, not merely failing readiness.
  const restartedAfterCrash = s.kind === 'running' && !c.ready && c.restartCount > 0 && c.lastTerminated !== null && c.lastTerminated.exitCode !== 0;
  const crashLooping = (s.kind === 'waiting' && s.reason === 'CrashLoopBackOff') || (s.kind === 'terminated' && s.exitCode !== 0 && c.restartCount > 0) || restartedAfterCrash;
  if (!crashLooping) return null;
  const last = c.lastTerminated ?? (s.kind === 'terminated' ? s : null);
  const exitCode = last?.exitCode;
  const why = last && last.reason !== '' ? last.reason : 'CrashLoopBackOff';
  const message = `container ${c.name} is crash-looping: restarted ${counted(c.restartCount, 'time')}, last exit code ${exitCode ?? 'unknown'}${last && last.reason !== '' ? ` (${last.reason})` : ''}`;
  const since = earliestSeen(events.filter((e) => e.reason === 'BackOff' && e.message.includes('restarting'))) ?? last?.finishedAt ?? null;
  return { diagnosis: { code: 'CrashLoop', reason: why, message, object, container: c.name, ...(exitCode === undefined ? {} : { exitCode }) }, since };
}

function diagnoseScheduling(pod: PodRecord, events: readonly EventRecord[], object: string): Finding | null {
  const unschedulable = pod.scheduledStatus === 'False' && pod.scheduledReason === 'Unschedulable';
  const failedScheduling = events.filter((e) => e.reason === 'FailedScheduling');
  if (!unschedulable && (failedScheduling.length === 0 || pod.nodeName !== '' || pod.phase !== 'Pending')) return null;
  const message = (unschedulable ? pod.scheduledMessage : '') || latest(failedScheduling)?.message || 'pod cannot be scheduled';
  const since = (unschedulable ? pod.scheduledTransitionTime : null) ?? earliestSeen(failedScheduling) ?? pod.creationTimestamp;
  return finding('Unschedulable', 'Unschedulable', message, object, since);
}

function diagnoseReadiness(pod: PodRecord, events: readonly EventRecord[], object: string, input: DiagnoseInput): Finding | null {
  if (pod.phase !== 'Running' || pod.deletionTimestamp !== null) return null;
  if (pod.readyStatus === 'True') return null;
  const app = pod.containerStatuses.filter((c) => !c.init);
  if (app.length === 0 || app.some((c) => c.state.kind !== 'running')) return null;
  const started = app.map((c) => (c.state.kind === 'running' ? c.state.startedAt : null)).filter((t): t is number => t !== null);
  const notReadySince = pod.readyTransitionTime ?? (started.length > 0 ? Math.max(...started) : pod.creationTimestamp);
  const unhealthy = events.filter((e) => e.reason === 'Unhealthy');
  const probe = latest(unhealthy.filter((e) => e.message.startsWith('Readiness probe')) ) ?? latest(unhealthy);
  const notReadyFor = notReadySince === null ? 0 : input.now - notReadySince;
  if (!probe && notReadyFor < (input.notReadyGraceMs ?? 30_000)) return null;
  const message = probe?.message ?? `pod is running but has not been ready for ${goDuration(Math.floor(notReadyFor / 1000) * 1000)}`;
  return finding('ReadinessFailing', probe ? 'Unhealthy' : 'ContainersNotReady', message, object, notReadySince);
}

function replicaFailures(input: DiagnoseInput): Finding[] {
  const recent = input.events.filter(
    (e) => e.reason === 'FailedCreate' && e.involved.kind !== 'Pod' && (e.lastSeen === null || input.now - e.lastSeen <= FAILED_CREATE_WINDOW_MS),
  );
  const last = latest(recent);
  if (!last) return [];
  const object = `${last.involved.kind} ${last.involved.namespace === '' ? '' : `${last.involved.namespace}/`}${last.involved.name}`;
  return [finding('ReplicaFailure', 'FailedCreate', last.message, object, earliestSeen(recent))];
}

function finding(code: DiagnosisCode, reason: string, message: string, object: string, since: Instant | null): Finding {
  return { diagnosis: { code, reason, message, object }, since };
}

/** eventsAbout selects the events whose involved object is this pod (by name, and uid when both have one). */
function eventsAbout(pod: PodRecord, events: readonly EventRecord[]): EventRecord[] {
  return events.filter(
    (e) =>
      e.involved.kind === 'Pod' &&
      e.involved.name === pod.name &&
      (e.involved.namespace === '' || pod.namespace === '' || e.involved.namespace === pod.namespace) &&
      (e.involved.uid === '' || pod.uid === '' || pod.uid === '-' || e.involved.uid === pod.uid),
  );
}

function latest(events: readonly EventRecord[]): EventRecord | undefined {
  let best: EventRecord | undefined;
  for (const e of events) if (!best || (e.lastSeen ?? -Infinity) >= (best.lastSeen ?? -Infinity)) best = e;
  return best;
}

function earliestSeen(events: readonly EventRecord[]): Instant | null {
  const times = events.map((e) => e.firstSeen ?? e.lastSeen).filter((t): t is number => t !== null);
  return times.length > 0 ? Math.min(...times) : null;
}
