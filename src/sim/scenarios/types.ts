import type { Logger } from '../../lib/log.ts';
import type { SimClock } from '../core/clock.ts';
import type { SimStore } from '../core/store-api.ts';
import type { LoadTarget } from '../network/load.ts';

/**
 * ScenarioContext is what a scenario needs from a running simulated cluster: the store it writes
 * through, the clock it schedules changes on, and a random source (seeded in tests). `startSim()`'s
 * handle satisfies the first two; `random` and `log` are optional.
 */
export interface ScenarioContext {
  readonly store: SimStore;
  readonly clock: SimClock;
  /** Values in [0, 1). If unset, a fixed-seed generator, so a scenario replays identically. */
  readonly random?: () => number;
  /** Where failed scripted writes are reported. If unset, they are dropped silently. */
  readonly log?: Logger;
}

/**
 * Scenario is a named script of cluster changes. Contract:
 * - `start` creates its initial objects synchronously (so they exist when it returns), schedules
 *   later changes on the context's clock, and returns a stop function that cancels every pending
 *   change; calling stop twice is harmless.
 * - A scripted write that fails (the object was deleted by a user, a conflict…) is reported to the
 *   context's log and skipped; it never throws out of a timer.
 */
export interface Scenario {
  readonly name: string;
  /** One line for `rollscope sim --help` and the README. */
  readonly description: string;
  start(ctx: ScenarioContext): () => void;
  /** Steady traffic through the scenario's Services, driven by whoever runs it (`rollscope sim`, `demo`) in real time. */
  readonly load?: readonly LoadTarget[];
}
