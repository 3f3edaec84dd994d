import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/log.ts';
import type { LedgerStore, OutboxEntry, OutboxMessage } from '../../store/ledger.ts';
import type { NotificationSetup } from './config.ts';
import { deliver, type FetchFn } from './deliver.ts';
import type { Notification } from './message.ts';
import { nextAttemptAt, outboxMessagesFor } from './outbox.ts';

/** DispatcherOptions configures the outbox dispatcher. */
export interface DispatcherOptions {
  readonly ledger: Pick<LedgerStore, 'enqueueNotifications' | 'claimDue' | 'markDelivered' | 'markFailed'>;
  readonly setup: NotificationSetup;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Messages delivered at once. If unset, 8. */
  readonly concurrency?: number;
  /** How long a claim holds an entry; must exceed the delivery timeout. If unset, 60 s. */
  readonly leaseMs?: number;
  /** Per-attempt timeout. If unset, 10 s. */
  readonly timeoutMs?: number;
  /** Idle poll interval of the outbox (a local database, not the API server). If unset, 1 s. */
  readonly pollMs?: number;
  readonly fetch?: FetchFn;
}

/**
 * NotificationDispatcher delivers the notification outbox. `enqueue` is a ledger write (fast, so
 * ingestion never waits on a receiver); `run` claims due entries, delivers them with bounded
 * concurrency, and records success or schedules a retry with back-off. Delivery is at-least-once:
 * a crash after the receiver took a message but before `markDelivered` redelivers it once the lease
 * expires, with the same idempotency key, which receivers use to drop the repeat.
 */
export class NotificationDispatcher {
  readonly #o: DispatcherOptions;
  #wake: (() => void) | null = null;

  constructor(options: DispatcherOptions) {
    this.#o = options;
  }

  /** enqueue stores the outbox messages for these notifications (idempotent) and wakes the loop. */
  async enqueue(notifications: readonly Notification[]): Promise<number> {
    const messages = this.messagesFor(notifications);
    if (messages.length === 0) return 0;
    const added = await this.#o.ledger.enqueueNotifications(messages);
    if (added > 0) this.wake();
    return added;
  }

  /**
   * messagesFor returns the outbox messages for these notifications (one per routed sink; none
   * without sinks), for a caller that stores them in a transaction of its own (`upsertRelease`'s
   * `outbox`) and then calls `wake`.
   */
  messagesFor(notifications: readonly Notification[]): readonly OutboxMessage[] {
    if (notifications.length === 0 || this.#o.setup.sinks.size === 0) return [];
    return outboxMessagesFor(notifications, this.#o.setup.routes, this.#o.clock.now());
  }

  /** wake makes an idle loop look at the outbox now (messages were stored). */
  wake(): void {
    this.#wake?.();
  }

  /** run delivers until `signal` aborts; in-flight deliveries finish (bounded by the timeout) before it resolves. */
  async run(signal: AbortSignal): Promise<void> {
    const { clock, ledger } = this.#o;
    while (!signal.aborted) {
      const due = await ledger.claimDue(clock.now(), this.#o.concurrency ?? 8, this.#o.leaseMs ?? 60_000).catch((e: unknown) => {
        this.#o.logger.warn('notification outbox unavailable; will retry', { error: String(e) });
        return [] as readonly OutboxEntry[];
      });
      if (due.length > 0) {
        await Promise.all(due.map((entry) => this.#deliverOne(entry, signal)));
        continue;
      }
      await this.#idle(signal);
    }
  }

  /** drainOnce delivers everything due now, once (tests and graceful shutdown). Returns how many were attempted. */
  async drainOnce(signal: AbortSignal = new AbortController().signal): Promise<number> {
    const due = await this.#o.ledger.claimDue(this.#o.clock.now(), 1000, this.#o.leaseMs ?? 60_000);
    await Promise.all(due.map((entry) => this.#deliverOne(entry, signal)));
    return due.length;
  }

  async #idle(signal: AbortSignal): Promise<void> {
    const ctl = new AbortController();
    const onAbort = (): void => ctl.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    this.#wake = () => ctl.abort();
    try {
      await this.#o.clock.sleep(this.#o.pollMs ?? 1_000, ctl.signal);
    } catch {
      // woken early: new work or shutdown
    } finally {
      this.#wake = null;
      signal.removeEventListener('abort', onAbort);
    }
  }

  async #deliverOne(entry: OutboxEntry, signal: AbortSignal): Promise<void> {
    const { ledger, clock, logger, setup } = this.#o;
    const sink = setup.sinks.get(entry.sink);
    if (!sink) {
      await ledger.markFailed(entry.id, null, `sink "${entry.sink}" is no longer configured`);
      logger.warn('dropping notification for a sink that is no longer configured', { sink: entry.sink, key: entry.idempotencyKey });
      return;
    }
    const notification = entry.payload as Notification;
    const result = await deliver(sink, sink.build(notification, clock.now()), { timeoutMs: this.#o.timeoutMs ?? 10_000, signal, ...(this.#o.fetch ? { fetch: this.#o.fetch } : {}) });
    if (result.ok) {
      await ledger.markDelivered(entry.id, clock.now());
      logger.info('notification delivered', { sink: sink.name, key: entry.idempotencyKey, attempts: entry.attempts });
      return;
    }
    const retryAt = nextAttemptAt(clock.now(), entry.attempts, result.retryAfterMs);
    await ledger.markFailed(entry.id, retryAt, result.error);
    logger.warn(retryAt === null ? 'notification given up' : 'notification delivery failed; will retry', { sink: sink.name, key: entry.idempotencyKey, attempts: entry.attempts, error: result.error, retryAt });
  }
}
