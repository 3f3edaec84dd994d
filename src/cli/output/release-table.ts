import type { Instant } from '../../lib/clock.ts';
import type { ListedRelease, WorkloadKind } from '../../model/release.ts';
import { formatAge, formatDuration } from '../../model/duration.ts';
import { formatTable } from './table.ts';
import { triggerText } from '../../model/trigger-text.ts';

/** ReleaseTableOptions says which columns a release table shows. */
export interface ReleaseTableOptions {
  /** `-o wide`: add NAMESPACE, KIND, NAME before and ID, CHANGE-CAUSE after the normal columns. */
  readonly wide: boolean;
  /** Add a WORKLOAD column (`deployment/web`) when the rows span several workloads. Ignored when wide. */
  readonly workloadColumn: boolean;
  /** Add a NAMESPACE column (like `kubectl get -A`). Ignored when wide. */
  readonly namespaceColumn: boolean;
  /** Add a CLUSTER column first (rows from a ledger several trackers share). If unset, false. Also when wide. */
  readonly clusterColumn?: boolean;
  /** The current time, for STARTED ages and running durations. */
  readonly now: Instant;
}

/** spansClusters tells whether releases come from more than one cluster (then tables show a CLUSTER column). */
export function spansClusters(releases: readonly ListedRelease[]): boolean {
  return releases.some((r) => r.workload.cluster !== releases[0]?.workload.cluster);
}

/** resourceName is kubectl's `TYPE.GROUP` for a workload kind, e.g. `deployment.apps`. */
export function resourceName(kind: WorkloadKind): string {
  return `${kind.toLowerCase()}.apps`;
}

const isActive = (r: ListedRelease): boolean => r.outcome === 'progressing' || r.outcome === 'paused';

/** actorText shows who changed the template: `user (manager)` when a user is known, else the manager. */
export function actorText(r: ListedRelease): string {
  return r.actor.user === undefined ? r.actor.manager : `${r.actor.user} (${r.actor.manager})`;
}

/** durationText is the rollout's duration when finished, the time so far while active, else `-`. */
export function durationText(r: ListedRelease, now: Instant): string {
  if (r.finishedAt !== null) return formatDuration(r.finishedAt - r.startedAt);
  return isActive(r) ? formatDuration(now - r.startedAt) : '-';
}

/**
 * formatReleaseTable renders releases as `rollscope history` shows them: RELEASE, REVISION, TRIGGER,
 * IMAGES, ACTOR, STARTED (age), DURATION, OUTCOME, REASON (the failure's Kubernetes reason), in the
 * order given. Empty values show as `<none>` (kubectl's convention) or `-`.
 */
export function formatReleaseTable(releases: readonly ListedRelease[], o: ReleaseTableOptions): string {
  const core = ['RELEASE', 'REVISION', 'TRIGGER', 'IMAGES', 'ACTOR', 'STARTED', 'DURATION', 'OUTCOME', 'REASON'];
  const cluster = o.clusterColumn === true;
  const header = [
    ...(cluster ? ['CLUSTER'] : []),
    ...(o.wide
      ? ['NAMESPACE', 'KIND', 'NAME', ...core, 'ID', 'CHANGE-CAUSE']
      : [...(o.namespaceColumn ? ['NAMESPACE'] : []), ...(o.workloadColumn ? ['WORKLOAD'] : []), ...core]),
  ];
  const rows = releases.map((r) => {
    const cells = [
      String(r.releaseNumber),
      r.revision ?? '<none>',
      triggerText(r),
      r.images.map((i) => i.image).join(',') || '<none>',
      actorText(r),
      `${formatAge(o.now - r.startedAt)} ago`,
      durationText(r, o.now),
      r.outcome,
      r.failure?.reason ?? '',
    ];
    const w = r.workload;
    const first = cluster ? [w.cluster] : [];
    if (o.wide) return [...first, w.namespace, w.kind, w.name, ...cells, r.id, r.changeCause ?? '<none>'];
    return [...first, ...(o.namespaceColumn ? [w.namespace] : []), ...(o.workloadColumn ? [`${w.kind.toLowerCase()}/${w.name}`] : []), ...cells];
  });
  return formatTable(header, rows);
}
