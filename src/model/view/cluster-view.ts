import { z } from 'zod';

/**
 * The public view of the clusters a ledger holds (`GET /api/v1/clusters`): several trackers, one
 * per cluster, may write to one PostgreSQL, each labelling what it writes with `serve --cluster`.
 */

/** clusterListView lists the clusters of the ledger and names the one this server's tracker watches. */
export const clusterListView = z
  .strictObject({
    current: z.string().describe('the cluster this server was started for (`serve --cluster`); operator actions act on it only'),
    items: z
      .array(z.strictObject({ name: z.string(), workloads: z.number().int().describe('workloads of this cluster in the ledger, deleted ones included') }))
      .describe('every cluster with a workload in the ledger, and `current`, sorted by name'),
  })
  .describe('The clusters of a ledger shared by several trackers');

export type ClusterListView = z.infer<typeof clusterListView>;

/**
 * toClusterListView counts workloads per cluster from the cluster name of each workload; `current`
 * is listed even before its tracker has written anything. Names sort by UTF-16 code unit.
 */
export function toClusterListView(current: string, workloadClusters: Iterable<string>): ClusterListView {
  const counts = new Map<string, number>([[current, 0]]);
  for (const c of workloadClusters) counts.set(c, (counts.get(c) ?? 0) + 1);
  const names = [...counts.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { current, items: names.map((name) => ({ name, workloads: counts.get(name) ?? 0 })) };
}
