import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/log.ts';
import type { Release, ReleaseId } from '../../model/release.ts';
import { crashKey, type CrashLogTails, type CrashTail } from './crash-log-tails.ts';
import type { LedgerStore } from '../../store/ledger.ts';
import type { Fact } from '../../track/tracker.ts';
import { toReleaseView } from '../../model/view/release-view.ts';
import { toWorkloadEventView } from '../../model/view/workload-view.ts';
import { releaseEvent, workloadEvent } from '../../model/view/live-event-view.ts';
import type { LiveBus } from '../../api/bus.ts';
import type { NotificationDispatcher } from '../../export/notify/dispatcher.ts';
import { notificationsFor, type ReleaseNotification } from '../../export/notify/message.ts';
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
   * Reads the crashed container's last log lines for CrashLoop failures, off the ingest path (one
   * read per crash; see crash-log-tails.ts). If unset, diagnoses are stored as observed.
   */
  readonly crashLogs?: CrashLogTails;
}

/**
 * FactSink applies the tracker's facts, in order, to the ledger first and then to metrics, traces,
 * notifications and the live stream. The ledger is the source of truth: `before` (for deciding
 * what changed) is the release as last stored, so a restart neither recounts nor re-notifies.
 * Contract: `apply` resolves once the ledger holds the fact; it retries a failing ledger with
 * back-off until it succeeds or `signal` aborts (then it rejects), so no fact is dropped.
 * A CrashLoop failure is written at once; the crashed container's log tail, read in the background,
 * is added by a second write of the same release when it arrives (release writes are serialised,
 * so that write never races a fact's), and every later write of the same crash carries it.
 */
export class FactSink {
  readonly #d: FactSinkDeps;
  /** Releases not yet final, as stored: the `before` of their next change. Final ones are dropped (bounded memory). */
  readonly #open = new Map<ReleaseId, Release>();
  readonly #labels = new Map<string, Readonly<Record<string, string>>>();
  /** The tail of the chain that serialises release writes (facts and log-tail fills). */
  #releases: Promise<unknown> = Promise.resolve();

  constructor(deps: FactSinkDeps) {
    this.#d = deps;
  }

  async apply(fact: Fact, signal: AbortSignal): Promise<void> {
    switch (fact.kind) {
      case 'releaseStarted':
      case 'releaseUpdated':
        return this.#serially(() => this.#release(fact.release, signal));
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

  /** #serially runs release writes one at a time, in call order. */
  #serially<T>(op: () => Promise<T>): Promise<T> {
    const run = this.#releases.then(op, op);
    this.#releases = run.catch(() => undefined);
    return run;
  }

  async #release(release: Release, signal: AbortSignal): Promise<void> {
    const subject = `release #${release.releaseNumber} of ${release.workload.kind.toLowerCase()} ${release.workload.namespace}/${release.workload.name}`;
    const before = this.#open.get(release.id) ?? (await this.#write(() => this.#d.ledger.getRelease(release.id), signal, subject)) ?? undefined;
    // The notifications this change calls for are stored in the release write's transaction, so
    // a crash cannot keep the new state and lose its messages (the ledger's `outbox` contract).
    let notes: readonly ReleaseNotification[] = [];
    const notifier = this.#d.notifier;
    const outbox = notifier
      ? (next: Release) => {
          notes = notificationsFor(before, next, this.#labels.get(next.workload.uid) ?? {});
          return notifier.messagesFor(notes);
        }
      : undefined;
    const stored = await this.#write(() => this.#d.ledger.upsertRelease(this.#withKnownTail(release, before), outbox), signal, subject);
    if (FINAL_OUTCOMES.has(stored.outcome)) this.#open.delete(stored.id);
    else this.#open.set(stored.id, stored);
    this.#d.crashLogs?.want(stored.failure, stored.workload.namespace, signal, (tail) => {
      void this.#serially(() => this.#fillTail(stored.id, crashKey(stored.failure), tail, signal)).catch((e: unknown) => {
        if (!signal.aborted) this.#d.logger.warn('could not store a crash log tail; a later observation of the crash retries', { subject, error: e instanceof Error ? e.message : String(e) });
      });
    });
    if (before && JSON.stringify(before) === JSON.stringify(stored)) return; // a replay: nothing new
    this.#d.metrics?.observeRelease(before, stored);
    if (FINAL_OUTCOMES.has(stored.outcome) && !(before && FINAL_OUTCOMES.has(before.outcome)) && !stored.backfilled) this.#d.tracer?.exportRelease(stored);
    if (notes.length > 0) notifier?.wake();
    this.#d.bus?.publish(releaseEvent(toReleaseView(stored)));
  }

  /**
   * #withKnownTail gives a CrashLoop failure without log lines the tail of the same crash (same pod,
   * container and restart: crashKey) read earlier or already stored — the tracker re-states a
   * failure without the tail on every later change of its release.
   */
  #withKnownTail(release: Release, before: Release | undefined): Release {
    const f = release.failure;
    const key = crashKey(f);
    if (f === null || key === null || f.logTail !== undefined) return release;
    const old = before?.failure ?? null;
    const tail: CrashTail | undefined = this.#d.crashLogs?.known(f) ?? (crashKey(old) === key && old?.logTail !== undefined ? { container: old.container ?? f.container ?? '', logTail: old.logTail } : undefined);
    return tail === undefined ? release : { ...release, failure: { ...f, container: tail.container, logTail: tail.logTail } };
  }

  /** #fillTail writes a tail that arrived to the release it was read for, unless the release has moved on to another failure since. */
  async #fillTail(id: ReleaseId, key: string | null, tail: CrashTail, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const current = this.#open.get(id) ?? (await this.#write(() => this.#d.ledger.getRelease(id), signal, `release ${id}`));
    if (!current?.failure || crashKey(current.failure) !== key || current.failure.logTail !== undefined) return;
    await this.#release({ ...current, failure: { ...current.failure, container: tail.container, logTail: tail.logTail } }, signal);
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
