import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/log.ts';
import type { Release, ReleaseId } from '../../model/release.ts';
import type { Diagnosis } from '../../model/diagnosis.ts';
import type { LedgerStore } from '../../store/ledger.ts';
import type { Fact } from '../../track/tracker.ts';
import { toReleaseView } from '../../model/view/release-view.ts';
import { toWorkloadEventView } from '../../model/view/workload-view.ts';
import { releaseEvent, workloadEvent } from '../../model/view/live-event-view.ts';
import type { LiveBus } from '../../api/bus.ts';
import type { NotificationDispatcher } from '../../export/notify/dispatcher.ts';
import { notificationsFor } from '../../export/notify/message.ts';
import { FINAL_OUTCOMES } from '../../model/outcome.ts';
import type { RolloutMetrics } from '../../export/metrics/registry.ts';
import type { ReleaseTracer } from '../../export/traces/exporter.ts';
import { assertNever } from '../../lib/assert-never.ts';

/** FactSinkDeps are the places facts go. Every one but the ledger is optional. */
export interface FactSinkDeps {
  readonly ledger: LedgerStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics?: RolloutMetrics;
  readonly tracer?: ReleaseTracer;
  readonly notifier?: NotificationDispatcher;
  readonly bus?: LiveBus;
  /**
   * Quotes the crashed container's last log lines in a CrashLoop diagnosis (ops/crash-log.ts: size
   * limits, redaction); resolves the diagnosis unchanged when it cannot. If unset, diagnoses are stored as observed.
   */
  readonly crashLog?: (diagnosis: Diagnosis, namespace: string, signal: AbortSignal) => Promise<Diagnosis>;
}

/** CRASH_LOG_TIMEOUT_MS bounds the log read a CrashLoop diagnosis waits for before the release is written without it. */
const CRASH_LOG_TIMEOUT_MS = 5_000;

/**
 * FactSink applies the tracker's facts, in order, to the ledger first and then to metrics, traces,
 * notifications and the live stream. The ledger is the source of truth: `before` (for deciding
 * what changed) is the release as last stored, so a restart neither recounts nor re-notifies.
 * Contract: `apply` resolves once the ledger holds the fact; it retries a failing ledger with
 * back-off until it succeeds or `signal` aborts (then it rejects), so no fact is dropped.
 */
export class FactSink {
  readonly #d: FactSinkDeps;
  /** Releases not yet final, as stored: the `before` of their next change. Final ones are dropped (bounded memory). */
  readonly #open = new Map<ReleaseId, Release>();
  readonly #labels = new Map<string, Readonly<Record<string, string>>>();

  constructor(deps: FactSinkDeps) {
    this.#d = deps;
  }

  async apply(fact: Fact, signal: AbortSignal): Promise<void> {
    switch (fact.kind) {
      case 'releaseStarted':
      case 'releaseUpdated':
        return this.#release(fact.release, signal);
      case 'workloadEvent': {
        const e = fact.event;
        await this.#write(() => this.#d.ledger.appendWorkloadEvent(e), signal, `workload event ${e.type} of ${e.workload.namespace}/${e.workload.name}`);
        this.#d.bus?.publish(workloadEvent(toWorkloadEventView(e)));
        return;
      }
      case 'workloadObserved': {
        this.#labels.set(fact.workload.uid, fact.labels);
        const w = { workload: fact.workload, labels: fact.labels, createdAt: fact.createdAt, deletedAt: fact.deletedAt, observedAt: this.#d.clock.now() };
        await this.#write(() => this.#d.ledger.upsertWorkload(w), signal, `workload ${fact.workload.namespace}/${fact.workload.name}`);
        return;
      }
      default:
        return assertNever(fact);
    }
  }

  async #release(release: Release, signal: AbortSignal): Promise<void> {
    const subject = `release #${release.releaseNumber} of ${release.workload.kind.toLowerCase()} ${release.workload.namespace}/${release.workload.name}`;
    const before = this.#open.get(release.id) ?? (await this.#write(() => this.#d.ledger.getRelease(release.id), signal, subject)) ?? undefined;
    const withLog = await this.#withCrashLog(release, before, signal);
    const stored = await this.#write(() => this.#d.ledger.upsertRelease(withLog), signal, subject);
    if (FINAL_OUTCOMES.has(stored.outcome)) this.#open.delete(stored.id);
    else this.#open.set(stored.id, stored);
    if (before && JSON.stringify(before) === JSON.stringify(stored)) return; // a replay: nothing new
    this.#d.metrics?.observeRelease(before, stored);
    if (FINAL_OUTCOMES.has(stored.outcome) && !(before && FINAL_OUTCOMES.has(before.outcome)) && !stored.backfilled) this.#d.tracer?.exportRelease(stored);
    const notes = notificationsFor(before, stored, this.#labels.get(stored.workload.uid) ?? {});
    if (notes.length > 0 && this.#d.notifier) await this.#write(() => this.#d.notifier!.enqueue(notes), signal, `notifications for ${subject}`);
    this.#d.bus?.publish(releaseEvent(toReleaseView(stored)));
  }

  /**
   * #withCrashLog gives a CrashLoop failure the crashed container's last log lines: those already
   * stored for the same pod and container (the tracker re-states the diagnosis as the restart count
   * grows; the log is read once per crashing pod), else read now, within CRASH_LOG_TIMEOUT_MS.
   */
  async #withCrashLog(release: Release, before: Release | undefined, signal: AbortSignal): Promise<Release> {
    const f = release.failure;
    if (f === null || f.code !== 'CrashLoop' || f.logTail !== undefined) return release;
    const old = before?.failure;
    if (old?.code === 'CrashLoop' && old.logTail !== undefined && old.object === f.object && (f.container === undefined || old.container === f.container))
      return { ...release, failure: { ...f, ...(old.container === undefined ? {} : { container: old.container }), logTail: old.logTail } };
    if (this.#d.crashLog === undefined) return release;
    const failure = await this.#d.crashLog(f, release.workload.namespace, AbortSignal.any([signal, AbortSignal.timeout(CRASH_LOG_TIMEOUT_MS)])).catch(() => f);
    return failure === f ? release : { ...release, failure };
  }

  /** #write runs one ledger operation, timing it and retrying with back-off (0.2 s doubling to 5 s) while the ledger fails. */
  async #write<T>(op: () => Promise<T>, signal: AbortSignal, subject: string): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const t0 = performance.now();
      try {
        const out = await op();
        this.#d.metrics?.ledgerWrite((performance.now() - t0) / 1000);
        return out;
      } catch (e) {
        if (signal.aborted) throw e;
        const delay = Math.min(5_000, 200 * 2 ** attempt);
        this.#d.logger.error('ledger write failed; retrying', { subject, attempt, delayMs: delay, error: e instanceof Error ? e.message : String(e) });
        await this.#d.clock.sleep(delay, signal);
      }
    }
  }
}
