import { Counter, Gauge, type Registry } from 'prom-client';
import type { CanaryChange, CanaryEntry } from '../../canary/ledger.ts';
import { isFinal, PHASES, type Phase } from '../../canary/record.ts';

/** ACTIVE_STATES are the canary phases the active gauge reports (the unfinished ones). */
const ACTIVE_STATES = PHASES.filter((p) => !isFinal(p));

/**
 * CanaryMetrics are the `rollscope_canary_*` series, fed by the tracker's canary ledger
 * (daemon/canary-ledger.ts) with every ledgered change — counted once per change, since the
 * changes come from a fold against the entry as stored (a restart or relist recounts nothing):
 * - rollscope_canary_active{state}: unfinished canaries by state (progressing, paused, promoting, aborting);
 * - rollscope_canary_started_total: canary attempts started;
 * - rollscope_canary_steps_total: steps reached;
 * - rollscope_canary_measurements_total{verdict}: analysis measurements by verdict (successful, failed, inconclusive, error);
 * - rollscope_canary_pauses_total: pauses (timed, manual, or waiting for a human after inconclusive analysis);
 * - rollscope_canary_promotions_total, rollscope_canary_aborts_total.
 * They register on the tracker's registry, so they carry its `cluster` label.
 */
export class CanaryMetrics {
  readonly #phase = new Map<string, Phase>();
  readonly #started: Counter;
  readonly #steps: Counter;
  readonly #measurements: Counter;
  readonly #pauses: Counter;
  readonly #promotions: Counter;
  readonly #aborts: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    const phases = this.#phase;
    new Gauge({
      name: 'rollscope_canary_active', help: 'Unfinished canaries, by state.', labelNames: ['state'], registers,
      collect() {
        for (const s of ACTIVE_STATES) this.set({ state: s }, [...phases.values()].filter((p) => p === s).length);
      },
    });
    this.#started = new Counter({ name: 'rollscope_canary_started_total', help: 'Canary attempts started.', registers });
    this.#steps = new Counter({ name: 'rollscope_canary_steps_total', help: 'Canary steps reached.', registers });
    this.#measurements = new Counter({ name: 'rollscope_canary_measurements_total', help: 'Canary analysis measurements, by verdict.', labelNames: ['verdict'], registers });
    this.#pauses = new Counter({ name: 'rollscope_canary_pauses_total', help: 'Canary pauses (timed, manual, or inconclusive analysis waiting for a human).', registers });
    this.#promotions = new Counter({ name: 'rollscope_canary_promotions_total', help: 'Canaries promoted.', registers });
    this.#aborts = new Counter({ name: 'rollscope_canary_aborts_total', help: 'Canaries aborted (analysis failed, rollout failed, or by a human).', registers });
    for (const v of ['successful', 'failed', 'inconclusive', 'error']) this.#measurements.inc({ verdict: v }, 0);
  }

  /** observe records a canary's state after a ledgered change, and counts the changes. */
  observe(entry: CanaryEntry, changes: readonly CanaryChange[]): void {
    const key = `${entry.cluster}/${entry.id}`;
    if (isFinal(entry.phase)) this.#phase.delete(key);
    else this.#phase.set(key, entry.phase);
    for (const c of changes) {
      if (c.kind === 'started') this.#started.inc();
      else if (c.kind === 'step') this.#steps.inc();
      else if (c.kind === 'measurement') this.#measurements.inc({ verdict: c.measurement.verdict });
      else if (c.kind === 'paused') this.#pauses.inc();
      else if (c.kind === 'promoted') this.#promotions.inc();
      else this.#aborts.inc();
    }
  }
}
