/** Instant is a point in time as milliseconds since the Unix epoch. */
export type Instant = number;

/**
 * Clock is the only way shell code reads time or waits. The pure core never sees a Clock:
 * it receives `now` as a parameter.
 * - `sleep` resolves after `ms` of this clock's time, or rejects with the signal's reason when aborted.
 */
export interface Clock {
  readonly now: () => Instant;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** realClock reads the wall clock and waits with timers. */
export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason as Error);
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason as Error);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
