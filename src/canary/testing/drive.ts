// Drives the pure canary planner against the model cluster of the migration tests (Deployments,
// ReplicaSets with ControllerRef adoption, pods ready one tick after creation), with a scripted
// analysis instead of Prometheus and a manual clock. Used by plan.test.ts; the e2e tests use the
// simulator and a real Prometheus.
import { judge, type RawMeasurement } from '../analysis/judge.ts';
import { validateAnalysis } from '../analysis/schema.ts';
import { ModelCluster } from '../../migration/testing/model-cluster.ts';
import type { Unstructured } from '../../track/status/fields.ts';
import { analysisOf, measurementWrite, nextStep, type Driver, type Observed, type Step } from '../plan.ts';
import { proposeCanary } from '../propose.ts';
import type { CanaryRecord, Measurement } from '../record.ts';
import { buildSteps, type PlanFlags } from '../steps.ts';

export const NS = 'shop';

/** cluster builds the model with a stable `web` (4 × web:1, selector app=web) behind Service web. */
export function cluster(replicas = 4): ModelCluster {
  const c = new ModelCluster();
  c.addDeployment('web', { app: 'web' }, { app: 'web' }, replicas);
  c.services.set('web', { app: 'web' });
  return c;
}

/** ANALYSIS is a one-metric analysis: success rate ≥ 0.99 passes, < 0.95 fails, 10 s apart, 2 needed. */
export const ANALYSIS = { trafficFloor: 1, metrics: [{ name: 'success-rate', builtin: 'success-rate', successCondition: 'result >= 0.99', failureCondition: 'result < 0.95', interval: '10s', count: 2, inconclusiveLimit: 0 }] };

/** propose builds a record for `web` → web:2. */
export function propose(c: ModelCluster, flags: PlanFlags, analysis: unknown, now: number, id = 'c1'): CanaryRecord {
  const steps = buildSteps(flags);
  if (!steps.ok) throw new Error(steps.error);
  const a = analysis === null ? null : validateAnalysis(analysis);
  if (a !== null && !a.ok) throw new Error(a.error.join('; '));
  return proposeCanary({ id, stable: c.deployments.get('web') as Unstructured, images: { app: 'web:2' }, steps: steps.value, analysis, baseline: false, services: [...c.services].map(([name, selector]) => ({ name, selector })), hpaReplicas: null, now });
}

export function observe(c: ModelCluster, now: number): Observed {
  const get = (n: string): Unstructured | null => (c.deployments.has(n) ? (structuredClone(c.deployments.get(n)) as Unstructured) : null);
  return { namespace: NS, name: 'web', stable: get('web'), canary: get('web-canary'), baseline: get('web-baseline'), now };
}

/** Script answers a measurement of the canary: its value and request rate. */
export type Script = (stepIndex: number, metric: string, now: number) => { value: number | null; rate: number | null; stableValue?: number | null; stableRate?: number | null };

export interface DriveOptions {
  readonly driver?: Driver;
  readonly proposed?: CanaryRecord | null;
  readonly script?: Script;
  /** Stop (as if SIGKILLed) after this many writes. */
  readonly killAfterWrites?: number;
  readonly maxIterations?: number;
}

export interface DriveResult {
  readonly end: Step;
  readonly writes: string[];
  /** (canary, stable) spec.replicas after every write, for flapping checks. */
  readonly replicas: [number, number][];
  readonly killed: boolean;
}

/** Clock is the manual clock shared by the drives of one test. */
export interface Clock {
  now: number;
}

/** drive runs the planner loop the controller runs, against the model, until it stops. */
export function drive(c: ModelCluster, clock: Clock, o: DriveOptions = {}): DriveResult {
  const driver = o.driver ?? { id: 'driver-a', leaseMs: 15_000 };
  const writes: string[] = [];
  const replicas: [number, number][] = [];
  let proposed = o.proposed ?? null;
  const rep = (n: string): number => ((c.deployments.get(n)?.spec as { replicas?: number } | undefined)?.replicas ?? 0);
  const apply = (s: Extract<Step, { kind: 'write' }>): boolean => {
    try {
      c.apply(s.call);
    } catch (e) {
      if (!/^409|^404/.test((e as Error).message)) throw e;
      return false;
    }
    writes.push(s.name);
    replicas.push([rep('web-canary'), rep('web')]);
    return true;
  };
  let last: Step = { kind: 'idle', reason: 'not started' };
  for (let i = 0; i < (o.maxIterations ?? 5000); i++) {
    clock.now += 100;
    const observed = observe(c, clock.now);
    const input = { observed, driver, proposed, failure: null };
    const step = nextStep(input);
    last = step;
    if (step.kind === 'write') {
      if (apply(step) && step.name === 'start') proposed = null;
    } else if (step.kind === 'wait') c.tick();
    else if (step.kind === 'sleep') clock.now = Math.max(clock.now, step.until);
    else if (step.kind === 'measure') {
      const rec = proposed ?? (JSON.parse((observed.stable!.metadata as { annotations: Record<string, string> }).annotations['rollscope.io/canary']!) as CanaryRecord);
      const a = analysisOf(rec)!;
      const ms: Measurement[] = step.metrics.map((name) => {
        const m = a.metrics.find((x) => x.name === name)!;
        const s: ReturnType<Script> = (o.script ?? (() => ({ value: 1, rate: 5 })))(step.step, name, clock.now);
        const raw: RawMeasurement = { query: `q(${name})`, value: s.value, stableQuery: s.stableValue === undefined ? null : `q(${name}, stable)`, stableValue: s.stableValue ?? null, canaryRate: s.rate, stableRate: s.stableRate ?? null, error: null };
        return judge(m, raw, a.trafficFloor, step.step, clock.now);
      });
      const w = measurementWrite(input, ms);
      if (w !== null && w.kind === 'write') apply(w);
      else if (w !== null && w.kind === 'sleep') clock.now = Math.max(clock.now, w.until);
    } else return { end: step, writes, replicas, killed: false };
    if (o.killAfterWrites !== undefined && writes.length >= o.killAfterWrites) return { end: step, writes, replicas, killed: true };
  }
  if (o.maxIterations !== undefined) return { end: last, writes, replicas, killed: true };
  throw new Error('the planner did not stop');
}
