import type { Diagnosis } from '../../model/diagnosis.ts';

/**
 * CrashLogTails reads the crashed container's last log lines for the tracker's CrashLoop diagnoses,
 * off the ingest path. Contract:
 * - one read per crash: a crash is (pod, container, diagnosis message), and the message names the
 *   restart count and exit code, so a crash-looping pod costs one read per restart however many
 *   facts re-state it (the tracker re-writes a failed release on every event and replica change);
 * - never blocks: `want` only starts a read; at most `maxInFlight` run at once, the rest wait in a
 *   queue of at most `maxEntries` crashes (the oldest are forgotten first); each read is bounded by
 *   `timeoutMs` and by the signal of the fact that asked for it (the tracker's term);
 * - level-triggered: a read that failed (no tail: timeout, 403, the run already gone) is retried by
 *   a later observation of the same crash, no sooner than `retryAfterMs` after the failure and at
 *   most `maxAttempts` times in all;
 * - `known` answers from memory what was read, so a fact re-stating a crash carries its tail.
 * The read itself (size limits, redaction) is ops/crash-log.ts; what to do with a tail (write it to
 * the ledger) is the caller's `onTail`.
 */

/** CrashTail is what a read found: the container and its redacted, size-limited last lines. */
export interface CrashTail {
  readonly container: string;
  readonly logTail: readonly string[];
}

/** CrashLogTailsOptions configures the reads. */
export interface CrashLogTailsOptions {
  /** Resolves the diagnosis with `container` and `logTail`, or unchanged when the log cannot be read (ops/crash-log.ts withCrashLog). */
  readonly read: (diagnosis: Diagnosis, namespace: string, signal: AbortSignal) => Promise<Diagnosis>;
  /** A monotonic millisecond clock for retry spacing (I/O pacing, not cluster time). Default performance.now. */
  readonly now?: () => number;
  /** Bound on one read. Default 5 s. */
  readonly timeoutMs?: number;
  /** Reads running at once. Default 2. */
  readonly maxInFlight?: number;
  /** Spacing of retries of a failed read. Default 10 s. */
  readonly retryAfterMs?: number;
  /** Reads of one crash, in all. Default 3. */
  readonly maxAttempts?: number;
  /** Crashes remembered (read, failed or queued). Default 1000. */
  readonly maxEntries?: number;
}

type Entry =
  | { readonly state: 'queued'; readonly start: () => void }
  | { readonly state: 'reading' }
  | { readonly state: 'read'; readonly tail: CrashTail }
  | { readonly state: 'failed'; readonly at: number; readonly attempts: number };

/** crashKey identifies one crash of one container: pod, container and the message naming the restart count. Null for any other diagnosis. */
export function crashKey(d: Diagnosis | null): string | null {
  if (d === null || d.code !== 'CrashLoop' || d.object === undefined) return null;
  return `${d.object}\u0000${d.container ?? ''}\u0000${d.message}`;
}

export class CrashLogTails {
  readonly #o: Required<Omit<CrashLogTailsOptions, 'read'>> & Pick<CrashLogTailsOptions, 'read'>;
  readonly #entries = new Map<string, Entry>();
  #inFlight = 0;
  #reads = 0;

  constructor(o: CrashLogTailsOptions) {
    this.#o = { now: () => performance.now(), timeoutMs: 5_000, maxInFlight: 2, retryAfterMs: 10_000, maxAttempts: 3, maxEntries: 1_000, ...o };
  }

  /** reads counts the log reads started so far. */
  get reads(): number {
    return this.#reads;
  }

  /** known returns the tail already read for this crash, if any. */
  known(d: Diagnosis | null): CrashTail | undefined {
    const key = crashKey(d);
    const e = key === null ? undefined : this.#entries.get(key);
    return e?.state === 'read' ? e.tail : undefined;
  }

  /**
   * want asks for the tail of the crash `d` states (see the class comment for when a read starts);
   * `onTail` is called once with the tail if this call's read finds one. Returns at once.
   */
  want(d: Diagnosis | null, namespace: string, signal: AbortSignal, onTail: (tail: CrashTail) => void): void {
    const key = crashKey(d);
    if (key === null || d === null || d.logTail !== undefined || signal.aborted) return;
    const e = this.#entries.get(key);
    if (e !== undefined && e.state !== 'failed') return;
    if (e?.state === 'failed' && (e.attempts >= this.#o.maxAttempts || this.#o.now() - e.at < this.#o.retryAfterMs)) return;
    const attempts = e?.state === 'failed' ? e.attempts : 0;
    const start = (): void => {
      this.#set(key, { state: 'reading' });
      this.#inFlight++;
      this.#reads++;
      void this.#read(d, namespace, signal)
        .then((tail) => {
          if (tail === undefined) {
            this.#set(key, { state: 'failed', at: this.#o.now(), attempts: attempts + 1 });
            return;
          }
          this.#set(key, { state: 'read', tail });
          onTail(tail);
        })
        .finally(() => {
          this.#inFlight--;
          this.#next();
        });
    };
    if (this.#inFlight < this.#o.maxInFlight) start();
    else this.#set(key, { state: 'queued', start });
  }

  async #read(d: Diagnosis, namespace: string, signal: AbortSignal): Promise<CrashTail | undefined> {
    try {
      const out = await this.#o.read(d, namespace, AbortSignal.any([signal, AbortSignal.timeout(this.#o.timeoutMs)]));
      return out.logTail === undefined || out.logTail.length === 0 ? undefined : { container: out.container ?? d.container ?? '', logTail: out.logTail };
    } catch {
      return undefined;
    }
  }

  /** #next starts the oldest queued read, if a slot is free. */
  #next(): void {
    if (this.#inFlight >= this.#o.maxInFlight) return;
    for (const e of this.#entries.values())
      if (e.state === 'queued') {
        e.start();
        return;
      }
  }

  /** #set stores an entry as the newest, forgetting the oldest beyond maxEntries (a forgotten queued read never starts). */
  #set(key: string, e: Entry): void {
    this.#entries.delete(key);
    this.#entries.set(key, e);
    while (this.#entries.size > this.#o.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }
}
