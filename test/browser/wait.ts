// Polling helpers for tests against a running demo, whose cluster moves on its own.
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * eventually calls `probe` every `everyMs` until it returns a value other than undefined, and
 * resolves with it; after `timeoutMs` it rejects with `what` and the last probe error, if any.
 */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last === undefined ? '' : `; last error: ${last instanceof Error ? last.message : JSON.stringify(last)}`}`);
    await sleep(everyMs);
  }
}
