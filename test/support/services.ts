// Helpers for tests that need a real external component (PostgreSQL, Prometheus, Chromium, tmux).
// Under ROLLSCOPE_REQUIRE_SERVICES=1 (CI) a missing component fails the test; otherwise it skips
// with a reason that names what to install.
import type { TestContext } from 'node:test';
import { accessSync, constants } from 'node:fs';

/** servicesRequired tells whether a missing component must fail the test (CI) rather than skip it. */
export const servicesRequired = (): boolean => process.env.ROLLSCOPE_REQUIRE_SERVICES === '1';

/** findExecutable returns the first of `candidates` that exists and is executable. */
export function findExecutable(candidates: readonly string[]): string | undefined {
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/**
 * needComponent returns the executable's path, or (when absent) skips the test with a reason, or
 * fails it when services are required.
 */
export function needComponent(t: TestContext, what: string, candidates: readonly string[], install: string): string | undefined {
  const found = findExecutable(candidates);
  if (found) return found;
  const reason = `${what} not found (looked in ${candidates.join(', ')}); install it with: ${install}`;
  if (servicesRequired()) throw new Error(reason);
  t.skip(reason);
  return undefined;
}
