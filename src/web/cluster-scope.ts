// Which cluster the dashboard shows, for ledgers several trackers share (one per cluster).
import { createContext, useContext } from 'react';

/**
 * ClusterScope is the dashboard's cluster filter. `clusters` are the ledger's clusters (from
 * GET /api/v1/clusters); `current` is the one this server's tracker watches — operator actions go
 * only there; `selected` is the chosen cluster, '' for all of them.
 */
export interface ClusterScope {
  readonly clusters: readonly string[];
  readonly current: string;
  readonly selected: string;
}

/** multiCluster tells whether the ledger holds more than one cluster (then the filter and CLUSTER columns show). */
export const multiCluster = (s: ClusterScope): boolean => s.clusters.length > 1;

/** CLUSTER_KEY keeps the chosen cluster in this browser across reloads. */
export const CLUSTER_KEY = 'rollscope.cluster';

/** ClusterContext carries the scope; before /clusters answers it is one unnamed cluster, no filter. */
export const ClusterContext = createContext<ClusterScope>({ clusters: [], current: '', selected: '' });

/** useClusterScope returns the dashboard's cluster scope. */
export const useClusterScope = (): ClusterScope => useContext(ClusterContext);

/**
 * workloadHref links a workload's page: `#/workload/NS/KIND/NAME`, with `/CLUSTER` appended when the
 * ledger holds several clusters (the same name may exist in each).
 */
export function workloadHref(s: ClusterScope, w: { readonly cluster: string; readonly namespace: string; readonly kind: string; readonly name: string }): string {
  const base = `#/workload/${encodeURIComponent(w.namespace)}/${w.kind.toLowerCase()}/${encodeURIComponent(w.name)}`;
  return multiCluster(s) ? `${base}/${encodeURIComponent(w.cluster)}` : base;
}
