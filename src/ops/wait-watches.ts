import { createClusterInformers } from '../kube/cluster-informers.ts';
import type { KubeHttp } from '../kube/client.ts';
import { HttpListerWatcher } from '../kube/http-list-watch.ts';
import { Informer } from '../kube/informer.ts';
import { keyOf } from '../kube/keys.ts';
import { collectionPath, resourceName, type TrackedKind } from '../kube/resources.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/log.ts';
import { err, ok } from '../lib/result.ts';
import type { WorkloadKind, WorkloadTarget } from '../model/release.ts';
import { isUnstructured, stringField, type Unstructured } from '../track/status/fields.ts';
import type { ClusterRecords } from './workload-view.ts';

/** RawWorkload is a workload object kept whole, keyed like a record. */
export interface RawWorkload {
  readonly namespace: string;
  readonly name: string;
  readonly resourceVersion: string;
  readonly object: Unstructured;
}

/**
 * Watches is the waiter's view of the cluster: whole workload objects (the status rules read
 * fields the records leave out) plus the records of their ReplicaSets/ControllerRevisions, Pods
 * and Events — one LIST+WATCH per kind and namespace.
 * - `start` runs every watch until `signal` aborts; resolves once all stopped.
 * - `onChange` handlers run after any watched object changed (no payload: re-read everything).
 * - `workload` returns null for a missing object, and until the first LIST.
 */
export interface Watches {
  start(signal: AbortSignal): Promise<void>;
  hasSynced(): boolean;
  onChange(fn: () => void): void;
  workload(t: WorkloadTarget): Unstructured | null;
  records(): ClusterRecords;
}

/** buildWatches builds (without I/O) the watches for `targets`: their namespaces and only the kinds they need. */
export function buildWatches(http: KubeHttp, targets: readonly WorkloadTarget[], logger: Logger, clock: Clock): Watches {
  const namespaces = [...new Set(targets.map((t) => t.namespace))];
  const kinds = [...new Set(targets.map((t) => t.kind))];
  const helperKinds: TrackedKind[] = [...(kinds.includes('Deployment') ? (['ReplicaSet'] as const) : []), ...(kinds.some((k) => k !== 'Deployment') ? (['ControllerRevision'] as const) : []), 'Pod', 'Event'];
  const helpers = createClusterInformers({ http, namespaces, kinds: helperKinds, logger, clock });
  const raw = new Map<string, Informer<RawWorkload>>();
  for (const kind of kinds)
    for (const namespace of namespaces.filter((ns) => targets.some((t) => t.kind === kind && t.namespace === ns)))
      raw.set(`${kind}/${namespace}`, rawInformer(http, kind, namespace, logger, clock));
  return {
    async start(signal) {
      await Promise.all([helpers.start(signal), ...[...raw.values()].map((i) => i.run(signal))]);
    },
    hasSynced: () => helpers.hasSynced() && [...raw.values()].every((i) => i.hasSynced()),
    onChange(fn) {
      helpers.onDelta(fn);
      for (const i of raw.values()) i.addHandler(fn);
    },
    workload(t) {
      return raw.get(`${t.kind}/${t.namespace}`)?.store.get(keyOf(t.namespace, t.name))?.object ?? null;
    },
    records: () => ({ replicaSets: helpers.list('ReplicaSet'), revisions: helpers.list('ControllerRevision'), pods: helpers.list('Pod'), events: helpers.list('Event') }),
  };
}

/** rawInformer watches one workload kind in one namespace, keeping the objects whole (with kind/apiVersion, which LIST items lack). */
function rawInformer(http: KubeHttp, kind: WorkloadKind, namespace: string, logger: Logger, clock: Clock): Informer<RawWorkload> {
  const lw = new HttpListerWatcher(http, { path: collectionPath(kind, namespace), resource: resourceName(kind), namespace, clock });
  return new Informer<RawWorkload>(lw, {
    description: `${kind} in ${namespace}`,
    logger: logger.child({ kind, namespace }),
    clock,
    project: (obj) => {
      if (!isUnstructured(obj) || stringField(obj, 'metadata.name') === '') return err(`${kind} without metadata.name`);
      return ok({ namespace: stringField(obj, 'metadata.namespace'), name: stringField(obj, 'metadata.name'), resourceVersion: stringField(obj, 'metadata.resourceVersion'), object: { ...obj, kind, apiVersion: 'apps/v1' } });
    },
  });
}

