import { createClusterInformers, type ClusterInformers } from '../kube/cluster-informers.ts';
import type { WireFormat } from '../kube/protobuf-wire.ts';
import type { KubeHttp } from '../kube/client.ts';
import { keyOf } from '../kube/keys.ts';
import type { TrackedKind } from '../kube/resources.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/log.ts';
import type { WorkloadRecord } from '../model/records.ts';
import type { WorkloadTarget } from '../model/release.ts';
import type { ClusterRecords } from './workload-view.ts';

/**
 * Watches is the waiter's view of the cluster. It holds the same projection records the tracker
 * holds (kube/resources.ts): WorkloadRecords for the workloads — the status rules read them back
 * through track/status/workload-record.ts — plus the records of their ReplicaSets or
 * ControllerRevisions, Pods and Events; no whole object is kept. One LIST+WATCH per kind and
 * namespace; a workload kind is watched only in the namespaces of targets of that kind.
 * - `start` runs every watch until `signal` aborts; resolves once all stopped.
 * - `onChange` handlers run after any watched object changed (no payload: re-read everything).
 * - `workload` returns null for a missing object, and until the first LIST.
 */
export interface Watches {
  start(signal: AbortSignal): Promise<void>;
  hasSynced(): boolean;
  onChange(fn: () => void): void;
  workload(t: WorkloadTarget): WorkloadRecord | null;
  records(): ClusterRecords;
}

/**
 * buildWatches builds (without I/O) the watches for `targets`: their namespaces and only the kinds
 * they need. `wire` is how they are read (protobuf unless told; JSON where the server has none).
 */
export function buildWatches(http: KubeHttp, targets: readonly WorkloadTarget[], logger: Logger, clock: Clock, wire: WireFormat = 'protobuf'): Watches {
  const namespaces = [...new Set(targets.map((t) => t.namespace))];
  const kinds = [...new Set(targets.map((t) => t.kind))];
  const helperKinds: TrackedKind[] = [...(kinds.includes('Deployment') ? (['ReplicaSet'] as const) : []), ...(kinds.some((k) => k !== 'Deployment') ? (['ControllerRevision'] as const) : []), 'Pod', 'Event'];
  const helpers = createClusterInformers({ http, namespaces, kinds: helperKinds, logger, clock, wire });
  const workloads = new Map<WorkloadTarget['kind'], ClusterInformers>();
  for (const kind of kinds) {
    const ofKind = [...new Set(targets.filter((t) => t.kind === kind).map((t) => t.namespace))];
    workloads.set(kind, createClusterInformers({ http, namespaces: ofKind, kinds: [kind], logger, clock, wire }));
  }
  const all = [helpers, ...workloads.values()];
  return {
    async start(signal) {
      await Promise.all(all.map((i) => i.start(signal)));
    },
    hasSynced: () => all.every((i) => i.hasSynced()),
    onChange(fn) {
      for (const i of all) i.onDelta(() => fn());
    },
    workload(t) {
      return workloads.get(t.kind)?.get(t.kind, keyOf(t.namespace, t.name)) ?? null;
    },
    records: () => ({ replicaSets: helpers.list('ReplicaSet'), revisions: helpers.list('ControllerRevision'), pods: helpers.list('Pod'), events: helpers.list('Event') }),
  };
}
