import type { Command } from 'commander';
import { TrackerError } from '../../lib/errors.ts';
import type { ReleaseId } from '../../model/release.ts';
import { undo, type UndoTarget } from '../../ops/actions.ts';
import type { Resolved } from '../../ops/resolve.ts';
import { describeTarget } from '../../ops/workload-target.ts';
import { stringField } from '../../track/status/fields.ts';
import { defaultLedgerUrl, openLedger } from '../../store/open.ts';
import { actionCommand, runAction, type ActionFlags } from './ops-action.ts';

/** UndoFlags are the raw flag values of `rollscope undo`. */
export type UndoFlags = ActionFlags & { readonly toRevision?: string; readonly toRelease?: string; readonly db?: string };

/**
 * runUndo rolls back like `kubectl rollout undo`: to the previous revision, to `--to-revision N`,
 * or to the revision holding the template of ledger release `--to-release ID`.
 */
export async function runUndo(target: string, flags: UndoFlags): Promise<number> {
  if (flags.toRevision !== undefined && flags.toRelease !== undefined)
    throw new TrackerError('USAGE', 'pass either --to-revision or --to-release, not both', { subject: target, hint: 'e.g. rollscope undo deployment/web --to-revision 3' });
  const revision = flags.toRevision === undefined ? 0 : parseRevision(flags.toRevision);
  return runAction('undo', target, flags, async (ctx, r) => undo(ctx, r, flags.toRelease === undefined ? { kind: 'revision', revision } : await releaseTarget(r, flags.toRelease, flags.db)));
}

function parseRevision(text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new TrackerError('USAGE', `--to-revision ${text} is not a revision number`, { subject: '--to-revision', hint: 'pass a revision from kubectl rollout history, e.g. --to-revision 3 (0 = the previous one)' });
  return Number(text);
}

/** releaseTarget looks a release up in the ledger and checks it belongs to the workload being rolled back (same object: namespace, name and uid). */
async function releaseTarget(r: Resolved, id: string, db: string | undefined): Promise<UndoTarget> {
  const ledger = await openLedger(db ?? defaultLedgerUrl(), { mustExist: true });
  try {
    const release = await ledger.getRelease(id as ReleaseId);
    if (release === null)
      throw new TrackerError('NOT_FOUND', `release ${id} is not in the ledger`, { subject: `release ${id}`, hint: `list releases with: rollscope history ${r.target.kind.toLowerCase()}/${r.target.name} -n ${r.target.namespace}` });
    const w = release.workload;
    if (w.kind !== r.target.kind || w.name !== r.target.name || w.namespace !== r.target.namespace)
      throw new TrackerError('INVALID', `release ${id} belongs to ${w.kind.toLowerCase()} ${w.namespace}/${w.name}, not ${describeTarget(r.target)}`, {
        subject: `release ${id}`,
        hint: `run rollscope undo ${w.kind.toLowerCase()}/${w.name} -n ${w.namespace} --to-release ${id}`,
      });
    // The same namespace/name may be another object: a workload of another cluster of a shared
    // ledger, or an earlier incarnation deleted since. Its templates are not this object's history.
    const uid = stringField(r.object, 'metadata.uid');
    if (uid !== '' && w.uid !== uid)
      throw new TrackerError('INVALID', `release ${id} belongs to ${w.kind.toLowerCase()} ${w.namespace}/${w.name} of cluster ${w.cluster} with uid ${w.uid}, not to the object in this cluster (uid ${uid})`, {
        subject: `release ${id}`,
        hint: `pick a release of this object: rollscope history ${w.kind.toLowerCase()}/${w.name} -n ${w.namespace} -o wide --cluster NAME (the name its tracker runs with)`,
      });
    return { kind: 'templateHash', hash: release.templateHash, release: id };
  } finally {
    await ledger.close();
  }
}

/** registerUndo adds `rollscope undo`. */
export function registerUndo(program: Command): void {
  actionCommand(program, 'undo', 'roll back to the previous (or a given) revision, exactly like kubectl rollout undo; --wait to wait for it')
    .option('--to-revision <n>', 'the native revision to roll back to (0 = the previous one)')
    .option('--to-release <id>', 'roll back to the template of this ledger release (see rollscope history)')
    .option('--db <url>', 'ledger for --to-release: sqlite:PATH or postgres://… (default: $ROLLSCOPE_DB, else sqlite:~/.rollscope/ledger.db)')
    .action(async (target: string, flags: UndoFlags) => {
      process.exitCode = await runUndo(target, flags);
    });
}
