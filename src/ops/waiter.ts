import type { ClusterAccess } from '../kube/kubeconfig.ts';
import type { WireFormat } from '../kube/protobuf-wire.ts';
import { createKubeHttp, type KubeHttp } from '../kube/client.ts';
import { realClock, type Clock, type Instant } from '../lib/clock.ts';
import { TrackerError, ERROR_CODES, type ErrorCode } from '../lib/errors.ts';
import { silentLogger, type LogFields, type Logger } from '../lib/log.ts';
import { err, ok, type Result } from '../lib/result.ts';
import type { Diagnosis } from '../model/diagnosis.ts';
import type { WorkloadKind, WorkloadTarget } from '../model/release.ts';
import { DEFAULT_FAIL_FAST_RULES, type FailFastRules } from '../track/status/fail-fast.ts';
import { goDuration } from '../model/duration.ts';
import type { Progress } from '../track/status/verdict.ts';
import { newTrack, stepTarget, type TargetTrack } from './wait-step.ts';
import { describeTarget } from './workload-target.ts';
import { buildWatches, type Watches } from './wait-watches.ts';
import { withCrashLog } from './crash-log.ts';
import { viewOf, type StuckPod } from './workload-view.ts';

/** WaitOptions configures waitForRollouts. */
export interface WaitOptions {
  /** The cluster: a ClusterAccess (from loadKubeConfig), or a ready KubeHttp. One is required. */
  readonly kubeConfig?: ClusterAccess;
  readonly http?: KubeHttp;
  readonly targets: readonly WorkloadTarget[];
  /** How long to wait in all. If unset, 10 minutes. */
  readonly timeoutMs?: number;
  /** Fail-fast rules. If unset, DEFAULT_FAIL_FAST_RULES. */
  readonly rules?: FailFastRules;
  /** How long a workload missing at the start may take to appear. If unset, 0 (not found at once). */
  readonly notFoundGraceMs?: number;
  /**
   * Passed to diagnose(): how long a running pod may stay not ready without a failing probe event.
   * If unset, never: that duration compares the cluster's timestamps with our clock, and a skewed
   * cluster clock would fail healthy rollouts. Failing probes still count (kubelet `Unhealthy` events).
   */
  readonly notReadyGraceMs?: number;
  /** Count paused Deployments as done once the pause is observed (`pause --wait`). If unset, paused fails the wait. */
  readonly pausedIsDone?: boolean;
  /** If unset, the real clock. */
  readonly clock?: Clock;
  /** How the watched kinds are read (`--wire`). If unset, protobuf (JSON where the server has none). */
  readonly wire?: WireFormat;
  /** Aborting ends the wait early; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Called after every re-evaluation with the current state of every workload (renderers dedupe). */
  readonly onUpdate?: (snapshot: WaitSnapshot) => void;
}

/** WorkloadProgress is one workload's state for a progress display. */
export interface WorkloadProgress {
  readonly target: WorkloadTarget;
  readonly status: TargetTrack['status'];
  readonly state: string;
  readonly reason: string;
  readonly message: string;
  readonly progress: Progress;
  readonly diagnosis: Diagnosis | null;
  readonly stuck: readonly StuckPod[];
  readonly superseded: boolean;
}

/** WaitSnapshot is the state of a wait at one instant. */
export interface WaitSnapshot {
  readonly elapsedMs: number;
  readonly workloads: readonly WorkloadProgress[];
}

/** WorkloadResult is one workload's part of a wait's result (the `-o json` shape). */
export interface WorkloadResult {
  readonly kind: WorkloadKind;
  readonly namespace: string;
  readonly name: string;
  /** A verdict state (Current, Failed, Paused, NotFound, InProgress) or Timeout. */
  readonly state: string;
  readonly reason: string;
  readonly message: string;
  readonly diagnosis: Diagnosis | null;
  readonly progress: Progress;
  readonly durationMs: number;
  /** True when the pod template changed during the wait (a newer revision superseded the first one seen). */
  readonly superseded: boolean;
}

/** WaitResult is how a wait ended. `notFound` lists the workloads that never appeared (exit 4). */
export interface WaitResult {
  readonly result: 'succeeded' | 'failed' | 'timeout';
  readonly workloads: readonly WorkloadResult[];
  readonly durationMs: number;
  readonly notFound: readonly WorkloadTarget[];
}

/** DEFAULT_WAIT_TIMEOUT_MS is `wait`'s default --timeout: 10 minutes, the Deployment's default progress deadline. */
export const DEFAULT_WAIT_TIMEOUT_MS = 10 * 60_000;

/**
 * FIRST_SYNC_DEADLINE_MS: an API server that accepts connections but has not answered the first
 * LISTs within this long is unavailable (exit 5, like `rollscope status`'s 30 s), not a rollout
 * that timed out.
 */
export const FIRST_SYNC_DEADLINE_MS = 30_000;

/** SYNC_POLL_MS: until every watch has listed once, the loop looks again this often (local, no requests). */
const SYNC_POLL_MS = 20;

/** FATAL_CODES end a wait at once when a LIST/WATCH fails with them: retrying cannot help. */
const FATAL_CODES: ReadonlySet<ErrorCode> = new Set(['KUBE_FORBIDDEN', 'KUBE_UNAUTHORIZED']);


/**
 * waitForRollouts blocks until every target has rolled out (Current), one has failed (including
 * deleted, paused, not found), or the timeout passes. It watches — per kind and namespace one
 * streaming list where the server compresses them (1.37+), else one LIST then one WATCH: the workload kinds, ReplicaSets or ControllerRevisions, Pods and Events,
 * each kept as the tracker's projection record (ops/wait-watches.ts) — and re-judges every workload on each change, plus on
 * local timers for fail-fast graces; it never polls the API server, so its requests do not grow
 * with the time it waits. All watches are closed before it resolves.
 * Rejects with a TrackerError for RBAC failures (KUBE_FORBIDDEN, naming verb/resource/namespace),
 * an API server that cannot be reached before the first LIST, or objects without status rules.
 */
export async function waitForRollouts(options: WaitOptions): Promise<WaitResult> {
  const clock = options.clock ?? realClock;
  const http = options.http ?? (options.kubeConfig ? createKubeHttp(options.kubeConfig, { clock }) : undefined);
  if (http === undefined) throw new Error('waitForRollouts needs kubeConfig or http');
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
  const rules = options.rules ?? DEFAULT_FAIL_FAST_RULES;
  const startedAt = clock.now();
  const stop = new AbortController();
  const failure: { error: TrackerError | null } = { error: null };
  let synced = false;
  let wake: () => void = () => undefined;
  const poke = (): void => wake();
  const logger = fatalLogger((e) => {
    if (FATAL_CODES.has(e.code) || (!synced && e.code === 'KUBE_UNAVAILABLE')) {
      failure.error ??= e;
      poke();
    }
  });
  const watches = buildWatches(http, options.targets, logger, clock, options.wire);
  watches.onChange(poke);
  const running = watches.start(stop.signal);
  const onAbort = (): void => poke();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let tracks = options.targets.map(newTrack);
  try {
    for (;;) {
      if (options.signal?.aborted) throw abortReason(options.signal);
      if (failure.error) throw failure.error;
      const now = clock.now();
      let recheckAt: Instant = now + SYNC_POLL_MS;
      if (watches.hasSynced()) {
        synced = true;
        const stepped = stepAll(tracks, watches, { now, startedAt, rules, notFoundGraceMs: options.notFoundGraceMs ?? 0, notReadyGraceMs: options.notReadyGraceMs ?? Number.POSITIVE_INFINITY, pausedIsDone: options.pausedIsDone === true });
        if (!stepped.ok) throw stepped.error;
        tracks = stepped.value.tracks;
        recheckAt = stepped.value.recheckAt;
        options.onUpdate?.({ elapsedMs: now - startedAt, workloads: tracks.map(progressOf) });
        if (tracks.some((t) => t.status === 'failed' || t.status === 'notfound')) return await withCrashLogs(http, resultOf('failed', tracks, now, startedAt, timeoutMs));
        if (tracks.every((t) => t.status === 'done')) return resultOf('succeeded', tracks, now, startedAt, timeoutMs);
      }
      if (!synced && now - startedAt >= Math.min(FIRST_SYNC_DEADLINE_MS, timeoutMs))
        throw new TrackerError('KUBE_UNAVAILABLE', `API server unavailable: ${http.server} did not answer the first requests within ${goDuration(Math.min(FIRST_SYNC_DEADLINE_MS, timeoutMs))}`, {
          subject: http.server,
          hint: 'check that the kubeconfig points at a running API server (kubectl cluster-info) and that nothing in between holds the connection',
        });
      if (now - startedAt >= timeoutMs) return await withCrashLogs(http, resultOf('timeout', tracks, now, startedAt, timeoutMs));
      const changed = new Promise<void>((resolve) => (wake = resolve));
      const nap = new AbortController();
      const delay = Math.max(0, Math.min(recheckAt, startedAt + timeoutMs) - now);
      await Promise.race([changed, clock.sleep(delay, nap.signal).catch(() => undefined)]);
      nap.abort();
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    stop.abort();
    await running;
  }
}

interface StepContext {
  readonly now: Instant;
  readonly startedAt: Instant;
  readonly rules: FailFastRules;
  readonly notFoundGraceMs: number;
  readonly notReadyGraceMs?: number;
  readonly pausedIsDone: boolean;
}

function stepAll(tracks: readonly TargetTrack[], watches: Watches, ctx: StepContext): Result<{ tracks: TargetTrack[]; recheckAt: Instant }, TrackerError> {
  const records = watches.records();
  const out: TargetTrack[] = [];
  let recheckAt = Infinity;
  for (const track of tracks) {
    const workload = watches.workload(track.target);
    const view = workload === null ? { pods: [], events: [] } : viewOf(workload, records);
    const r = stepTarget({ track, workload, view, ...ctx });
    if (!r.ok) return err(r.error);
    out.push(r.value.track);
    if (r.value.recheckAt !== null) recheckAt = Math.min(recheckAt, r.value.recheckAt);
  }
  return ok({ tracks: out, recheckAt });
}

function progressOf(t: TargetTrack): WorkloadProgress {
  const v = t.verdict;
  return { target: t.target, status: t.status, state: v.state, reason: v.reason, message: v.message, progress: v.progress, diagnosis: v.diagnosis, stuck: t.stuck, superseded: t.superseded };
}

function resultOf(result: WaitResult['result'], tracks: readonly TargetTrack[], now: Instant, startedAt: Instant, timeoutMs: number): WaitResult {
  const workloads = tracks.map((t): WorkloadResult => {
    const v = t.verdict;
    const base = { kind: t.target.kind, namespace: t.target.namespace, name: t.target.name, progress: v.progress, durationMs: (t.settledAt ?? now) - startedAt, superseded: t.superseded };
    if (result === 'timeout' && t.status === 'waiting') {
      const message = `${describeTarget(t.target)} did not finish within ${goDuration(timeoutMs)} (${v.message})`;
      const diagnosis: Diagnosis = v.diagnosis ?? { code: 'Timeout', reason: 'Timeout', message, object: describeTarget(t.target) };
      return { ...base, state: 'Timeout', reason: 'Timeout', message, diagnosis };
    }
    return { ...base, state: v.state, reason: v.reason, message: v.message, diagnosis: v.diagnosis };
  });
  return { result, workloads, durationMs: now - startedAt, notFound: tracks.filter((t) => t.status === 'notfound').map((t) => t.target) };
}

/** withCrashLogs adds the crashed container's last log lines to each CrashLoop diagnosis of a result (ops/crash-log.ts). */
async function withCrashLogs(http: KubeHttp, r: WaitResult): Promise<WaitResult> {
  const signal = AbortSignal.timeout(5_000);
  const workloads = await Promise.all(r.workloads.map(async (w) => (w.diagnosis === null ? w : { ...w, diagnosis: await withCrashLog(http, w.diagnosis, w.namespace, signal) })));
  return { ...r, workloads };
}

/** fatalLogger is a silent Logger that hands every list/watch failure (as a TrackerError) to `onFailure`. */
function fatalLogger(onFailure: (e: TrackerError) => void): Logger {
  const warn = (msg: string, fields?: LogFields): void => {
    const code = fields?.code;
    if (typeof code !== 'string' || !(ERROR_CODES as readonly string[]).includes(code)) return;
    const hint = typeof fields?.hint === 'string' ? fields.hint : undefined;
    onFailure(new TrackerError(code as ErrorCode, typeof fields?.error === 'string' ? fields.error : msg, hint === undefined ? {} : { hint }));
  };
  const logger: Logger = { ...silentLogger, warn, error: warn, child: () => logger };
  return logger;
}

/** abortReason is the error an aborted wait rejects with: the signal's reason when it is an Error. */
function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new TrackerError('INTERNAL', 'the wait was cancelled', { hint: 'nothing to do: the caller aborted it' });
}
