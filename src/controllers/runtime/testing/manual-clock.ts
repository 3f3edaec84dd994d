import type { Clock } from '../../../lib/clock.ts';
import { ManualClock } from '../../../sim/core/clock.ts';

/** TestClock is a Clock whose sleeps end only when the test advances it. */
export type TestClock = Clock & { advance(ms: number): Promise<void> };

/**
 * manualClock adapts the sim's ManualClock to a Clock for controller tests: `sleep` ends when the
 * test advances time past it (or rejects with the signal's reason on abort), and `advance` then
 * lets `turns` turns of the event loop run so the woken code reaches its next await.
 */
export function manualClock(turns = 1): TestClock {
  const mc = new ManualClock();
  return {
    now: () => mc.now(),
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        const cancel = mc.schedule(ms, resolve);
        signal?.addEventListener('abort', () => {
          cancel();
          reject(signal.reason as Error);
        }, { once: true });
      }),
    async advance(ms) {
      mc.advance(ms);
      for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
    },
  };
}
