import { analysisOf, findCanary, measurementWrite, nextStep, type Driver, type Observed, type Step } from '../../canary/plan.ts';
import type { CanaryRecord, CanaryStatus } from '../../canary/record.ts';
import { realClock, type Clock } from '../../lib/clock.ts';
import { FIRST_SYNC_DEADLINE_MS, waitForRollouts } from '../../ops/waiter.ts';
import { isTrackerError } from '../../lib/errors.ts';
import type { PrometheusClient } from '../../prometheus/client.ts';
import type { FailFastRules } from '../../track/status/fail-fast.ts';
import { stringField, type Unstructured } from '../../track/status/fields.ts';
import type { MigrationApi } from '../migration/api.ts';
import { waitForChange } from './change-watch.ts';
import { measure } from './measure.ts';

/**
 * The canary controller: the thin shell around canary/plan.ts. It observes the stable, canary and
 * baseline Deployments, asks the planner for the next step, takes it (one API call, a rollout
 * wait with the waiter of `rollscope wait`, a round of Prometheus queries, or a sleep), and
 * repeats until the canary is promoted or aborted, the caller's timeout passes, or the signal
 * detaches it. Nothing a rerun needs is kept in memory: record and status are annotations on the
 * stable Deployment. The CLI runs this for one Deployment; `serve` can run it as a leader-only
 * Runnable. While another driver holds the canary, this one only follows its progress and takes
 * over when that driver's claim runs out (it died).
 */

/** CanaryEvent is one progress line. */
export interface CanaryEvent {
  readonly namespace: string;
  readonly name: string;
  readonly kind: 'write' | 'wait' | 'measure' | 'info' | 'warning';
  readonly text: string;
  readonly status: CanaryStatus | null;
}

/** CanaryRunOptions configures one run for one Deployment. */
export interface CanaryRunOptions {
  readonly api: MigrationApi;
  readonly prometheus: PrometheusClient | null;
  readonly driver: Driver;
  /** The canary to start; null to continue (or follow) the one on the cluster. */
  readonly proposed: CanaryRecord | null;
  readonly timeoutMs: number;
  readonly rules?: FailFastRules;
  /** Poll interval for waits that are not watched (a canary being deleted). If unset, 1 s. Pauses, analysis intervals and held canaries are watched instead (waitForChange): a command or another driver's write wakes them at once. */
  readonly pollMs?: number;
  readonly clock?: Clock;
  readonly signal?: AbortSignal;
  readonly onEvent?: (e: CanaryEvent) => void;
  /**
   * Attach instead of drive (a `serve` leads, heartbeat.ts): a proposed canary is recorded
   * unclaimed for that driver to pick up, and the run only follows the driver's progress, never
   * writing a step. If the canary stays unclaimed this long (no driver picked it up, or its driver
   * died and nobody took over), the run drives it itself from then on. Unset: drive.
   */
  readonly attachGraceMs?: number;
}

/** CanaryRunResult is how a run ended. */
export type CanaryRunResult = 'promoted' | 'aborted' | 'timeout' | 'not-found' | 'blocked' | 'detached' | 'idle';

/** CanaryRunOutcome is the `-o json` shape of a run. */
export interface CanaryRunOutcome {
  readonly namespace: string;
  readonly name: string;
  readonly result: CanaryRunResult;
  readonly reason: string;
  readonly hint: string;
  readonly id: string | null;
  readonly status: CanaryStatus | null;
  /** API requests and Prometheus queries this run sent (the benchmark divides by steps). */
  readonly apiRequests: number;
  readonly promQueries: number;
  readonly durationMs: number;
}

/** exitCodeOfCanary: 0 promoted, 1 aborted or blocked, 2 timeout, 4 not found / no canary, 0 detached. */
export function exitCodeOfCanary(r: CanaryRunResult): number {
  return r === 'promoted' || r === 'detached' ? 0 : r === 'aborted' || r === 'blocked' ? 1 : r === 'timeout' ? 2 : 4;
}

const deploymentPath = (ns: string, name: string): string => `/apis/apps/v1/namespaces/${ns}/deployments/${name}`;

/** observeCanary reads the three Deployments (kind and apiVersion set, as the status engine wants them). */
export async function observeCanary(api: MigrationApi, ns: string, name: string, now: () => number, signal: AbortSignal): Promise<Observed> {
  const read = async (n: string): Promise<Unstructured | null> => {
    const d = await api.get(deploymentPath(ns, n), { verb: 'get', resource: 'deployments.apps', namespace: ns }, signal);
    return d === null ? null : { ...d, kind: 'Deployment', apiVersion: 'apps/v1' };
  };
  const [stable, canary, baseline] = await Promise.all([read(name), read(`${name}-canary`), read(`${name}-baseline`)]);
  return { namespace: ns, name, stable, canary, baseline, now: now() };
}

/** runCanary drives (or follows) one Deployment's canary to its end (see the file comment). */
export async function runCanary(namespace: string, name: string, o: CanaryRunOptions): Promise<CanaryRunOutcome> {
  const clock = o.clock ?? realClock;
  const signal = o.signal ?? new AbortController().signal;
  const pollMs = o.pollMs ?? 1000;
  const startedAt = clock.now();
  const deadline = startedAt + o.timeoutMs;
  let apiRequests = 0;
  const api: MigrationApi = {
    client: o.api.client,
    get: (p, s, sig) => (apiRequests++, o.api.get(p, s, sig)),
    list: (p, s, sig, q) => (apiRequests++, o.api.list(p, s, sig, q)),
    send: (c, sig) => (apiRequests++, o.api.send(c, sig)),
  };
  const promBefore = o.prometheus?.queries() ?? 0;
  let proposed = o.proposed;
  let failure: string | null = null;
  let last = '';
  let status: CanaryStatus | null = null;
  let id: string | null = proposed?.id ?? null;
  const emit = (kind: CanaryEvent['kind'], text: string): void => {
    if (text === last) return;
    last = text;
    o.onEvent?.({ namespace, name, kind, text, status });
  };
  const end = (result: CanaryRunResult, reason: string, hint = ''): CanaryRunOutcome => ({
    namespace,
    name,
    result,
    reason,
    hint,
    id,
    status,
    apiRequests,
    promQueries: (o.prometheus?.queries() ?? 0) - promBefore,
    durationMs: clock.now() - startedAt,
  });
  const nap = (ms: number): Promise<void> => clock.sleep(Math.max(1, Math.min(ms, deadline - clock.now())), signal).catch(() => undefined);
  /** watchNap waits for a change of the stable Deployment or `ms`, whichever comes first (one request). */
  const watchNap = (obs: Observed, ms: number): Promise<void> => {
    apiRequests++;
    const rv = stringField(obs.stable, 'metadata.resourceVersion');
    return waitForChange(o.api, namespace, name, rv, Math.max(1, Math.min(ms, deadline - clock.now())), clock, signal).catch(() => undefined);
  };

  let attaching = o.attachGraceMs !== undefined;
  let unclaimedSince: number | null = null;
  for (;;) {
    if (signal.aborted) return end('detached', 'detached; the canary stays where it is until a driver continues it', `rerun rollscope canary deployment/${name} (or let rollscope serve drive it)`);
    const obs = await observeCanary(api, namespace, name, clock.now, signal);
    const found = findCanary(obs.stable);
    status = found?.status ?? null;
    if (found !== null) id = found.record.id;
    const input = { observed: obs, driver: o.driver, proposed, failure };
    const step: Step = nextStep(input);
    if (step.kind === 'done') return end(step.outcome, step.reason);
    if (step.kind === 'idle') return end('idle', step.reason, `start one: rollscope canary deployment/${name} --image CONTAINER=IMAGE`);
    if (step.kind === 'blocked') return end(obs.stable === null ? 'not-found' : 'blocked', step.reason, step.hint);
    if (clock.now() >= deadline) return end('timeout', `timed out after ${Math.round(o.timeoutMs / 1000)} s: ${step.kind === 'paused' ? step.reason : step.describe}`, `the canary stays where it is; rerun rollscope canary deployment/${name} to continue, or promote/abort it`);
    if (attaching) {
      if (step.kind === 'write' && step.name === 'start') {
        // recorded unclaimed (holder '', claim already over): the leading driver claims it on its next look
        const start = nextStep({ ...input, driver: { id: '', leaseMs: 0 } });
        if (start.kind === 'write') {
          emit('write', `${start.describe}, for the leading rollscope serve to drive`);
          if ((await api.send(start.call, signal)) === 'ok') proposed = null;
        }
        continue;
      }
      if (step.kind === 'held') {
        unclaimedSince = null;
        emit('info', `${step.by}: ${found!.status.message}`);
        await watchNap(obs, step.until - clock.now() + 50);
        continue;
      }
      unclaimedSince ??= clock.now();
      if (clock.now() - unclaimedSince < o.attachGraceMs!) {
        emit('info', `waiting for the leading rollscope serve to pick up canary ${id ?? ''}`);
        await watchNap(obs, Math.min(1000, unclaimedSince + o.attachGraceMs! - clock.now()));
        continue;
      }
      attaching = false;
      emit('warning', `no driver picked up canary ${id ?? ''} within ${Math.round(o.attachGraceMs! / 1000)} s (is namespace ${namespace} in serve's scope?); driving it from here`);
      continue;
    }
    switch (step.kind) {
      case 'write': {
        emit('write', step.describe);
        const answer = await api.send(step.call, signal);
        if (answer === 'ok' && step.name === 'start') proposed = null;
        if (answer === 'ok' && step.name === 'abort') failure = null;
        if (answer !== 'ok') emit('info', `${step.name}: ${answer}; observing again`);
        break;
      }
      case 'measure': {
        const rec = found!.record;
        const a = analysisOf(rec);
        if (a === null || o.prometheus === null) {
          emit('warning', 'the analysis needs Prometheus: pass --prometheus URL');
          await nap(pollMs);
          break;
        }
        const ms = await measure(o.prometheus, rec, a, step.metrics, step.step, clock.now, signal);
        for (const m of ms) emit('measure', `${m.verdict}: ${m.reason}`);
        const w = measurementWrite(input, ms);
        if (w !== null && w.kind === 'write') await api.send(w.call, signal);
        else if (w !== null && w.kind === 'sleep') await watchNap(obs, w.until - clock.now()); // a command wakes it at once
        break;
      }
      case 'wait': {
        emit('wait', `waiting: ${step.describe}`);
        if (step.on === 'rollout') {
          const target = step.object.slice('deployment/'.length);
          const budget = Math.max(1, Math.min(deadline - clock.now(), o.driver.leaseMs / 2));
          const r = await waitForRollouts({ http: o.api.client.http, targets: [{ kind: 'Deployment', namespace, name: target }], timeoutMs: budget, notFoundGraceMs: 5_000, ...(o.rules ? { rules: o.rules } : {}), clock, signal }).catch((e: unknown) => {
            if (signal.aborted) return null;
            // a wait shorter than the waiter's first-sync deadline is cut to renew the claim, not a
            // sign of an unavailable API server: observe again (the reads say if it is down)
            if (isTrackerError(e) && e.code === 'KUBE_UNAVAILABLE' && budget < FIRST_SYNC_DEADLINE_MS) return null;
            throw e;
          });
          const wl = r?.workloads[0];
          if (r?.result === 'failed' && wl !== undefined) {
            failure = `deployment ${target} failed: ${wl.diagnosis ? `${wl.diagnosis.code} — ${wl.diagnosis.message}` : `${wl.reason}: ${wl.message}`}`;
            emit('warning', failure);
          }
        } else await nap(pollMs);
        break;
      }
      case 'sleep':
        emit('wait', step.describe);
        await watchNap(obs, step.until - clock.now());
        break;
      case 'held':
        emit('info', `${step.describe}; following its progress`);
        await watchNap(obs, step.until - clock.now() + 50);
        break;
      case 'paused':
        emit('info', `${step.reason} — rollscope canary promote|abort deployment/${name}`);
        // a paused canary renews its claim every leaseMs / 2 (the planner asks for it)
        await watchNap(obs, Math.max(pollMs, found!.status.holderUntil - clock.now() - o.driver.leaseMs / 2));
        break;
    }
  }
}
