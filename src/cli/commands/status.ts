import type { Command } from 'commander';
import { createKubeHttp, loadKubeConfig } from '../../kube/client.ts';
import { withCrashLog } from '../../ops/crash-log.ts';
import { realClock } from '../../lib/clock.ts';
import { TrackerError } from '../../lib/errors.ts';
import { projectEvent } from '../../model/project-event.ts';
import { projectPod } from '../../model/project-pod.ts';
import type { EventRecord, PodRecord } from '../../model/records.ts';
import { computeVerdict } from '../../track/status/compute.ts';
import { parseFailFastRules, type FailFastRules } from '../../track/status/fail-fast.ts';
import { kindOf, nameOf, namespaceOf, subjectOf, type Unstructured } from '../../track/status/fields.ts';
import { argocdView } from '../../track/status/views/argocd.ts';
import { kstatusView } from '../../track/status/views/kstatus.ts';
import { kubectlView, revisionError } from '../../track/status/views/kubectl.ts';
import { EXIT } from '../exit-codes.ts';
import { fetchStatusSnapshot, type StatusSnapshot } from '../kube-fetch.ts';
import { loadObjectsFromFile } from '../object-file.ts';
import { renderStatus, type OutputFormat, type StatusOutput } from '../status-format.ts';
import { parseStatusTarget, type StatusTarget } from '../status-target.ts';

/** StatusFlags are the raw flag values of `rollscope status`. */
export interface StatusFlags {
  readonly file?: string;
  readonly as: string;
  readonly output: string;
  readonly namespace?: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly revision: string;
  readonly failFast?: string;
}

/** VIEWS are the `--as` values. */
export const VIEWS = ['native', 'kstatus', 'argocd', 'kubectl'] as const;
/** ViewName is one `--as` value. */
export type ViewName = (typeof VIEWS)[number];
const FORMATS: readonly OutputFormat[] = ['table', 'json', 'yaml'];

/**
 * runStatus prints one verdict now, from a file or the cluster, and returns the exit code:
 * 0 when the verdict is not a failure (Current, but also InProgress/Paused/Terminating: a
 * one-shot status is not a wait), 1 for Failed / Degraded / a kubectl error. Usage errors and a
 * missing object throw TrackerErrors (exit 3 and 4 via main.ts).
 */
export async function runStatus(args: readonly string[], flags: StatusFlags): Promise<number> {
  const as = pick(VIEWS, flags.as, '--as');
  const format = pick(FORMATS, flags.output === 'wide' ? 'table' : flags.output, '-o');
  const revision = parseRevision(flags.revision);
  const rules = flags.failFast === undefined ? undefined : unwrapRules(flags.failFast);
  const target = args.length > 0 ? parseStatusTarget(args) : undefined;
  const now = realClock.now();
  const snapshot = flags.file !== undefined ? snapshotFromFile(flags.file, target, flags.namespace, now) : await snapshotFromCluster(target, flags);
  const object = snapshot.object;
  if (object === null) throw notFound(target, flags);
  const judged = evaluateStatus({ as, object, snapshot, now, revision, ...(rules ? { rules } : {}) });
  const out = flags.file === undefined ? await withCrashLogOf(judged, flags) : judged;
  // Like kubectl, a kubectl-view error goes to stderr in the human format.
  const toStderr = format === 'table' && out.as === 'kubectl' && 'error' in out.view;
  (toStderr ? process.stderr : process.stdout).write(renderStatus(out, format));
  return isFailure(out) ? EXIT.rolloutFailed : EXIT.ok;
}

/** withCrashLogOf quotes the crashed container's last log lines in a native CrashLoop verdict (ops/crash-log.ts). */
async function withCrashLogOf(out: StatusOutput, flags: StatusFlags): Promise<StatusOutput> {
  if (out.as !== 'native' || out.verdict.diagnosis?.code !== 'CrashLoop') return out;
  const kc = loadKubeConfig({ ...(flags.kubeconfig === undefined ? {} : { kubeconfig: flags.kubeconfig }), ...(flags.context === undefined ? {} : { context: flags.context }) });
  const diagnosis = await withCrashLog(createKubeHttp(kc), out.verdict.diagnosis, out.subject.namespace, AbortSignal.timeout(5_000));
  return { ...out, verdict: { ...out.verdict, diagnosis } };
}

/** EvaluateInput is one object (with its pods and events) and the view to judge it in. */
export interface EvaluateInput {
  readonly as: ViewName;
  readonly object: Unstructured;
  readonly snapshot: StatusSnapshot;
  readonly now: number;
  /** kubectl's --revision (0 = latest). */
  readonly revision: number;
  /** Native fail-fast rules. If unset, the defaults. */
  readonly rules?: FailFastRules;
}

/**
 * evaluateStatus judges one object in the requested view; the CLI and the peer conformance test
 * share it. Throws UNSUPPORTED_KIND / MALFORMED_OBJECT TrackerErrors when no verdict is possible.
 */
export function evaluateStatus(input: EvaluateInput): StatusOutput {
  const { as, object, snapshot } = input;
  const o = input;
  switch (as) {
    case 'kstatus':
      return { as, view: kstatusView(object, o.now) };
    case 'argocd': {
      const view = argocdView(object);
      if (view === null) throw unsupported(object, 'Argo CD has no built-in health check for it', 'try --as kstatus or --as native');
      return { as, view };
    }
    case 'kubectl':
      return { as, view: kubectlView(object, { revision: o.revision }) };
    case 'native': {
      const v = computeVerdict({ object, pods: snapshot.pods, events: snapshot.events, now: o.now, ...(o.rules ? { rules: o.rules } : {}) });
      if (!v.ok) throw v.error;
      return { as, subject: { kind: kindOf(object), namespace: namespaceOf(object), name: nameOf(object) }, verdict: v.value };
    }
  }
}

function isFailure(out: StatusOutput): boolean {
  switch (out.as) {
    case 'native':
      return out.verdict.state === 'Failed';
    case 'kstatus':
      return out.view.status === 'Failed';
    case 'argocd':
      return out.view.health === 'Degraded';
    case 'kubectl':
      return 'error' in out.view;
  }
}

/**
 * snapshotFromFile picks the object from a file: the one matching TYPE/NAME (and -n) if given,
 * else the only object that is not a Pod or Event, else the only object. The file's other Pods
 * and Events feed the native diagnosis.
 */
export function snapshotFromFile(file: string, target: StatusTarget | undefined, namespace: string | undefined, now: number): StatusSnapshot {
  const objects = loadObjectsFromFile(file, now);
  const matches = target
    ? objects.filter((o) => kindOf(o) === target.kind && nameOf(o) === target.name && (namespace === undefined || namespaceOf(o) === namespace))
    : objects.filter((o) => kindOf(o) !== 'Pod' && kindOf(o) !== 'Event');
  const candidates = !target && matches.length === 0 ? objects : matches;
  if (candidates.length !== 1) {
    const what = target ? `${target.kind.toLowerCase()}/${target.name}` : 'the object to evaluate';
    throw new TrackerError(candidates.length === 0 ? 'NOT_FOUND' : 'AMBIGUOUS', `file ${file} holds ${candidates.length === 0 ? 'no' : candidates.length} match(es) for ${what}`, {
      subject: file,
      hint: target ? 'check the TYPE/NAME and -n against the file' : 'name the object with TYPE/NAME, e.g. rollscope status deployment/web --file F',
    });
  }
  const object = candidates[0] ?? null;
  const pods: PodRecord[] = [];
  const events: EventRecord[] = [];
  for (const o of objects) {
    if (o === object) continue;
    if (kindOf(o) === 'Pod') pushOk(pods, projectPod(o, { requireIdentity: false }));
    if (kindOf(o) === 'Event') pushOk(events, projectEvent(o, { requireIdentity: false }));
  }
  return { object, pods, events };
}

function pushOk<T>(into: T[], r: { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string }): void {
  if (!r.ok) throw new TrackerError('MALFORMED_OBJECT', r.error, { hint: 'fix or remove that object in the file' });
  into.push(r.value);
}

async function snapshotFromCluster(target: StatusTarget | undefined, flags: StatusFlags): Promise<StatusSnapshot> {
  if (!target) throw new TrackerError('USAGE', 'rollscope status needs TYPE/NAME or --file', { hint: 'e.g. rollscope status deployment/web -n shop, or rollscope status --file web.yaml' });
  const kc = loadKubeConfig({ ...(flags.kubeconfig === undefined ? {} : { kubeconfig: flags.kubeconfig }), ...(flags.context === undefined ? {} : { context: flags.context }) });
  const namespace = flags.namespace ?? kc.namespace;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new TrackerError('KUBE_UNAVAILABLE', 'the API server did not answer within 30s', { hint: 'check the cluster and the kubeconfig server address' })), 30_000);
  try {
    return await fetchStatusSnapshot(createKubeHttp(kc), target, namespace, controller.signal);
  } finally {
    clearTimeout(timer);
  }
}

function notFound(target: StatusTarget | undefined, flags: StatusFlags): TrackerError {
  const type = target?.kind.toLowerCase() ?? 'object';
  const ns = flags.namespace ?? 'the current namespace';
  return new TrackerError('NOT_FOUND', `${type} ${target?.name ?? ''} not found in ${ns}`, {
    subject: `${type}/${target?.name ?? ''}`,
    hint: `check the name and the namespace (-n); list them with: kubectl get ${type}s${flags.namespace ? ` -n ${flags.namespace}` : ''}`,
  });
}

function unsupported(object: Unstructured, why: string, hint: string): TrackerError {
  return new TrackerError('UNSUPPORTED_KIND', `${subjectOf(object)}: ${why}`, { subject: subjectOf(object), hint });
}

function pick<T extends string>(allowed: readonly T[], value: string, flag: string): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined) throw new TrackerError('USAGE', `${flag} ${value} is not one of ${allowed.join(', ')}`, { subject: flag, hint: `pass ${flag} ${allowed.join('|')}` });
  return found;
}

function parseRevision(text: string): number {
  const n = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) throw new TrackerError('USAGE', `--revision ${text} is not an integer`, { subject: '--revision', hint: 'pass a revision number, e.g. --revision 3 (0 = latest)' });
  if (n < 0) throw new TrackerError('USAGE', revisionError(n), { subject: '--revision', hint: 'pass 0 (latest) or a positive revision number' });
  return n;
}

function unwrapRules(text: string): FailFastRules {
  const r = parseFailFastRules(text);
  if (!r.ok) throw r.error;
  return r.value;
}

/** registerStatus adds `rollscope status`. */
export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('one rollout verdict now, from the cluster or a file; natively or as kstatus, Argo CD or kubectl decide it')
    .argument('[target...]', 'TYPE/NAME (or TYPE NAME): deployment, statefulset, daemonset, replicaset, pod or job')
    .option('-f, --file <file>', 'read the object (and optionally its Pods and Events) from a YAML or JSON file instead of the cluster')
    .option('--as <view>', `verdict to give: ${VIEWS.join(', ')}`, 'native')
    .option('-o, --output <format>', `output format: ${FORMATS.join(', ')}`, 'table')
    .option('-n, --namespace <ns>', 'namespace (default: the kubeconfig context namespace, else default)')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context')
    .option('--revision <n>', 'with --as kubectl: pin to this Deployment revision, as kubectl rollout status --revision', '0')
    .option('--fail-fast <rules>', 'native: which diagnoses fail the rollout and after how long, e.g. ImagePullFailed=0s,Unschedulable=30s')
    .action(async (target: string[], flags: StatusFlags) => {
      process.exitCode = await runStatus(target, flags);
    });
}
