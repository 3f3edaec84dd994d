import type { Command } from 'commander';
import { realClock, type Instant } from '../../lib/clock.ts';
import { TrackerError } from '../../lib/errors.ts';
import type { ListedRelease } from '../../model/release.ts';
import { MAX_PAGE_LIMIT, type LedgerStore, type ReleaseFilter } from '../../store/ledger.ts';
import { DEFAULT_LEDGER_PATH, LEDGER_URL_ENV, defaultLedgerUrl, openLedger } from '../../store/open.ts';
import { formatItems, parseOutputFormat, type OutputFormat } from '../output/format.ts';
import { toReleaseView } from '../../model/view/release-view.ts';
import { addLedgerReaderFlags, kubeconfigNamespace, type LedgerReaderFlags } from './ledger-reader.ts';
import { formatReleaseTable, resourceName, spansClusters } from '../output/release-table.ts';
import { parseClusterFlag, parseLimit, parseOutcomes, parseTimeArg, parseWorkloadTarget, type WorkloadName } from './history-args.ts';

/** HistoryFlags are the raw flag values of `rollscope history`. */
export interface HistoryFlags extends LedgerReaderFlags {
  readonly allNamespaces?: boolean;
  readonly cluster?: string;
  readonly image?: string;
  readonly since?: string;
  readonly until?: string;
  readonly outcome?: string;
  readonly limit: string;
  /** `--all`: every matching release, however many (no --limit). */
  readonly all?: boolean;
  /** `--continue TOKEN`: the page after the one whose `nextCursor` this is. */
  readonly continue?: string;
  readonly output: string;
}

/** HistoryRequest is a parsed, validated `rollscope history` invocation. */
export interface HistoryRequest {
  readonly target: WorkloadName | null;
  /** null: all namespaces (-A). */
  readonly namespace: string | null;
  readonly filter: ReleaseFilter;
  /** At most this many; Infinity with --all. */
  readonly limit: number;
  /** Where to start (a previous page's nextCursor), if anywhere. */
  readonly cursor?: string;
  readonly format: OutputFormat;
  readonly dbUrl: string;
}

/** DEFAULT_HISTORY_LIMIT is how many releases `history` shows unless --limit says otherwise. */
export const DEFAULT_HISTORY_LIMIT = 100;

/**
 * parseHistoryRequest validates every flag before anything is opened, so a typo costs no database
 * connection. `namespaceFromKubeconfig` is consulted only when neither -n nor -A is given.
 * Throws USAGE errors naming the flag, with a hint.
 */
export async function parseHistoryRequest(args: readonly string[], flags: HistoryFlags, now: Instant, namespaceFromKubeconfig: () => Promise<string>): Promise<HistoryRequest> {
  const target = args.length > 0 ? parseWorkloadTarget(args, 'history') : null;
  const format = parseOutputFormat(flags.output);
  if (flags.all === true && flags.limit !== String(DEFAULT_HISTORY_LIMIT))
    throw new TrackerError('USAGE', '--all and --limit contradict each other', { subject: '--all', hint: 'use --all for every release, or --limit N for the newest N' });
  const limit = flags.all === true ? Number.POSITIVE_INFINITY : parseLimit(flags.limit);
  if (flags.continue !== undefined && flags.continue.trim() === '')
    throw new TrackerError('USAGE', '--continue needs the nextCursor of a previous page', { subject: '--continue', hint: 'take it from `rollscope history … -o json` (.nextCursor)' });
  const since = flags.since === undefined ? undefined : parseTimeArg(flags.since, now, '--since');
  const until = flags.until === undefined ? undefined : parseTimeArg(flags.until, now, '--until');
  if (since !== undefined && until !== undefined && since >= until)
    throw new TrackerError('USAGE', `--since ${flags.since} is not before --until ${flags.until}`, { subject: '--since/--until', hint: 'swap them, or widen the window' });
  const outcomes = flags.outcome === undefined ? undefined : parseOutcomes(flags.outcome);
  const cluster = parseClusterFlag(flags.cluster);
  const namespace = flags.allNamespaces === true ? null : (flags.namespace ?? (await namespaceFromKubeconfig()));
  const filter: ReleaseFilter = {
    ...(namespace === null ? {} : { namespaces: [namespace] }),
    ...(target === null ? {} : { kind: target.kind, name: target.name }),
    ...(cluster === undefined ? {} : { cluster }),
    ...(flags.image === undefined ? {} : { image: flags.image }),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
    ...(outcomes === undefined ? {} : { outcomes }),
  };
  return { target, namespace, filter, limit, ...(flags.continue === undefined ? {} : { cursor: flags.continue }), format, dbUrl: flags.db ?? defaultLedgerUrl() };
}

/** HistoryPage is up to `limit` releases, newest first, and the cursor of what follows (null: nothing more). */
export interface HistoryPage {
  readonly items: readonly ListedRelease[];
  readonly nextCursor: string | null;
}

/**
 * fetchHistory reads up to `limit` releases matching the filter (Infinity: all), newest first, from
 * `cursor` on, page by page; `nextCursor` says whether more exist, so nothing is cut off silently.
 */
export async function fetchHistory(ledger: LedgerStore, filter: ReleaseFilter, limit: number, cursor?: string): Promise<HistoryPage> {
  const out: ListedRelease[] = [];
  let next: string | undefined = cursor;
  do {
    const page = await ledger.queryReleases({ ...filter, limit: Math.min(MAX_PAGE_LIMIT, limit - out.length), ...(next === undefined ? {} : { cursor: next }) });
    out.push(...page.items);
    next = page.nextCursor ?? undefined;
  } while (next !== undefined && out.length < limit);
  return { items: out, nextCursor: next ?? null };
}

/** fetchNewest reads up to `limit` releases matching the filter, newest first. */
export async function fetchNewest(ledger: LedgerStore, filter: ReleaseFilter, limit: number): Promise<readonly ListedRelease[]> {
  return (await fetchHistory(ledger, filter, limit)).items;
}

/**
 * renderHistory prints releases. Tables read like `kubectl rollout history`: oldest first (the
 * latest release last, next to the prompt), under a `deployment.apps/NAME` header line for one
 * workload. JSON and YAML list newest first, like the HTTP API. Rows from several clusters (a shared
 * ledger read without --cluster) get a CLUSTER column.
 */
export function renderHistory(req: HistoryRequest, releases: readonly ListedRelease[], now: Instant, nextCursor: string | null = null): string {
  if (req.format === 'json' || req.format === 'yaml') return formatItems(releases.map(toReleaseView), req.format, { nextCursor });
  const chronological = [...releases].reverse();
  const multiNs = req.namespace === null;
  const table = formatReleaseTable(chronological, { wide: req.format === 'wide', workloadColumn: req.target === null, namespaceColumn: multiNs, clusterColumn: spansClusters(releases), now });
  return req.target === null || req.format === 'wide' ? table : `${resourceName(req.target.kind)}/${req.target.name}\n${table}`;
}

function scopeText(req: HistoryRequest): string {
  const where = req.namespace === null ? 'in any namespace' : `in namespace ${req.namespace}`;
  const cluster = req.filter.cluster === undefined ? '' : ` of cluster ${req.filter.cluster}`;
  return (req.target === null ? where : `for ${req.target.kind.toLowerCase()} ${req.namespace ?? '*'}/${req.target.name}`) + cluster;
}

/**
 * runHistory reads the ledger and prints the history. An empty result prints `No releases found …`
 * to stderr (exit 0), except that naming a workload the ledger has never seen, with no other
 * filter, is NOT_FOUND (exit 4), as `kubectl rollout history` does for a missing object.
 */
export async function runHistory(args: readonly string[], flags: HistoryFlags): Promise<number> {
  const now = realClock.now();
  const req = await parseHistoryRequest(args, flags, now, () => kubeconfigNamespace(flags));
  const ledger = await openLedger(req.dbUrl, { mustExist: true });
  try {
    const { items: releases, nextCursor } = await fetchHistory(ledger, req.filter, req.limit, req.cursor);
    const filtered = flags.image !== undefined || flags.since !== undefined || flags.until !== undefined || flags.outcome !== undefined;
    if (releases.length === 0 && req.target !== null && !filtered)
      throw new TrackerError('NOT_FOUND', `the ledger has no releases ${scopeText(req)}`, {
        subject: `${req.target.kind.toLowerCase()}/${req.target.name}`,
        hint: 'check the name and the namespace (-n), or run `rollscope history -A` to see what the ledger holds',
      });
    if (releases.length === 0 && (req.format === 'table' || req.format === 'wide')) process.stderr.write(`No releases found ${scopeText(req)}.\n`);
    else process.stdout.write(renderHistory(req, releases, now, nextCursor));
    if (nextCursor !== null && (req.format === 'table' || req.format === 'wide'))
      process.stderr.write(`Showing the newest ${releases.length}; older releases exist: --limit N for more, --all for every one, or --continue ${nextCursor} for the next ${releases.length}.\n`);
    return 0;
  } finally {
    await ledger.close();
  }
}

/** registerHistoryFlags declares the arguments and flags of `rollscope history` on a command (shared with tests). */
export function registerHistoryFlags(command: Command): Command {
  command
    .argument('[TYPE/NAME...]', 'one workload, e.g. deployment/web or sts db')
    .option('-n, --namespace <ns>', "namespace (default: the current kubeconfig context's, else default)")
    .option('-A, --all-namespaces', 'all namespaces')
    .option('--cluster <name>', 'only this cluster (ledgers shared by several trackers)')
    .option('--image <substr>', 'only releases with an image containing this text')
    .option('--since <time>', 'started at or after: RFC 3339 time or a duration ago (2h, 7d, 1h30m)')
    .option('--until <time>', 'started before: RFC 3339 time or a duration ago')
    .option('--outcome <list>', 'progressing, succeeded, failed, superseded, rolled-back, paused (comma-separated)')
    .option('--limit <n>', 'at most this many (the newest); says so on stderr when more exist', String(DEFAULT_HISTORY_LIMIT))
    .option('--all', 'every matching release (no limit)')
    .option('--continue <cursor>', 'the page after a previous one (its nextCursor in -o json|yaml)')
    .option('-o, --output <format>', 'table | wide | json | yaml', 'table');
  return addLedgerReaderFlags(command);
}

/** registerHistory adds `rollscope history`. */
export function registerHistory(program: Command): void {
  registerHistoryFlags(
    program
      .command('history')
      .summary('releases from the ledger')
      .description(
        'List releases recorded in the ledger: what changed, when, which images, who, and how it ended.\n' +
          `Reads the ledger of --db (default: $${LEDGER_URL_ENV}, else sqlite:${DEFAULT_LEDGER_PATH}, where \`rollscope serve\` writes).\n` +
          'Tables list oldest first (latest last); -o json|yaml list newest first as {"items": [...], "nextCursor": …} (null when nothing more).',
      ),
  ).action(async (args: string[], flags: HistoryFlags) => {
    process.exitCode = await runHistory(args, flags);
  });
}
