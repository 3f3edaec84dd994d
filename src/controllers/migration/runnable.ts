import { realClock, type Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/log.ts';
import { MIGRATION_LABEL } from '../../migration/record.ts';
import { formatSelector } from '../../migration/selector.ts';
import type { MigrationApi } from './api.ts';
import { migrateDeployment, type MigrationJournal } from './controller.ts';
import { inProgress, listScope } from './targets.ts';
import type { Runnable } from '../runtime/runnable.ts';

/** MigrationRunnableOptions configures the `serve` side of migrate-selector. */
export interface MigrationRunnableOptions {
  readonly api: MigrationApi;
  /** Namespaces to look in; empty = all. */
  readonly namespaces: readonly string[];
  /** Where backups go (only a migration started here writes them; resumed ones were backed up at start). */
  readonly backupDir: string;
  /** How often to look for migrations to drive. If unset, 5 s. */
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

/**
 * migrationRunnable drives every selector migration whose record is on the cluster to its end —
 * those started through the API (which only runs the pre-flight and writes the record) and those
 * a crashed CLI or a previous leader left half-way. Leader-only: two drivers of one migration would
 * race each other's writes (every write is guarded, but the work would be done twice).
 */
export function migrationRunnable(o: MigrationRunnableOptions): Runnable & { poke(): void } {
  const clock = o.clock ?? realClock;
  let nap = new AbortController();
  return {
    /** poke makes the driver look now (the API just started a migration) instead of at the next interval. */
    poke: () => nap.abort(),
    name: 'migrate-selector',
    leaderOnly: true,
    async run(signal) {
      const running = new Map<string, Promise<void>>();
      while (!signal.aborted) {
        try {
          const scopes = o.namespaces.length === 0 ? [null] : o.namespaces;
          for (const ns of scopes) {
            const { deployments, replicaSets } = await listScope(o.api, ns, MIGRATION_LABEL, signal);
            for (const p of inProgress(deployments, replicaSets)) {
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
          }
        } catch (e) {
          if (!signal.aborted) o.logger.warn('cannot look for selector migrations', { error: e instanceof Error ? e.message : String(e) });
        }
        nap = new AbortController();
        const wake = AbortSignal.any([signal, nap.signal]);
        await clock.sleep(o.intervalMs ?? 5_000, wake).catch(() => undefined);
      }
      await Promise.allSettled(running.values());
    },
  };
}
