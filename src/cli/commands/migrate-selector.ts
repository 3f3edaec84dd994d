import { existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ulid } from 'ulid';
import { migrationApi } from '../../controllers/migration/api.ts';
import { listScope, selectedTargets, type Target } from '../../controllers/migration/targets.ts';
import { defaultBackupDir } from '../../controllers/migration/backup.ts';
import { exitCodeOf, migrateDeployment, type MigrationEvent, type MigrationOutcome } from '../../controllers/migration/controller.ts';
import { ledgerJournal } from '../../controllers/migration/journal.ts';
import { realClock } from '../../lib/clock.ts';
import { TrackerError } from '../../lib/errors.ts';
import type { LedgerStore } from '../../store/ledger.ts';
import { DEFAULT_LEDGER_PATH, defaultLedgerUrl, LEDGER_URL_ENV, openLedger } from '../../store/open.ts';
import { describeChange, parseChange, type SelectorChange } from '../../migration/change.ts';
import { parseMinReady, type MinReady } from '../../migration/min-ready.ts';
import { refuseKind } from '../../migration/preflight.ts';
import { resolveWorkload } from '../../ops/resolve.ts';
import { parseWorkloadRef } from '../../ops/workload-target.ts';
import { parseFailFastRules } from '../../track/status/fail-fast.ts';
import { addClusterOptions, connect, parseDurationFlag, parseOutput, type ClusterFlags } from './ops-common.ts';

/** MigrateFlags are the raw flag values of `rollscope migrate-selector`. */
export interface MigrateFlags extends ClusterFlags {
  readonly all?: boolean;
  readonly selector?: string;
  readonly allNamespaces?: boolean;
  readonly addLabel: string[];
  readonly removeLabel: string[];
  readonly setSelector?: string;
  readonly dryRun?: boolean;
  readonly force?: boolean;
  readonly backupDir?: string;
  readonly minReady?: string;
  readonly concurrency: string;
  readonly timeout: string;
  readonly failFast?: boolean;
  readonly diagnoseRules?: string;
  readonly output?: string;
  readonly db?: string;
  readonly cluster?: string;
}

/**
 * openJournalLedger opens the ledger a migration is recorded in: --db, else $ROLLSCOPE_DB, else the
 * default ledger when it exists (serve's, on this machine); null when there is none.
 */
async function openJournalLedger(db: string | undefined): Promise<LedgerStore | null> {
  const fromEnv = process.env[LEDGER_URL_ENV];
  const url = db ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : existsSync(join(homedir(), '.rollscope', 'ledger.db')) ? defaultLedgerUrl() : undefined);
  if (url === undefined) return null;
  return openLedger(url);
}

/** pool runs `work` over `items` with at most `n` at once; `stop()` true starts no more. */
async function pool<T, R>(items: readonly T[], n: number, work: (t: T) => Promise<R>, stop: () => boolean): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !stop()) {
      const item = items[next++] as T;
      out.push(await work(item));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, worker));
  return out;
}

const RESULT_WORD: Readonly<Record<MigrationOutcome['result'], string>> = {
  migrated: 'migrated',
  unchanged: 'unchanged',
  planned: 'planned',
  started: 'started',
  failed: 'FAILED',
  blocked: 'BLOCKED',
  timeout: 'TIMEOUT',
  'not-found': 'NOT FOUND',
};

/** summaryTable renders one row per Deployment, then the reason and fix of each that did not succeed. */
export function summaryTable(outcomes: readonly MigrationOutcome[]): string {
  const rows = [['NAMESPACE', 'NAME', 'PATH', 'RESULT', 'SELECTOR', 'LOWEST-READY', 'TIME']];
  for (const o of outcomes)
    rows.push([o.namespace, o.name, o.path ?? '-', RESULT_WORD[o.result], o.from === o.to || o.to === '' ? o.from || '-' : `${o.from} → ${o.to}`, o.lowestReady === null ? '-' : `${o.lowestReady}/${o.minReady ?? 0}`, `${(o.durationMs / 1000).toFixed(1)}s`]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  const lines = rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - [...c].length))).join('  '));
  for (const o of outcomes) if (['failed', 'blocked', 'timeout', 'not-found'].includes(o.result)) lines.push(`${o.namespace}/${o.name}: ${o.reason}${o.hint ? `\n  fix: ${o.hint}` : ''}`);
  const count = (r: MigrationOutcome['result']): number => outcomes.filter((o) => o.result === r).length;
  lines.push(`${outcomes.length} deployment(s): ${count('migrated')} migrated, ${count('unchanged')} unchanged, ${count('planned')} planned, ${count('failed') + count('blocked')} failed, ${count('timeout')} timed out`);
  return `${lines.join('\n')}\n`;
}

/** runMigrateSelector is the command: validate flags, resolve targets, run the controller per Deployment, print the summary; returns the exit code. */
export async function runMigrateSelector(args: readonly string[], flags: MigrateFlags): Promise<number> {
  const parsed = parseChange({ addLabel: flags.addLabel, removeLabel: flags.removeLabel, ...(flags.setSelector === undefined ? {} : { setSelector: flags.setSelector }) });
  if (!parsed.ok) throw new TrackerError('USAGE', parsed.error, { subject: 'migrate-selector', hint: 'e.g. rollscope migrate-selector deploy/web --add-label tier=frontend' });
  const change: SelectorChange = parsed.value;
  const all = flags.all === true;
  if (all === (args.length > 0)) throw new TrackerError('USAGE', all ? '--all and TYPE/NAME exclude each other' : 'name a Deployment (TYPE/NAME) or pass --all', { subject: 'migrate-selector', hint: 'e.g. rollscope migrate-selector deploy/web --add-label tier=frontend, or --all -A -l app.kubernetes.io/part-of=shop' });
  if (flags.selector !== undefined && !all) throw new TrackerError('USAGE', '-l selects Deployments for --all only', { subject: '-l', hint: 'add --all, or drop -l' });
  if (flags.allNamespaces === true && flags.namespace !== undefined) throw new TrackerError('USAGE', '-n and -A exclude each other', { subject: '-A', hint: 'pass one of them' });
  let minReady: MinReady | undefined;
  if (flags.minReady !== undefined) {
    const m = parseMinReady(flags.minReady);
    if (!m.ok) throw new TrackerError('USAGE', m.error, { subject: '--min-ready', hint: 'e.g. --min-ready 2 or --min-ready 75%' });
    minReady = m.value;
  }
  const concurrency = Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new TrackerError('USAGE', `--concurrency ${flags.concurrency} is not a positive integer`, { subject: '--concurrency', hint: 'e.g. --concurrency 3' });
  const timeoutMs = parseDurationFlag(flags.timeout, '--timeout');
  const format = parseOutput(flags.output);
  const rules = flags.diagnoseRules === undefined ? undefined : parseFailFastRules(flags.diagnoseRules);
  if (rules !== undefined && !rules.ok) throw rules.error;
  const conn = connect(flags);
  const api = migrationApi(conn.client);
  const signal = new AbortController().signal;

  let targets: Target[];
  if (all) {
    const scope = await listScope(api, flags.allNamespaces === true ? null : conn.namespace, flags.selector, signal);
    targets = selectedTargets(scope.deployments, scope.replicaSets);
  }
  else {
    const ref = parseWorkloadRef(args[0] ?? '', 'migrate-selector');
    if (args.length > 1) throw new TrackerError('USAGE', 'name one Deployment, or use --all', { subject: args.join(' '), hint: 'e.g. rollscope migrate-selector deploy/web --add-label tier=frontend' });
    if (ref.kind !== null && ref.kind !== 'Deployment') {
      const refusal = refuseKind(ref.kind, ref.name);
      throw new TrackerError('UNSUPPORTED_KIND', refusal?.message ?? `${ref.kind} is not supported`, { subject: `${ref.kind.toLowerCase()}/${ref.name}`, hint: refusal?.fix ?? 'name a Deployment' });
    }
    if (ref.kind === null) {
      // A bare name that names nothing may be a Deployment mid-migration (deleted, not yet recreated): the controller finds its record.
      const found = await resolveWorkload(conn.client, ref, conn.namespace, signal).catch((e: unknown) => {
        if (e instanceof TrackerError && e.code === 'NOT_FOUND') return null;
        throw e;
      });
      if (found !== null && found.target.kind !== 'Deployment') {
        const refusal = refuseKind(found.target.kind, ref.name);
        throw new TrackerError('UNSUPPORTED_KIND', refusal?.message ?? `${found.target.kind} is not supported`, { subject: `${found.target.kind.toLowerCase()}/${ref.name}`, hint: refusal?.fix ?? 'name a Deployment' });
      }
    }
    targets = [{ namespace: conn.namespace, name: ref.name }];
  }
  if (all && targets.length === 0) {
    process.stderr.write(`no Deployment matches${flags.selector === undefined ? '' : ` -l ${flags.selector}`} in ${flags.allNamespaces === true ? 'any namespace' : `namespace ${conn.namespace}`}\n`);
    return 0;
  }

  const backupDir = flags.backupDir ?? defaultBackupDir(process.cwd(), new Date());
  const ledger = flags.dryRun === true ? null : await openJournalLedger(flags.db);
  const journal = ledger === null ? undefined : ledgerJournal(ledger, flags.cluster ?? flags.context ?? 'default', userInfo().username, realClock);
  if (ledger === null && flags.dryRun !== true) process.stderr.write(`not recorded in a ledger (no ${DEFAULT_LEDGER_PATH}; pass --db URL to record the migration and its originals)\n`);
  const many = targets.length > 1;
  const onEvent = (e: MigrationEvent): void => {
    process.stderr.write(`${e.namespace}/${e.name}: ${e.kind === 'warning' ? 'warning: ' : ''}${e.text}\n`);
  };
  process.stderr.write(`migrate-selector ${describeChange(change)}: ${targets.length} deployment(s)${flags.dryRun === true ? ' (dry run)' : ''}\n`);
  let failed = false;
  const outcomes = await pool(
    targets,
    concurrency,
    async (t) => {
      const outcome = await migrateDeployment(t.namespace, t.name, {
        api,
        intent: { id: ulid(), change, ...(minReady === undefined ? {} : { minReady }) },
        dryRun: flags.dryRun === true,
        force: flags.force === true,
        backupDir,
        timeoutMs,
        ...(rules?.ok ? { rules: rules.value } : {}),
        signal,
        onEvent,
        ...(journal === undefined ? {} : { journal }),
      }).catch((e: unknown): MigrationOutcome => {
        if (!many) throw e;
        const message = e instanceof Error ? e.message : String(e);
        return { id: '', namespace: t.namespace, name: t.name, result: 'failed', path: null, from: '', to: '', reason: message, hint: e instanceof TrackerError ? (e.details.hint ?? '') : '', findings: [], writes: [], backups: [], plan: '', minReady: null, lowestReady: null, durationMs: 0 };
      });
      if (['failed', 'blocked', 'timeout'].includes(outcome.result)) failed = true;
      process.stderr.write(`${t.namespace}/${t.name}: ${RESULT_WORD[outcome.result]}${outcome.reason ? ` — ${outcome.reason}` : ''}\n`);
      return outcome;
    },
    () => flags.failFast === true && failed,
  );
  await ledger?.close();
  outcomes.sort((a, b) => (`${a.namespace}/${a.name}` < `${b.namespace}/${b.name}` ? -1 : 1));
  if (format === 'json') process.stdout.write(`${JSON.stringify({ change: describeChange(change), dryRun: flags.dryRun === true, backupDir, migrations: outcomes }, null, 2)}\n`);
  else {
    for (const o of outcomes) if (o.plan !== '') process.stdout.write(`${o.plan}\n\n`);
    process.stdout.write(summaryTable(outcomes));
  }
  if (flags.failFast === true && outcomes.length < targets.length) process.stderr.write(`--fail-fast: ${targets.length - outcomes.length} deployment(s) not started after a failure\n`);
  return exitCodeOf(outcomes);
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

/** registerMigrateSelector adds `rollscope migrate-selector`. */
export function registerMigrateSelector(program: Command): void {
  const cmd = program
    .command('migrate-selector')
    .description(
      "change a Deployment's immutable spec.selector without downtime: planned (--dry-run prints every API call), checked before it starts (Services, PDBs, HPAs, GitOps owners, overlapping selectors), backed up, resumable after a crash, ready endpoints kept at --min-ready",
    )
    .argument('[target...]', 'TYPE/NAME of a Deployment (or use --all)')
    .option('--all', 'every Deployment in the namespace (with -l: those matching)')
    .option('-l, --selector <selector>', 'with --all: only Deployments matching this label selector')
    .option('-A, --all-namespaces', 'with --all: every namespace')
    .option('--add-label <K=V>', 'add a key to the selector (and the pod template); repeatable', collect, [])
    .option('--remove-label <K>', 'remove a key from the selector (the pods keep the label); repeatable', collect, [])
    .option('--set-selector <K=V,...>', 'the new matchLabels outright')
    .option('--dry-run', 'print the path chosen and every API call in order; change nothing')
    .option('--force', 'turn pre-flight errors into warnings (not the ones nothing can make safe)')
    .option('--backup-dir <dir>', 'where the original objects are saved as YAML (default .rollscope/backups/<time>/)')
    .option('--min-ready <N|P%>', 'ready endpoints each affected Service keeps throughout (default: replicas − maxUnavailable)')
    .option('--concurrency <n>', 'with --all: Deployments migrated at once', '1')
    .option('--timeout <duration>', 'give up on a Deployment after this long (exit 2; rerun to continue)', '10m')
    .option('--fail-fast', 'with --all: start no further Deployment after one fails')
    .option('--diagnose-rules <rules>', 'fail-fast rules of the rollout waits, as rollscope wait --fail-fast')
    .option('-o, --output <format>', 'result format: text or json', 'text')
    .option('--db <url>', 'ledger to record the migration and its originals in (default: $ROLLSCOPE_DB, else ~/.rollscope/ledger.db if it exists)')
    .option('--cluster <name>', 'name of this cluster in the ledger, as its tracker names it (default: the --context name, else "default")');
  addClusterOptions(cmd).action(async (target: string[], flags: MigrateFlags) => {
    process.exitCode = await runMigrateSelector(target, flags);
  });
}
