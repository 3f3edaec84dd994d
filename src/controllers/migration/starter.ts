import { ulid } from 'ulid';
import type { MigrationRequest, MigrationStarter } from '../../api/deps.ts';
import { TrackerError } from '../../lib/errors.ts';
import { parseChange } from '../../migration/change.ts';
import { parseMinReady } from '../../migration/min-ready.ts';
import type { MigrationApi } from './api.ts';
import { migrateDeployment, type MigrationJournal } from './controller.ts';

/**
 * migrationStarter is the API's way in: it validates the request like the CLI's flags, then runs
 * the controller only up to its first write (pre-flight, backup, the record on the Deployment) —
 * or the whole plan for a dry run. The leader's migration Runnable drives it from there.
 */
export function migrationStarter(api: MigrationApi, backupDir: () => string, onStarted: () => void = () => undefined, journalFor?: (who: string) => MigrationJournal): MigrationStarter {
  return {
    async start(namespace: string, name: string, r: MigrationRequest, who: string) {
      const change = parseChange({ addLabel: [...r.addLabel], removeLabel: [...r.removeLabel], ...(r.setSelector === undefined ? {} : { setSelector: r.setSelector }) });
      if (!change.ok) throw new TrackerError('USAGE', change.error, { subject: `deployment ${namespace}/${name}`, hint: 'send addLabel ["K=V"], removeLabel ["K"] or setSelector "K=V,..."' });
      const minReady = r.minReady === undefined ? undefined : parseMinReady(r.minReady);
      if (minReady !== undefined && !minReady.ok) throw new TrackerError('USAGE', minReady.error, { subject: 'minReady', hint: 'e.g. "2" or "75%"' });
      const outcome = await migrateDeployment(namespace, name, {
        api,
        intent: { id: ulid(), change: change.value, ...(minReady?.ok ? { minReady: minReady.value } : {}) },
        dryRun: r.dryRun === true,
        force: r.force === true,
        backupDir: backupDir(),
        timeoutMs: 60_000,
        stopAfterStart: true,
        ...(journalFor === undefined ? {} : { journal: journalFor(who) }),
      });
      if (outcome.result === 'started') onStarted();
      return { ...outcome };
    },
  };
}
