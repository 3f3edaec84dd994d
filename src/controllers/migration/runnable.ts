import { realClock, type Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/log.ts';
import { MIGRATION_LABEL } from '../../migration/record.ts';
import { formatSelector } from '../../migration/selector.ts';
import type { MigrationApi } from './api.ts';
import { migrateDeployment, type MigrationJournal } from './controller.ts';
import { inProgress } from './targets.ts';
import { cacheLoop } from '../runtime/cache-loop.ts';
import type { Runnable } from '../runtime/runnable.ts';
import type { ClusterDelta, ClusterInformers } from '../../kube/cluster-informers.ts';
import type { ReplicaSetRecord, WorkloadRecord } from '../../model/records.ts';
import type { Unstructured } from '../../track/status/fields.ts';

/** MigrationRunnableOptions configures the `serve` side of migrate-selector. */
export interface MigrationRunnableOptions {
  readonly api: MigrationApi;
  /**
   * The process's shared watch cache of Deployments and ReplicaSets (the tracker's informers, over
   * the same namespaces), or null while it does not run. The driver observes only through it: no
   * list or watch of its own.
   */
  readonly cache: () => WatchedMigrations | null;
  /** Where backups go (only a migration started here writes them; resumed ones were backed up at start). */
  readonly backupDir: string;
  /** How often to look again at the cache when nothing changed (no request). If unset, 5 s. */
  readonly intervalMs?: number;
  /** Per-migration limit before it is left for the next look (it resumes). If unset, 10 minutes. */
  readonly timeoutMs?: number;
  /** At most this many at once. If unset, 3. */
  readonly concurrency?: number;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Where a finished migration is recorded (the ledger). */
  readonly journal?: MigrationJournal;
}

/** WatchedMigrations is what the driver reads of a shared watch cache. */
export type WatchedMigrations = Pick<ClusterInformers, 'hasSynced' | 'onDelta' | 'list'>;

/** migrationMeta is the part of a watched object a migration record lives in (migration/record.ts reads annotations). */
function migrationMeta(o: WorkloadRecord | ReplicaSetRecord): Unstructured {
  return { metadata: { namespace: o.namespace, name: o.name, resourceVersion: o.resourceVersion, labels: o.labels, annotations: o.annotations } };
}

/** migrationChange tells whether a change concerns a Deployment or ReplicaSet labelled MIGRATION_LABEL (now or before it). */
function migrationChange(d: ClusterDelta): boolean {
  if (d.kind !== 'Deployment' && d.kind !== 'ReplicaSet') return false;
  const o = d.delta.object;
  return ('labels' in o && o.labels[MIGRATION_LABEL] !== undefined) || (d.previous !== undefined && d.previous.labels[MIGRATION_LABEL] !== undefined);
}

/**
 * migrationRunnable drives every selector migration whose record is on the cluster to its end —
 * those started through the API (which only runs the pre-flight and writes the record) and those
 * a crashed CLI or a previous leader left half-way. It looks at the Deployments and ReplicaSets
 * labelled MIGRATION_LABEL in the shared watch cache whenever one of them changes, when poked, and
 * every interval (a resync from the cache, no request). Leader-only: two drivers of one migration
 * would race each other's writes (every write is guarded, but the work would be done twice).
 */
export function migrationRunnable(o: MigrationRunnableOptions): Runnable & { poke(): void } {
  const clock = o.clock ?? realClock;
  let current: { poke(): void } | null = null;
  return {
    /** poke makes the driver look now (the API just started a migration) instead of at the next change or interval. */
    poke: () => current?.poke(),
    name: 'migrate-selector',
    leaderOnly: true,
    async run(signal) {
      const running = new Map<string, Promise<void>>();
      const loop = cacheLoop<WatchedMigrations, ClusterDelta>({
        cache: o.cache,
        relevant: migrationChange,
        resyncMs: o.intervalMs ?? 5_000,
        clock,
        look: async (cache) => {
          const labelled = <T extends WorkloadRecord | ReplicaSetRecord>(rs: readonly T[]): Unstructured[] => rs.filter((r) => r.labels[MIGRATION_LABEL] !== undefined).map(migrationMeta);
          for (const p of inProgress(labelled(cache.list('Deployment')), labelled(cache.list('ReplicaSet')))) {
            const key = `${p.namespace}/${p.name}`;
            if (running.has(key) || running.size >= (o.concurrency ?? 3)) continue;
            const change = { mode: 'set' as const, matchLabels: p.record.toSelector.matchLabels ?? {} };
            o.logger.info('driving selector migration', { namespace: p.namespace, name: p.name, id: p.record.id, path: p.record.path, to: formatSelector(p.record.toSelector) });
            const work = migrateDeployment(p.namespace, p.name, { api: o.api, intent: { id: p.record.id, change }, dryRun: false, force: false, backupDir: o.backupDir, ...(o.journal === undefined ? {} : { journal: o.journal }), timeoutMs: o.timeoutMs ?? 600_000, clock, signal, onEvent: (e) => o.logger.info(e.text, { namespace: e.namespace, name: e.name, kind: e.kind }) })
              .then((r) => o.logger.info('selector migration ended', { namespace: r.namespace, name: r.name, result: r.result, reason: r.reason }))
              .catch((e: unknown) => o.logger.warn('selector migration interrupted; it resumes on the next look', { namespace: p.namespace, name: p.name, error: e instanceof Error ? e.message : String(e) }))
              .finally(() => running.delete(key));
            running.set(key, work);
          }
        },
        onError: (e) => o.logger.warn('cannot look for selector migrations', { error: e instanceof Error ? e.message : String(e) }),
      });
      current = loop;
      try {
        await loop.run(signal);
      } finally {
        current = null;
      }
      await Promise.allSettled(running.values());
    },
  };
}
