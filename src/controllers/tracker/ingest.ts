import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/log.ts';
import { isTombstone } from '../../kube/delta.ts';
import type { ClusterDelta, ClusterInformers } from '../../kube/cluster-informers.ts';
import { trackDelta, type Fact, type TrackerDelta, type TrackerState } from '../../track/tracker.ts';
import type { RolloutMetrics } from '../../export/metrics/registry.ts';
import type { FactSink } from './fact-sink.ts';

/** TICK_MS is how often time passes for the tracker (fail-fast grace periods, held-record expiry). */
const TICK_MS = 2_000;
/** FLUSH_MS bounds how long shutdown waits for queued facts to reach the ledger. */
const FLUSH_MS = 10_000;

/** toTrackerDelta maps an informer delta to the tracker's input; null when there is nothing to say. */
export function toTrackerDelta(d: ClusterDelta): TrackerDelta | null {
  const { delta, previous } = d;
  if (delta.type === 'DELETED') {
    if (isTombstone(delta.object)) {
      const last = (delta.object.last ?? previous);
      return last ? { type: 'DELETED', record: last, finalStateUnknown: true } : null;
    }
    return { type: 'DELETED', record: delta.object };
  }
  if (isTombstone(delta.object)) return null;
  return { type: delta.type, record: delta.object };
}

/** IngestOptions configures the ingest loop. */
export interface IngestOptions {
  readonly informers: ClusterInformers;
  readonly sink: FactSink;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics?: RolloutMetrics;
  readonly initial: TrackerState;
}

/**
 * Ingest runs the tracker: informer deltas go through the pure reducer (`trackDelta`) in arrival
 * order, and the facts it returns are applied by the FactSink one at a time, in order, on a queue
 * (the reducer is synchronous; ledger writes are not). A `synced` delta follows the first moment
 * every informer has listed, and a `tick` every TICK_MS.
 */
export class Ingest {
  readonly #o: IngestOptions;
  #state: TrackerState;
  #synced = false;
  readonly #queue: Fact[] = [];
  #wake: (() => void) | null = null;
  #applied = 0;
  #writing = false;

  constructor(options: IngestOptions) {
    this.#o = options;
    this.#state = options.initial;
  }

  /** synced tells whether the first full sync was fed to the tracker. */
  get synced(): boolean {
    return this.#synced;
  }

  /** backlog is the number of facts not yet in the ledger: queued, plus the one being written. */
  get backlog(): number {
    return this.#queue.length + (this.#writing ? 1 : 0);
  }

  /** applied counts facts written so far. */
  get applied(): number {
    return this.#applied;
  }

  /** run feeds the tracker until `signal` aborts, then drains the facts already learned. */
  async run(signal: AbortSignal): Promise<void> {
    const off = this.#o.informers.onDelta((d) => {
      this.#o.metrics?.watchEvent(d.kind, d.delta.type);
      const td = toTrackerDelta(d);
      if (td) this.#feed(td);
      this.#maybeSynced();
    });
    const ticker = setInterval(() => {
      this.#maybeSynced();
      this.#feed({ type: 'tick' });
    }, TICK_MS);
    ticker.unref();
    const informersDone = this.#o.informers.start(signal);
    try {
      await this.#drain(signal);
    } finally {
      clearInterval(ticker);
      off();
      await informersDone;
    }
  }

  #maybeSynced(): void {
    if (this.#synced || !this.#o.informers.hasSynced()) return;
    this.#synced = true;
    this.#feed({ type: 'synced' });
  }

  #feed(delta: TrackerDelta): void {
    try {
      const step = trackDelta(this.#state, delta, this.#o.clock.now());
      this.#state = step.state;
      if (step.facts.length > 0) {
        // A loop, not push(...facts): a first sync of a large cluster yields more facts than a call may take arguments.
        for (const f of step.facts) this.#queue.push(f);
        this.#wake?.();
      }
    } catch (e) {
      // A reducer bug must not take the tracker down: log the record and carry on.
      this.#o.logger.error('tracker could not apply a change; skipped', { delta: delta.type, error: e instanceof Error ? e.stack : String(e) });
    }
  }

  /** #drain applies facts until `signal` aborts; then it flushes what is queued (up to FLUSH_MS) and returns. */
  async #drain(signal: AbortSignal): Promise<void> {
    let flush: AbortSignal | null = null;
    for (;;) {
      const fact = this.#queue.shift();
      if (fact) {
        this.#writing = true;
        try {
          await this.#o.sink.apply(fact, flush ?? signal);
          this.#applied++;
        } catch (e) {
          if (flush?.aborted) {
            this.#o.logger.error('shutdown: facts not written before the flush deadline; they are re-derived on the next start', { pending: this.#queue.length + 1 });
            return;
          }
          if (!signal.aborted) throw e;
          this.#queue.unshift(fact);
        } finally {
          this.#writing = false;
        }
        if (signal.aborted && !flush) flush = AbortSignal.timeout(FLUSH_MS);
        continue;
      }
      if (signal.aborted) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
      this.#wake = null;
      if (signal.aborted && !flush) flush = AbortSignal.timeout(FLUSH_MS);
    }
  }
}
