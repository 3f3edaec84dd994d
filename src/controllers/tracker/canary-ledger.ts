import type { LiveBus } from '../../api/bus.ts';
import { foldCanary, type CanaryEntry } from '../../canary/ledger.ts';
import { isFinal, malformedAnnotations, recordOf, statusOf, type CanaryRecord, type CanaryStatus } from '../../canary/record.ts';
import type { CanaryMetrics } from '../../export/metrics/canary-metrics.ts';
import { canaryNotificationsFor } from '../../export/notify/canary-message.ts';
import type { NotificationDispatcher } from '../../export/notify/dispatcher.ts';
import type { ClusterDelta } from '../../kube/cluster-informers.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/log.ts';
import { canaryEvent } from '../../model/view/live-event-view.ts';
import { toCanarySummaryView } from '../../model/view/canary-view.ts';
import type { LedgerStore } from '../../store/ledger.ts';

/** CanaryLedgerDeps are where a canary's changes go; all but the ledger optional. */
export interface CanaryLedgerDeps {
  readonly ledger: Pick<LedgerStore, 'getCanary' | 'upsertCanary' | 'listCanaries'>;
  readonly cluster: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly bus?: LiveBus;
  readonly notifier?: Pick<NotificationDispatcher, 'enqueue'>;
  readonly metrics?: CanaryMetrics;
}

interface Observation {
  readonly record: CanaryRecord;
  readonly status: CanaryStatus;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * CanaryLedger keeps the ledger's account of every canary the tracker's Deployment watch sees,
 * whoever drives it (`rollscope canary` in a terminal or `serve`): each change of the canary
 * annotations on a stable Deployment (canary/record.ts) is folded into the canary's ledger entry
 * (canary/ledger.ts), and what the fold reports changed is written, published on the live stream,
 * notified (export/notify/canary-message.ts) and counted (rollscope_canary_*). Observations are
 * coalesced per canary (the newest wins; the fold catches up on anything in between) and applied
 * one at a time. The fold compares with the entry as stored, so a restart or a relist neither
 * re-notifies nor recounts. A failing ledger is retried with back-off, like the release facts.
 */
export class CanaryLedger {
  readonly #d: CanaryLedgerDeps;
  readonly #pending = new Map<string, Observation>();
  /** Entries of unfinished canaries as stored (finished ones are dropped: bounded memory). */
  readonly #open = new Map<string, CanaryEntry>();
  readonly #warned = new Set<string>();
  #wake: (() => void) | null = null;

  constructor(deps: CanaryLedgerDeps) {
    this.#d = deps;
  }

  /** observe takes one informer delta (synchronously; never throws). */
  observe(d: ClusterDelta): void {
    if (d.kind !== 'Deployment' || d.delta.type === 'DELETED') return;
    const rec = d.delta.object;
    if (!('annotations' in rec)) return;
    const obj = { metadata: { annotations: rec.annotations } };
    const record = recordOf(obj);
    const status = statusOf(obj);
    const bad = malformedAnnotations(obj);
    const key = `${rec.namespace}/${rec.name}`;
    if (bad.length > 0 && !this.#warned.has(`${key}@${rec.resourceVersion}`)) {
      this.#warned.add(`${key}@${rec.resourceVersion}`);
      this.#d.logger.warn('canary annotations that do not validate are ignored', { deployment: key, annotations: bad, hint: 'rollscope canary status shows what the driver reads; a new canary rewrites them' });
    }
    if (record === null || status === null || status.id !== record.id) return;
    this.#pending.set(record.id, { record, status, labels: rec.labels });
    this.#wake?.();
  }

  /** seed loads unfinished canaries from the ledger for the active gauge (start-up). */
  async seed(): Promise<void> {
    const open = await this.#d.ledger.listCanaries({ cluster: this.#d.cluster, states: ['progressing', 'paused', 'promoting', 'aborting'], limit: 1000 });
    for (const e of open) {
      this.#open.set(e.id, e);
      this.#d.metrics?.observe(e, []);
    }
  }

  /** run applies observations until `signal` aborts, then applies what is pending (best effort) and returns. */
  async run(signal: AbortSignal): Promise<void> {
    for (;;) {
      const next = this.#pending.entries().next();
      if (!next.done) {
        const [id, o] = next.value;
        this.#pending.delete(id);
        try {
          await this.#apply(o);
        } catch (e) {
          if (signal.aborted) return;
          this.#d.logger.error('canary ledger write failed; retrying', { canary: id, error: e instanceof Error ? e.message : String(e) });
          if (!this.#pending.has(id)) this.#pending.set(id, o);
          await this.#d.clock.sleep(1000, signal).catch(() => undefined);
        }
        continue;
      }
      if (signal.aborted) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
      this.#wake = null;
    }
  }

  async #apply(o: Observation): Promise<void> {
    const { ledger, cluster } = this.#d;
    const stored = this.#open.get(o.record.id) ?? (await ledger.getCanary(cluster, o.record.id));
    const f = foldCanary(cluster, stored, o.record, o.status);
    if (!f.changed) return;
    // Notifications are enqueued BEFORE the entry is written: the outbox is idempotent on its keys,
    // so a failure in between re-enqueues nothing new on the retry, while the other order could
    // store the change and lose its notification.
    const notes = canaryNotificationsFor(f.entry, f.changes, o.labels);
    if (notes.length > 0 && this.#d.notifier) await this.#d.notifier.enqueue(notes);
    await ledger.upsertCanary(f.entry);
    if (isFinal(f.entry.phase)) this.#open.delete(f.entry.id);
    else this.#open.set(f.entry.id, f.entry);
    this.#d.metrics?.observe(f.entry, f.changes);
    this.#d.bus?.publish(canaryEvent(toCanarySummaryView(f.entry)));
  }
}
