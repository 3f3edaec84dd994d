import type { Clock } from '../../lib/clock.ts';
import { projectTemplate, redactedTemplate } from '../../model/template.ts';
import { CONTINUES_ANNOTATION } from '../../model/release.ts';
import { annotationsOf, stripDeployment, uidOf } from '../../migration/manifests.ts';
import type { LedgerStore } from '../../store/ledger.ts';
import { isUnstructured, type Unstructured } from '../../track/status/fields.ts';
import type { MigrationJournal } from './controller.ts';

/**
 * ledgerJournal records a migration in the ledger's audit trail (operator actions): at the start
 * the record and the original Deployment (its pod template redacted as in releases: no env values)
 * with the backup files; at the end the result, linking the recreated Deployment's UID to the
 * original's. The tracker links the release history itself (CONTINUES_ANNOTATION).
 */
export function ledgerJournal(ledger: LedgerStore, cluster: string, who: string, clock: Clock): MigrationJournal {
  return {
    async started(record, backups, original) {
      const stripped = stripDeployment(original);
      const spec = isUnstructured(stripped.spec) ? stripped.spec : {};
      const t = projectTemplate(spec.template, 'spec.template');
      const redacted: Unstructured = { ...stripped, spec: { ...spec, template: t.ok ? redactedTemplate(t.value) : '<unreadable>' } };
      await ledger.recordAction({
        who,
        action: 'migrate-selector',
        workload: { cluster, namespace: record.namespace, kind: 'Deployment', name: record.name, uid: record.originalUid },
        at: clock.now(),
        result: 'ok',
        detail: { phase: 'started', id: record.id, path: record.path, fromSelector: record.fromSelector, toSelector: record.toSelector, minReady: record.minReady, backups, original: redacted },
      });
    },
    async finished(outcome, recreated) {
      await ledger.recordAction({
        who,
        action: 'migrate-selector',
        workload: { cluster, namespace: outcome.namespace, kind: 'Deployment', name: outcome.name, ...(recreated === null ? {} : { uid: uidOf(recreated) }) },
        at: clock.now(),
        result: outcome.result === 'migrated' ? 'ok' : 'error',
        detail: { phase: 'finished', id: outcome.id, result: outcome.result, reason: outcome.reason, path: outcome.path, from: outcome.from, to: outcome.to, lowestReady: outcome.lowestReady, ...(recreated === null ? {} : { continuesUid: annotationsOf(recreated)[CONTINUES_ANNOTATION] ?? null }) },
      });
    },
  };
}
