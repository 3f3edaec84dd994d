/** LiveEvent is one fact pushed to dashboard clients over SSE. */
export interface LiveEvent {
  /** SSE event name, e.g. `release`, `workload-event`, `rollout`. */
  readonly type: string;
  readonly data: unknown;
}

/**
 * LiveBus fans live events out to SSE subscribers. Publishing never blocks or throws: a slow or
 * broken subscriber is the subscriber's problem (its queue is bounded and oldest events drop).
 */
export class LiveBus {
  readonly #subs = new Set<(e: LiveEvent) => void>();

  publish(event: LiveEvent): void {
    for (const fn of this.#subs) {
      try {
        fn(event);
      } catch {
        // a failing subscriber must not affect the tracker
      }
    }
  }

  /** subscribe calls `fn` for every event until the returned function is called. */
  subscribe(fn: (e: LiveEvent) => void): () => void {
    this.#subs.add(fn);
    return () => this.#subs.delete(fn);
  }

  get subscribers(): number {
    return this.#subs.size;
  }
}
