import { findCanary } from '../../canary/plan.ts';
import { ACTIVE_LABEL, commandOf, isFinal } from '../../canary/record.ts';
import type { ClusterDelta, ClusterInformers } from '../../kube/cluster-informers.ts';
import type { LeaseLock } from '../../kube/lease.ts';
import { realClock, type Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/log.ts';
import { prometheusClient, type PrometheusClient } from '../../prometheus/client.ts';
import type { FailFastRules } from '../../track/status/fail-fast.ts';
import type { WorkloadRecord } from '../../model/records.ts';
import { stringField, type Unstructured } from '../../track/status/fields.ts';
import type { MigrationApi } from '../migration/api.ts';
import { cacheLoop } from '../runtime/cache-loop.ts';
import type { Runnable } from '../runtime/runnable.ts';
import { runCanary } from './controller.ts';
import { HEARTBEAT_MS, runHeartbeat } from './heartbeat.ts';

/** CanaryRunnableOptions configures the `serve` side of `rollscope canary`. */
export interface CanaryRunnableOptions {
  readonly api: MigrationApi;
  /**
   * The process's shared watch cache of Deployments (the tracker's informers, over the same
   * namespaces), or null while it does not run. The driver observes only through it: no list or
   * watch of its own.
   */
  readonly cache: () => WatchedDeployments | null;
  /** This driver's id in the canaries' claims (`serve-<identity>`). */
  readonly identity: string;
  /** How long this driver's claim on a canary holds without renewal. If unset, 15 s. */
  readonly leaseMs?: number;
  /** How often to look again at the cache when nothing changed (no request). If unset, 2 s. */
  readonly intervalMs?: number;
  /** The heartbeat Lease (heartbeat.ts) the CLI reads to attach instead of driving; none: no heartbeat. */
  readonly heartbeat?: LeaseLock;
  /** How long one heartbeat holds (renewed every third of it). If unset, HEARTBEAT_MS (10 minutes). */
  readonly heartbeatMs?: number;
  /** Prometheus client of a recorded URL. If unset, prometheusClient(url). */
  readonly prometheusFor?: (url: string) => PrometheusClient;
  readonly rules?: FailFastRules;
  readonly logger: Logger;
  readonly clock?: Clock;
}

/** WatchedDeployments is what the driver reads of a shared watch cache. */
export type WatchedDeployments = Pick<ClusterInformers, 'hasSynced' | 'onDelta' | 'list'>;

/** canaryMeta is the part of a watched Deployment the canary record lives in, as an object (canary/record.ts reads annotations). */
export function canaryMeta(d: WorkloadRecord): Unstructured {
  return { metadata: { namespace: d.namespace, name: d.name, resourceVersion: d.resourceVersion, labels: d.labels, annotations: d.annotations } };
}

/** activeChange tells whether a change concerns a stable Deployment labelled ACTIVE_LABEL (now or before it). */
function activeChange(d: ClusterDelta): boolean {
  if (d.kind !== 'Deployment') return false;
  const o = d.delta.object;
  return ('labels' in o && o.labels[ACTIVE_LABEL] !== undefined) || (d.previous !== undefined && d.previous.labels[ACTIVE_LABEL] !== undefined);
}

/** needsDriver tells whether a stable Deployment's canary has work for a driver: running, or a command not yet acted on (a retry). */
export function needsDriver(stable: Unstructured): boolean {
  const found = findCanary(stable);
  if (found === null) return false;
  const cmd = commandOf(stable);
  return !isFinal(found.status.phase) || (cmd !== null && cmd.id !== found.status.handledCommand);
}

/**
 * canaryRunnable drives every canary recorded on the cluster to its end: it looks at the stable
 * Deployments labelled ACTIVE_LABEL (record.ts) in the shared watch cache — whenever one of them
 * changes, and every interval (a resync from the cache, no request) — and runs the canary
 * controller (controller.ts) for each that is not running here yet: those a `rollscope canary`
 * recorded for it to drive (it saw this heartbeat), those whose CLI was killed or detached, those a
 * previous leader left half-way. Everything a driver needs is on the cluster: the record holds the
 * steps, the analysis and the Prometheus URL. A canary another driver holds is followed until that
 * claim runs out. Leader-only: a standby replica neither drives nor beats.
 */
export function canaryRunnable(o: CanaryRunnableOptions): Runnable {
  const clock = o.clock ?? realClock;
  const leaseMs = o.leaseMs ?? 15_000;
  const clients = new Map<string, PrometheusClient>();
  const promFor = (url: string): PrometheusClient => {
    let c = clients.get(url);
    if (c === undefined) clients.set(url, (c = (o.prometheusFor ?? prometheusClient)(url)));
    return c;
  };
  return {
    name: 'canary',
    leaderOnly: true,
    async run(signal) {
      const beat = o.heartbeat === undefined ? Promise.resolve() : runHeartbeat({ lock: o.heartbeat, identity: o.identity, durationMs: o.heartbeatMs ?? HEARTBEAT_MS, clock, logger: o.logger }, signal);
      const running = new Map<string, Promise<void>>();
      /**
       * Label removals by key: the resourceVersion each was sent for, and whether it is in flight. A
       * look neither sends a second one while one is in flight (the watch brings the Deployment's
       * own status writes meanwhile) nor repeats one that succeeded for the version it still sees
       * (the watch has not brought the result yet); a failed one is tried again at the next look.
       */
      const unlabelling = new Map<string, { readonly rv: string; inFlight: boolean; readonly sent: Promise<void> }>();
      const drive = (stable: Unstructured): void => {
        const namespace = stringField(stable, 'metadata.namespace');
        const name = stringField(stable, 'metadata.name');
        const key = `${namespace}/${name}`;
        if (running.has(key)) return;
        const found = findCanary(stable);
        if (found === null || !needsDriver(stable)) {
          // finished (or not ours): drop the label so it is not looked at again (guarded: a new start wins)
          const rv = stringField(stable, 'metadata.resourceVersion');
          const earlier = unlabelling.get(key);
          if (earlier !== undefined && (earlier.inFlight || earlier.rv === rv)) return;
          const sent = o.api
            .send({ method: 'PATCH', path: `/apis/apps/v1/namespaces/${namespace}/deployments/${name}`, patchType: 'merge', body: { metadata: { resourceVersion: rv, labels: { [ACTIVE_LABEL]: null } } } }, signal)
            .then((r) => {
              entry.inFlight = false;
              if (r !== 'ok') unlabelling.delete(key); // changed meanwhile (a new start wins) or gone: look again
            })
            .catch((e: unknown) => {
              unlabelling.delete(key);
              if (!signal.aborted) o.logger.warn('cannot drop the active label of a finished canary; looking again at its next change', { namespace, name, error: e instanceof Error ? e.message : String(e) });
            });
          const entry = { rv, inFlight: true, sent };
          unlabelling.set(key, entry);
          return;
        }
        const url = found.record.prometheus ?? null;
        o.logger.info('driving canary', { namespace, name, id: found.record.id, phase: found.status.phase, holder: found.status.holder, prometheus: url });
        const work = runCanary(namespace, name, {
          api: o.api,
          prometheus: url === null ? null : promFor(url),
          driver: { id: o.identity, leaseMs },
          proposed: null,
          timeoutMs: 24 * 3600_000, // ends earlier with the canary; after that it is looked at again
          ...(o.rules ? { rules: o.rules } : {}),
          clock,
          signal,
          onEvent: (e) => (e.kind === 'warning' ? o.logger.warn(e.text, { namespace, name }) : o.logger.info(e.text, { namespace, name, kind: e.kind, phase: e.status?.phase })),
        })
          .then((r) => o.logger.info('canary run ended', { namespace, name, result: r.result, reason: r.reason }))
          .catch((e: unknown) => o.logger.warn('canary run interrupted; it resumes on the next look', { namespace, name, error: e instanceof Error ? e.message : String(e) }))
          .finally(() => running.delete(key)); // looked at again at the next change or resync (not at once: a run that fails at once would spin)
        running.set(key, work);
      };
      const loop = cacheLoop<WatchedDeployments, ClusterDelta>({
        cache: o.cache,
        relevant: activeChange,
        resyncMs: o.intervalMs ?? 2_000,
        clock,
        look: async (cache) => {
          for (const d of cache.list('Deployment')) if (d.labels[ACTIVE_LABEL] === 'true') drive(canaryMeta(d));
        },
        onError: (e) => o.logger.warn('cannot look for canaries to drive', { error: e instanceof Error ? e.message : String(e) }),
      });
      await loop.run(signal);
      await Promise.allSettled([...running.values(), beat, ...[...unlabelling.values()].map((u) => u.sent)]);
    },
  };
}
