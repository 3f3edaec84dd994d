import type { Command } from 'commander';
import { stringify } from 'yaml';
import { realClock } from '../../lib/clock.ts';
import { TrackerError } from '../../lib/errors.ts';
import type { ListedRelease, Release, ReleaseId } from '../../model/release.ts';
import { isStuck } from '../../store/stuck.ts';
import { toReleaseDetailView } from '../../model/view/release-detail-view.ts';
import type { LedgerStore } from '../../store/ledger.ts';
import { DEFAULT_LEDGER_PATH, LEDGER_URL_ENV, defaultLedgerUrl, openLedger } from '../../store/open.ts';
import { parseOutputFormat } from '../output/format.ts';
import { formatReleaseDetail, type ReleaseDetail } from '../output/release-detail.ts';
import { parseClusterFlag } from './history-args.ts';
import { addLedgerReaderFlags, kubeconfigNamespace, type LedgerReaderFlags } from './ledger-reader.ts';
import { parseReleaseAddress, type ReleaseAddress } from './show-args.ts';
import { fetchNewest } from './history.ts';

/** ShowFlags are the raw flag values of `rollscope show`. */
export interface ShowFlags extends LedgerReaderFlags {
  readonly cluster?: string;
  readonly output: string;
}

/** WORKLOAD_SCAN_LIMIT bounds how many of one workload name's releases `show TYPE/NAME#N` reads to find N. */
const WORKLOAD_SCAN_LIMIT = 100_000;

const kindName = (r: ListedRelease): string => `${r.workload.kind.toLowerCase()} ${r.workload.namespace}/${r.workload.name}`;

/**
 * findRelease looks an address up in the ledger.
 * - By id: that release.
 * - By `TYPE/NAME[#N]` in `namespace` (and `cluster` when given): among the workloads of that name,
 *   the newest incarnation (the uid of the most recently started release — a re-created workload
 *   has a new uid and numbers its releases from 1 again); its release N, or its latest release.
 *   A name found in several clusters of a shared ledger without `cluster` is AMBIGUOUS.
 * Throws NOT_FOUND naming what was looked for, with the command that lists what exists.
 */
export async function findRelease(ledger: LedgerStore, address: ReleaseAddress, namespace: string, cluster: string | undefined): Promise<Release> {
  if (address.by === 'id') {
    const r = await ledger.getRelease(address.id as ReleaseId);
    if (r === null) throw new TrackerError('NOT_FOUND', `release ${address.id} is not in the ledger`, { subject: `release ${address.id}`, hint: 'list release ids with: rollscope history -A -o wide' });
    if (cluster !== undefined && r.workload.cluster !== cluster)
      throw new TrackerError('NOT_FOUND', `release ${address.id} belongs to cluster ${r.workload.cluster}, not ${cluster}`, { subject: `release ${address.id}`, hint: `drop --cluster, or use --cluster ${r.workload.cluster}` });
    return r;
  }
  const { target, number } = address;
  const what = `${target.kind.toLowerCase()} ${namespace}/${target.name}${cluster === undefined ? '' : ` in cluster ${cluster}`}`;
  const all = await fetchNewest(ledger, { namespaces: [namespace], kind: target.kind, name: target.name, ...(cluster === undefined ? {} : { cluster }) }, WORKLOAD_SCAN_LIMIT);
  const newest = all[0];
  if (newest === undefined)
    throw new TrackerError('NOT_FOUND', `the ledger has no releases for ${what}`, { subject: `${target.kind.toLowerCase()}/${target.name}`, hint: 'check the name, the namespace (-n) and --cluster, or run `rollscope history -A` to see what the ledger holds' });
  const clusters = [...new Set(all.map((r) => r.workload.cluster))].sort();
  if (clusters.length > 1)
    throw new TrackerError('AMBIGUOUS', `${what} has releases in ${clusters.length} clusters: ${clusters.join(', ')}`, { subject: `${target.kind.toLowerCase()}/${target.name}`, hint: `choose one with --cluster, e.g. --cluster ${clusters[0] ?? ''}` });
  const mine = all.filter((r) => r.workload.uid === newest.workload.uid);
  // Lists carry no template: the release found is read whole by its id.
  const whole = async (r: ListedRelease): Promise<Release> => {
    const got = await ledger.getRelease(r.id);
    if (got === null) throw new TrackerError('NOT_FOUND', `release ${r.id} is no longer in the ledger`, { subject: `release ${r.id}`, hint: 'run the command again' });
    return got;
  };
  if (number === null) return whole(mine.reduce((a, b) => (b.releaseNumber > a.releaseNumber ? b : a)));
  const found = mine.find((r) => r.releaseNumber === number);
  if (found) return whole(found);
  const numbers = mine.map((r) => r.releaseNumber);
  const older = all.filter((r) => r.releaseNumber === number && r.workload.uid !== newest.workload.uid);
  throw new TrackerError('NOT_FOUND', `${kindName(newest)} has no release #${number}; it has #${Math.min(...numbers)}–#${Math.max(...numbers)}`, {
    subject: `${target.kind.toLowerCase()}/${target.name}#${number}`,
    hint: older.length
      ? `an earlier ${target.kind} of that name (deleted and re-created since) had #${number}: rollscope show ${older.map((r) => r.id).join(' or ')}`
      : `list its releases with: rollscope history ${target.kind.toLowerCase()}/${target.name} -n ${namespace}${cluster === undefined ? '' : ` --cluster ${cluster}`}`,
  });
}

/** loadDetail reads a release's previous release, when it is still in the ledger. */
export async function loadDetail(ledger: LedgerStore, release: Release): Promise<ReleaseDetail> {
  return { release, previous: release.previousReleaseId === null ? null : await ledger.getRelease(release.previousReleaseId), stuck: await isStuck(ledger, release) };
}

/**
 * renderShow prints a release: the terminal view for `table` and `wide`, else the public
 * ReleaseDetail view (model/view/release-detail-view.ts) as JSON or YAML — the same object
 * `GET /api/v1/releases/{id}` answers.
 */
export function renderShow(detail: ReleaseDetail, format: string, now: number): string {
  const f = parseOutputFormat(format);
  if (f === 'table' || f === 'wide') return formatReleaseDetail(detail, now);
  const view = toReleaseDetailView(detail.release, detail.previous, detail.stuck);
  return f === 'json' ? `${JSON.stringify(view, null, 2)}\n` : stringify(view, { lineWidth: 0 });
}

/** runShow validates the arguments, reads the ledger and prints the release. */
export async function runShow(args: readonly string[], flags: ShowFlags): Promise<number> {
  const address = parseReleaseAddress(args);
  parseOutputFormat(flags.output);
  const cluster = parseClusterFlag(flags.cluster);
  const namespace = address.by === 'id' ? '' : (flags.namespace ?? (await kubeconfigNamespace(flags)));
  const ledger = await openLedger(flags.db ?? defaultLedgerUrl(), { mustExist: true });
  try {
    const release = await findRelease(ledger, address, namespace, cluster);
    process.stdout.write(renderShow(await loadDetail(ledger, release), flags.output, realClock.now()));
    return 0;
  } finally {
    await ledger.close();
  }
}

/** registerShow adds `rollscope show`. */
export function registerShow(program: Command): void {
  const command = program
    .command('show')
    .summary('one release from the ledger: timeline, phases, diagnosis, events, template diff')
    .description(
      'Show one release recorded in the ledger.\n' +
        'RELEASE is a release id (rollscope history -o wide shows them) or TYPE/NAME#N: release N of a workload in\n' +
        'namespace -n (TYPE/NAME alone: its latest release). In a ledger several trackers share, --cluster picks the\n' +
        `cluster. Reads --db (default: $${LEDGER_URL_ENV}, else sqlite:${DEFAULT_LEDGER_PATH}).\n` +
        '-o json|yaml prints {release, previous, diff}, the shape of GET /api/v1/releases/{id}.',
    )
    .argument('<RELEASE...>', 'a release id, or TYPE/NAME#N (also TYPE NAME#N), e.g. deployment/web#3')
    .option('-n, --namespace <ns>', "namespace of TYPE/NAME (default: the current kubeconfig context's, else default)")
    .option('--cluster <name>', 'cluster of TYPE/NAME (ledgers shared by several trackers)')
    .option('-o, --output <format>', 'table | json | yaml', 'table');
  addLedgerReaderFlags(command).action(async (args: string[], flags: ShowFlags) => {
    process.exitCode = await runShow(args, flags);
  });
}
