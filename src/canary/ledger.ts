import type { Instant } from '../lib/clock.ts';
import { isFinal, type CanaryRecord, type CanaryStatus, type Measurement, type Phase } from './record.ts';
import { splitReplicas } from './split.ts';

/**
 * The ledger's account of a canary. On the cluster a canary lives in two annotations of the stable
 * Deployment (record.ts) that show only where it stands now (the current step, the last
 * MEASUREMENTS_KEPT measurements); the ledger keeps its whole course — every step with its replica
 * split and when it was reached, every measurement, the outcome with its reason — so a finished
 * canary can still be reported after its Deployments (or the annotations) are gone.
 *
 * `foldCanary(stored, observed)` is the one place that turns a new observation of the annotations
 * into the next ledger entry and the changes it brings (start, step, measurement, pause, promote,
 * abort); the ledger write, the notifications and the metrics all follow those changes. It compares
 * with the entry AS STORED, so replaying an observation (a relist, a restart) changes nothing and
 * announces nothing twice. A step the tracker did not see (it was down) is still entered, with
 * `reachedAt` null.
 */

/** MEASUREMENTS_LEDGERED bounds the measurements one ledger entry keeps (oldest dropped first). */
export const MEASUREMENTS_LEDGERED = 2000;

/** CanaryStepEntry is one step of one attempt as the ledger saw it. */
export interface CanaryStepEntry {
  readonly attempt: number;
  readonly index: number;
  readonly weight: number;
  /** The planned split of the record's total at this weight. */
  readonly canaryReplicas: number;
  readonly stableReplicas: number;
  /** When the step's replicas were all ready; null until then, or when the tracker missed it. */
  readonly reachedAt: Instant | null;
  /** When the canary moved past this step (or ended on it); null while it is the current step. */
  readonly leftAt: Instant | null;
  /** Deadline of the step's timed pause, when it had one. */
  readonly pauseUntil: Instant | null;
}

/** CanaryMeasurementEntry is a measurement with the attempt it belongs to. */
export interface CanaryMeasurementEntry extends Measurement {
  readonly attempt: number;
}

/** FailingMetric is the measurement that aborted a canary: its metric, value, threshold (the condition) and query. */
export interface FailingMetric {
  readonly metric: string;
  readonly value: number | null;
  readonly stableValue: number | null;
  readonly condition: string;
  readonly query: string;
  readonly reason: string;
}

/** CanaryOutcome is how a canary ended (null while running). */
export type CanaryOutcome = 'promoted' | 'aborted';

/** CanaryEntry is one canary in the ledger, keyed by cluster + id. */
export interface CanaryEntry {
  readonly cluster: string;
  readonly id: string;
  readonly namespace: string;
  /** The stable Deployment's name. */
  readonly name: string;
  readonly record: CanaryRecord;
  readonly phase: Phase;
  readonly outcome: CanaryOutcome | null;
  readonly attempt: number;
  readonly stepIndex: number;
  /** What the phase is about, in words (on abort: the reason). */
  readonly message: string;
  /** The driver last holding the canary. */
  readonly holder: string;
  readonly startedAt: Instant;
  /** The status' last meaningful change (claim renewals do not count). */
  readonly updatedAt: Instant;
  readonly finishedAt: Instant | null;
  readonly steps: readonly CanaryStepEntry[];
  readonly measurements: readonly CanaryMeasurementEntry[];
  /** Set when the analysis aborted the canary. */
  readonly failing: FailingMetric | null;
}

/** CanaryChange is one thing that happened to a canary, announced once. */
export type CanaryChange =
  | { readonly kind: 'started'; readonly attempt: number }
  | { readonly kind: 'step'; readonly step: CanaryStepEntry }
  | { readonly kind: 'measurement'; readonly measurement: CanaryMeasurementEntry }
  | { readonly kind: 'paused'; readonly attempt: number; readonly index: number; readonly until: Instant | null; readonly reason: string }
  | { readonly kind: 'promoted'; readonly attempt: number }
  | { readonly kind: 'aborted'; readonly attempt: number; readonly reason: string; readonly failing: FailingMetric | null };

/** CanaryFold is foldCanary's answer: the entry to store and what changed (empty: nothing to write). */
export interface CanaryFold {
  readonly entry: CanaryEntry;
  readonly changes: readonly CanaryChange[];
  /** Whether the entry differs from the stored one (a write is due). */
  readonly changed: boolean;
}

const stepEntry = (rec: CanaryRecord, attempt: number, index: number): CanaryStepEntry => {
  const weight = rec.steps[index]?.weight ?? 100;
  const split = splitReplicas(rec.total, weight);
  return { attempt, index, weight, canaryReplicas: split.canary, stableReplicas: split.stable, reachedAt: null, leftAt: null, pauseUntil: null };
};

const measurementKey = (m: Measurement): string => `${m.metric}\u0000${m.step}\u0000${m.at}`;
const isAborting = (p: Phase): boolean => p === 'aborting' || p === 'aborted';

/** failingOf finds the failed measurement an analysis abort names (the newest failed one of the step). */
export function failingOf(status: CanaryStatus): FailingMetric | null {
  if (!status.message.includes('analysis failed')) return null;
  const m = status.measurements.filter((x) => x.step === status.stepIndex && x.verdict === 'failed').at(-1);
  return m === undefined ? null : { metric: m.metric, value: m.value, stableValue: m.stableValue, condition: m.condition, query: m.query, reason: m.reason };
}

/**
 * foldCanary folds one observation of a canary's record and status into its ledger entry (see the
 * file comment). `stored` is the entry as the ledger holds it (null: never seen); a stored entry of
 * another canary id is not this canary's and is ignored.
 */
export function foldCanary(cluster: string, stored: CanaryEntry | null, record: CanaryRecord, status: CanaryStatus): CanaryFold {
  const before = stored !== null && stored.id === record.id && stored.cluster === cluster ? stored : null;
  const changes: CanaryChange[] = [];
  const attempt = status.attempt;
  if (before === null || before.attempt < attempt) changes.push({ kind: 'started', attempt });

  // Steps: every step of this attempt up to the current one is known; earlier ones were left.
  const steps = new Map<string, CanaryStepEntry>();
  for (const s of before?.steps ?? []) steps.set(`${s.attempt}/${s.index}`, s);
  const last = Math.min(status.stepIndex, record.steps.length - 1);
  for (let i = 0; i <= last; i++) {
    const key = `${attempt}/${i}`;
    const had = steps.get(key) ?? stepEntry(record, attempt, i);
    const current = i === last;
    const reachedAt = had.reachedAt ?? (current ? status.stepReachedAt : null);
    const leftAt = had.leftAt ?? (!current ? status.updatedAt : isFinal(status.phase) || status.phase === 'promoting' || status.phase === 'aborting' ? status.updatedAt : null);
    const pauseUntil = had.pauseUntil ?? (current ? status.pauseUntil : null);
    const next: CanaryStepEntry = { ...had, reachedAt, leftAt, pauseUntil };
    // announced once: when reached, or — missed while no tracker watched — when known to be left
    const announcedBefore = steps.has(key) && (had.reachedAt !== null || had.leftAt !== null);
    steps.set(key, next);
    if (!announcedBefore && (reachedAt !== null || leftAt !== null)) changes.push({ kind: 'step', step: next });
    if (current && had.pauseUntil === null && pauseUntil !== null && status.phase === 'progressing')
      changes.push({ kind: 'paused', attempt, index: i, until: pauseUntil, reason: `timed pause at ${next.weight}%` });
  }

  // Measurements: add the ones not yet ledgered, tagged with the attempt they were seen in.
  const known = new Set((before?.measurements ?? []).map(measurementKey));
  const added: CanaryMeasurementEntry[] = [];
  for (const m of status.measurements) {
    if (known.has(measurementKey(m))) continue;
    known.add(measurementKey(m));
    const e: CanaryMeasurementEntry = { ...m, attempt };
    added.push(e);
    changes.push({ kind: 'measurement', measurement: e });
  }
  const measurements = [...(before?.measurements ?? []), ...added].slice(-MEASUREMENTS_LEDGERED);

  const samePhaseBefore = before !== null && before.attempt === attempt ? before.phase : null;
  if (status.phase === 'paused' && samePhaseBefore !== 'paused')
    changes.push({ kind: 'paused', attempt, index: last, until: null, reason: status.message });
  const failing = isAborting(status.phase) ? (before?.attempt === attempt ? before.failing : null) ?? failingOf(status) : null;
  if (isAborting(status.phase) && !(samePhaseBefore !== null && isAborting(samePhaseBefore)))
    changes.push({ kind: 'aborted', attempt, reason: status.message, failing });
  if (status.phase === 'promoted' && samePhaseBefore !== 'promoted') changes.push({ kind: 'promoted', attempt });

  const entry: CanaryEntry = {
    cluster,
    id: record.id,
    namespace: record.namespace,
    name: record.name,
    record,
    phase: status.phase,
    outcome: status.phase === 'promoted' ? 'promoted' : status.phase === 'aborted' ? 'aborted' : null,
    attempt,
    stepIndex: status.stepIndex,
    message: status.message,
    holder: status.holder,
    startedAt: before?.startedAt ?? record.startedAt,
    updatedAt: before?.updatedAt ?? status.updatedAt,
    finishedAt: status.finishedAt,
    steps: [...steps.values()].sort((a, b) => a.attempt - b.attempt || a.index - b.index),
    measurements,
    failing,
  };
  const changed = before === null || JSON.stringify({ ...before, updatedAt: 0, holder: '' }) !== JSON.stringify({ ...entry, updatedAt: 0, holder: '' });
  return { entry: changed ? { ...entry, updatedAt: status.updatedAt } : before, changes, changed };
}

/** trafficShareOf is the canary's measured share of requests (percent) over a step's measurements with both rates; null when none. */
export function trafficShareOf(ms: readonly Measurement[]): number | null {
  let canary = 0;
  let total = 0;
  let n = 0;
  for (const m of ms) {
    if (m.canaryRate === null || m.stableRate === null || Number.isNaN(m.canaryRate) || Number.isNaN(m.stableRate)) continue;
    canary += m.canaryRate;
    total += m.canaryRate + m.stableRate;
    n++;
  }
  return n === 0 || total <= 0 ? null : (canary / total) * 100;
}
