import { realClock, type Clock } from '../../lib/clock.ts';
import { TrackerError } from '../../lib/errors.ts';
import { resolveChange } from '../../migration/change.ts';
import { outline, renderOutline } from '../../migration/dry-run.ts';
import { selectorOf } from '../../migration/manifests.ts';
import { servicesSelecting, type Observed } from '../../migration/observed.ts';
import type { MigrationPath } from '../../migration/path.ts';
import { findRecord, nextStep } from '../../migration/plan.ts';
import { blockers, downgrade, preflight, type Finding } from '../../migration/preflight.ts';
import { propose, type Intent } from '../../migration/propose.ts';
import { COPY_SUFFIX, type MigrationRecord } from '../../migration/record.ts';
import { formatSelector, selectorMatches, selectorsEqual } from '../../migration/selector.ts';
import { waitForRollouts } from '../../ops/waiter.ts';
import type { FailFastRules } from '../../track/status/fail-fast.ts';
import { stringField, type Unstructured } from '../../track/status/fields.ts';
import type { MigrationApi } from './api.ts';
import { writeBackups } from './backup.ts';
import { endpointSlicesServed, observe, readNamespace } from './observe.ts';

/**
 * The migration controller: the thin shell around migration/plan.ts. Per Deployment it observes,
 * asks the planner for the next step, takes it, and repeats until the planner says done, failed or
 * blocked. Nothing is kept in memory that a rerun would need: the record is on the cluster. Waits
 * for a rollout use the waiter of `rollscope wait` (same status engine, fail-fast diagnoses); other
 * waits observe again after `pollMs`. A failed wait switches the planner to recovery (back to full
 * coverage) and the migration ends `failed` with the diagnosis.
 */

/** MigrationEvent is one progress line. */
export interface MigrationEvent {
  readonly namespace: string;
  readonly name: string;
  readonly kind: 'write' | 'wait' | 'info' | 'warning';
  readonly text: string;
}

/** MigrationJournal receives the audit trail (the ledger's side; optional). */
export interface MigrationJournal {
  started(record: MigrationRecord, backups: readonly string[], original: Unstructured): Promise<void>;
  finished(outcome: MigrationOutcome, recreated: Unstructured | null): Promise<void>;
}

/** MigrateOptions configures one run of the controller for one Deployment. */
export interface MigrateOptions {
  readonly api: MigrationApi;
  readonly intent: Intent;
  readonly dryRun: boolean;
  readonly force: boolean;
  /** Where backups go (created on the first write). */
  readonly backupDir: string;
  readonly timeoutMs: number;
  readonly rules?: FailFastRules;
  /** How long to wait before observing again while the planner waits on something other than a rollout. If unset, 250 ms. */
  readonly pollMs?: number;
  readonly clock?: Clock;
  readonly signal?: AbortSignal;
  readonly onEvent?: (e: MigrationEvent) => void;
  readonly journal?: MigrationJournal;
  /** Stop after the first write (the record on the Deployment): the API starts a migration this way and the leader's Runnable drives it. */
  readonly stopAfterStart?: boolean;
}

/** MigrationResult is how one Deployment's migration ended. */
export type MigrationResult = 'migrated' | 'unchanged' | 'planned' | 'started' | 'failed' | 'blocked' | 'timeout' | 'not-found';

/** MigrationOutcome is one Deployment's result (the `-o json` shape). */
export interface MigrationOutcome {
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly result: MigrationResult;
  readonly path: MigrationPath | null;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
  readonly hint: string;
  readonly findings: readonly Finding[];
  /** The writes taken in this run, by step name. */
  readonly writes: readonly string[];
  readonly backups: readonly string[];
  /** The dry-run text (result `planned`), else ''. */
  readonly plan: string;
  readonly minReady: number | null;
  /** The fewest ready endpoints seen behind an affected Service during this run, null when none was affected. */
  readonly lowestReady: number | null;
  readonly durationMs: number;
}

/** exitCodeOf maps outcomes to the CLI exit code: 4 not found, 2 timeout, 1 failed/blocked, else 0 (worst wins). */
export function exitCodeOf(outcomes: readonly MigrationOutcome[]): number {
  if (outcomes.some((o) => o.result === 'failed' || o.result === 'blocked')) return 1;
  if (outcomes.some((o) => o.result === 'timeout')) return 2;
  if (outcomes.some((o) => o.result === 'not-found')) return 4;
  return 0;
}

function sleep(ms: number, clock: Clock, signal?: AbortSignal): Promise<void> {
  return clock.sleep(ms, signal).catch(() => undefined);
}

/** migrateDeployment runs one Deployment's migration to its end (see the file comment). */
export async function migrateDeployment(namespace: string, name: string, o: MigrateOptions): Promise<MigrationOutcome> {
  const clock = o.clock ?? realClock;
  const startedAt = clock.now();
  const signal = o.signal ?? new AbortController().signal;
  const pollMs = o.pollMs ?? 250;
  let last = '';
  const emit = (kind: MigrationEvent['kind'], text: string): void => {
    if (text === last) return; // a wait observed again says nothing new
    last = text;
    o.onEvent?.({ namespace, name, kind, text });
  };
  const writes: string[] = [];
  let backups: string[] = [];
  let findings: Finding[] = [];
  let path: MigrationPath | null = null;
  let from = '';
  let to = '';
  let minReady: number | null = null;
  let lowestReady: number | null = null;
  const end = (result: MigrationResult, reason = '', hint = '', plan = ''): MigrationOutcome => ({
    id: o.intent.id,
    namespace,
    name,
    result,
    path,
    from,
    to,
    reason,
    hint,
    findings,
    writes,
    backups,
    plan,
    minReady,
    lowestReady,
    durationMs: clock.now() - startedAt,
  });
  const copyName = `${name}${COPY_SUFFIX}`;
  const useSlices = await endpointSlicesServed(o.api, signal);
  let obs = await observe(o.api, namespace, name, copyName, useSlices, clock.now, signal);
  let record = findRecord(obs);
  let proposed: MigrationRecord | null = null;

  if (record === null) {
    const d = obs.deployment;
    if (d === null) return end('not-found', `deployment ${namespace}/${name} not found`, 'check the name and the namespace (-n)');
    const p = propose(d, o.intent);
    path = p.choice.path;
    from = formatSelector(p.change.fromSelector);
    to = formatSelector(p.change.toSelector);
    minReady = p.minReady;
    if (p.change.noop || selectorsEqual(p.change.fromSelector, p.change.toSelector)) return end('unchanged', `selector is already ${from}`);
    const ns = await readNamespace(o.api, namespace, signal);
    const all = preflight({ deployment: d, change: p.change, choice: p.choice, minReady: p.minReady, copyName, ...ns });
    findings = downgrade(all, o.force);
    const stops = blockers(all, o.force);
    for (const f of findings) if (f.severity === 'warning') emit('warning', `${f.message} — fix: ${f.fix}`);
    if (stops.length > 0) {
      const first = stops[0]!;
      return end('blocked', stops.map((f) => f.message).join('; '), first.fix);
    }
    if (o.dryRun) {
      const steps = outline(p, d, ns.replicaSets, ns.services);
      return end('planned', p.choice.reason, '', renderOutline(p, o.intent.change, steps));
    }
    const hpas = ns.hpas.filter((h) => stringField(h, 'spec.scaleTargetRef.kind') === 'Deployment' && stringField(h, 'spec.scaleTargetRef.name') === name);
    const pdbs = ns.pdbs.filter((b) => selectorMatches(selectorOf(b), p.change.fromTemplateLabels));
    backups = writeBackups(o.backupDir, [d, ...hpas, ...pdbs]);
    emit('info', `backup written: ${backups.join(', ')}`);
    await o.journal?.started(p.record, backups, d);
    proposed = p.record;
    emit('info', `path ${p.choice.path}: ${p.choice.reason}`);
  } else {
    path = record.path;
    from = formatSelector(record.fromSelector);
    to = formatSelector(record.toSelector);
    minReady = record.minReady;
    const wanted = resolveChange(o.intent.change, record.fromSelector, record.fromTemplateLabels).toSelector;
    if (!selectorsEqual(wanted, record.toSelector))
      return end('blocked', `deployment ${namespace}/${name} is already being migrated to ${to} (migration ${record.id})`, `finish that migration first: rerun with the flags that give ${to}`);
    if (o.dryRun) return end('planned', `migration ${record.id} is in progress on the ${record.path} path`, '', `deployment ${namespace}/${name}: migration ${record.id} in progress (${from} → ${to}); rerun without --dry-run to continue`);
    if (o.stopAfterStart === true) return end('started', `migration ${record.id} is already in progress on the ${record.path} path`);
    emit('info', `resuming migration ${record.id} (${record.path} path, ${from} → ${to})`);
  }

  const deadline = startedAt + o.timeoutMs;
  let abort: string | null = null;
  for (;;) {
    if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new TrackerError('INTERNAL', 'the migration was cancelled', { hint: 'rerun the same command to continue' });
    record = findRecord(obs) ?? record;
    lowestReady = sampleReady(obs, record, lowestReady);
    const step = nextStep({ observed: obs, proposed: findRecord(obs) === null ? proposed : null, abort });
    if (step.kind === 'done') {
      // Inside the loop there was a migration to make: once its record is off the cluster the planner
      // sees a Deployment that already has the new selector, which is this run's success.
      const outcome = end('migrated', step.describe);
      await o.journal?.finished(outcome, obs.deployment);
      return outcome;
    }
    if (step.kind === 'failed' || step.kind === 'blocked') {
      const outcome = end(step.kind, step.reason, step.hint);
      await o.journal?.finished(outcome, null);
      return outcome;
    }
    if (clock.now() >= deadline) return end('timeout', `timed out after ${Math.round(o.timeoutMs / 1000)} s waiting: ${step.describe}`, 'rerun the same command to continue from where it stopped');
    if (step.kind === 'write') {
      emit('write', `${step.name}: ${step.describe}`);
      const answer = await o.api.send(step.call, signal);
      if (answer === 'ok') writes.push(step.name);
      else emit('info', `${step.name}: ${answer} (observing again)`);
      if (o.stopAfterStart === true && answer === 'ok' && step.name === 'start') return end('started', `migration ${o.intent.id} started on the ${path ?? ''} path`);
    } else {
      emit('wait', `waiting: ${step.describe}`);
      if (step.on === 'rollout') {
        const target = step.object.slice('deployment/'.length);
        const r = await waitForRollouts({ http: o.api.client.http, targets: [{ kind: 'Deployment', namespace, name: target }], timeoutMs: Math.max(1, deadline - clock.now()), notFoundGraceMs: 5_000, ...(o.rules ? { rules: o.rules } : {}), clock, signal });
        const w = r.workloads[0];
        if (r.result === 'failed' && w !== undefined && abort === null) {
          abort = `deployment/${target} failed: ${w.diagnosis ? `${w.diagnosis.code} — ${w.diagnosis.message}` : `${w.reason}: ${w.message}`}`;
          emit('warning', `${abort}; returning to full coverage`);
        }
        if (r.result !== 'succeeded') await sleep(pollMs, clock, signal);
      } else await sleep(pollMs, clock, signal);
    }
    obs = await observe(o.api, namespace, name, copyName, useSlices, clock.now, signal);
  }
}

/** sampleReady lowers `lowest` to the fewest ready endpoints behind a Service that selects the old or new pods. */
function sampleReady(obs: Observed, record: MigrationRecord | null, lowest: number | null): number | null {
  if (record === null) return lowest;
  const affected = servicesSelecting(obs, [record.fromTemplateLabels, record.toTemplateLabels]);
  let out = lowest;
  for (const s of affected) out = Math.min(out ?? Number.POSITIVE_INFINITY, s.readyPods.length);
  return out;
}
