import { Option, type Command } from 'commander';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { parse as parseYaml } from 'yaml';
import { ulid } from 'ulid';
import { defaultAnalysis, validateAnalysis } from '../../canary/analysis/schema.ts';
import { imagesOf, preflightProblems, type ServiceRef } from '../../canary/manifests.ts';
import { findCanary } from '../../canary/plan.ts';
import { proposeCanary, publicPrometheusUrl } from '../../canary/propose.ts';
import { ACTIVE_LABEL, COMMAND_ANNOTATION, encodeCommand, isFinal, type CanaryRecord, type CanaryStatus, type CommandVerb } from '../../canary/record.ts';
import { splitReplicas } from '../../canary/split.ts';
import { buildSteps, formatSteps } from '../../canary/steps.ts';
import { exitCodeOfCanary, observeCanary, runCanary, type CanaryEvent, type CanaryRunOutcome } from '../../controllers/canary/controller.ts';
import { driverLeaseName, freshHolder } from '../../controllers/canary/heartbeat.ts';
import { migrationApi, type MigrationApi } from '../../controllers/migration/api.ts';
import type { KubeClient } from '../../kube/api-client.ts';
import { leaseLock } from '../../kube/lease.ts';
import { TrackerError } from '../../lib/errors.ts';
import { nameOfObj } from '../../migration/manifests.ts';
import { readLabels } from '../../migration/selector.ts';
import { parseWorkloadRef } from '../../ops/workload-target.ts';
import { prometheusClient, type PrometheusClient } from '../../prometheus/client.ts';
import { fieldAt, intField, stringField } from '../../track/status/fields.ts';
import { addClusterOptions, connect, parseDurationFlag, parseOutput, type ClusterFlags } from './ops-common.ts';

/** CanaryFlags are the raw flag values of `rollscope canary`. */
export interface CanaryFlags extends ClusterFlags {
  readonly image: string[];
  readonly steps?: string;
  readonly pause?: string;
  readonly pauseSteps?: string;
  readonly analysis?: string;
  readonly prometheus?: string;
  readonly baseline?: boolean;
  readonly timeout: string;
  readonly lease: string;
  readonly poll: string;
  readonly leaseNamespace: string;
  readonly leaseName: string;
  readonly attachGrace: string;
  readonly output?: string;
}

const VERBS = new Set(['status', 'promote', 'abort', 'retry']);
const EXAMPLE = 'e.g. rollscope canary deployment/web --image app=web:2 --steps 10,50,100 --prometheus http://127.0.0.1:9090';

function targetName(arg: string | undefined, command: string): string {
  const ref = parseWorkloadRef(arg ?? '', command);
  if (ref.kind !== null && ref.kind !== 'Deployment') throw new TrackerError('UNSUPPORTED_KIND', `rollscope canary works on Deployments, not ${ref.kind}`, { subject: arg ?? '', hint: EXAMPLE });
  return ref.name;
}

/** parseImages reads repeated --image CONTAINER=IMAGE. */
export function parseImages(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0 || eq === v.length - 1) throw new TrackerError('USAGE', `--image ${v}: give CONTAINER=IMAGE`, { subject: '--image', hint: EXAMPLE });
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  if (Object.keys(out).length === 0) throw new TrackerError('USAGE', 'rollscope canary needs at least one --image CONTAINER=IMAGE', { subject: '--image', hint: EXAMPLE });
  return out;
}

/** loadAnalysis reads and validates --analysis (every bad field listed), or the built-in analysis with --prometheus alone. */
function loadAnalysis(flags: CanaryFlags): unknown {
  if (flags.analysis === undefined) return null;
  let text: string;
  try {
    text = readFileSync(flags.analysis, 'utf8');
  } catch (e) {
    throw new TrackerError('CONFIG_INVALID', `cannot read analysis file ${flags.analysis}: ${(e as Error).message}`, { subject: flags.analysis, hint: 'pass a readable YAML file with --analysis' });
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new TrackerError('CONFIG_INVALID', `${flags.analysis}: not YAML: ${(e as Error).message.split('\n')[0]}`, { subject: flags.analysis, hint: 'see docs/canary-analysis.schema.json' });
  }
  const r = validateAnalysis(doc);
  if (!r.ok) throw new TrackerError('CONFIG_INVALID', `${flags.analysis} is invalid:\n  ${r.error.join('\n  ')}`, { subject: flags.analysis, hint: 'fix each field listed; the schema is docs/canary-analysis.schema.json' });
  return doc;
}

function line(e: CanaryEvent): string {
  const st = e.status;
  const where = st === null ? '' : ` [${st.phase}${st.phase === 'progressing' || st.phase === 'paused' ? ` step ${st.stepIndex + 1}` : ''}]`;
  return `${e.namespace}/${e.name}${where}: ${e.kind === 'warning' ? 'warning: ' : ''}${e.text}\n`;
}

/** describeStatus renders `canary status` as text. */
export function describeStatus(rec: CanaryRecord, st: CanaryStatus, now: number): string {
  const step = rec.steps[Math.min(st.stepIndex, rec.steps.length - 1)]!;
  const split = splitReplicas(rec.total, step.weight);
  const lines = [
    `canary ${rec.id} of deployment ${rec.namespace}/${rec.name}: ${st.phase}${st.attempt > 1 ? ` (attempt ${st.attempt})` : ''}`,
    `images: ${Object.entries(rec.images).map(([c, i]) => `${c} ${rec.fromImages[c] ?? '?'} → ${i}`).join(', ')}`,
    `steps: ${formatSteps(rec.steps)}`,
    `step ${st.stepIndex + 1}/${rec.steps.length}: ${step.weight}% = ${split.canary} canary / ${split.stable} stable of ${rec.total}${st.pauseUntil !== null && st.pauseUntil > now ? `, paused ${Math.ceil((st.pauseUntil - now) / 1000)} s more` : ''}`,
    `message: ${st.message}`,
    `driver: ${isFinal(st.phase) ? '-' : st.holderUntil > now ? st.holder : `none (last ${st.holder}); rerun rollscope canary deployment/${rec.name} to continue`}`,
  ];
  if (st.measurements.length > 0) {
    lines.push('measurements (newest last):');
    for (const m of st.measurements.slice(-8)) lines.push(`  step ${m.step + 1} ${m.metric}: ${m.verdict} — ${m.reason}`);
  }
  return `${lines.join('\n')}\n`;
}

async function listServices(api: MigrationApi, ns: string, signal: AbortSignal): Promise<ServiceRef[]> {
  const items = await api.list(`/api/v1/namespaces/${ns}/services`, { verb: 'list', resource: 'services', namespace: ns }, signal);
  return items.map((s) => ({ name: nameOfObj(s), selector: readLabels(fieldAt(s, 'spec.selector')) }));
}

async function hpaReplicas(api: MigrationApi, ns: string, name: string, signal: AbortSignal): Promise<number | null> {
  const items = await api.list(`/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers`, { verb: 'list', resource: 'horizontalpodautoscalers.autoscaling', namespace: ns }, signal);
  const h = items.find((x) => stringField(x, 'spec.scaleTargetRef.kind') === 'Deployment' && stringField(x, 'spec.scaleTargetRef.name') === name);
  if (h === undefined) return null;
  const n = intField(h, 'status.desiredReplicas', -1);
  return n >= 0 ? n : null;
}

/** runCanaryCommand is `rollscope canary …`; returns the exit code. */
export async function runCanaryCommand(args: readonly string[], flags: CanaryFlags): Promise<number> {
  const verb = VERBS.has(args[0] ?? '') ? (args[0] as 'status' | CommandVerb) : null;
  const rest = verb === null ? args : args.slice(1);
  if (rest.length !== 1) throw new TrackerError('USAGE', 'name one Deployment (TYPE/NAME)', { subject: 'canary', hint: EXAMPLE });
  const name = targetName(rest[0], 'canary');
  const format = parseOutput(flags.output);
  const conn = connect(flags);
  const api = migrationApi(conn.client);
  const ns = conn.namespace;
  const controller = new AbortController();
  const signal = controller.signal;

  if (verb !== null) {
    const obs = await observeCanary(api, ns, name, Date.now, signal);
    if (obs.stable === null) throw new TrackerError('NOT_FOUND', `deployment ${ns}/${name} not found`, { subject: `deployment/${name}`, hint: 'check the name and the namespace (-n)' });
    const found = findCanary(obs.stable);
    if (found === null) throw new TrackerError('NOT_FOUND', `deployment ${ns}/${name} has no canary`, { subject: `deployment/${name}`, hint: `start one: ${EXAMPLE}` });
    if (verb === 'status') {
      if (format === 'json') process.stdout.write(`${JSON.stringify({ record: found.record, status: found.status }, null, 2)}\n`);
      else process.stdout.write(describeStatus(found.record, found.status, Date.now()));
      return 0;
    }
    const cmd = { verb, id: ulid(), at: Date.now(), by: `${process.env.USER ?? 'user'}@${hostname()}` };
    // the label makes a leading serve look at it again (a retry of a finished canary)
    const answer = await api.send({ method: 'PATCH', path: `/apis/apps/v1/namespaces/${ns}/deployments/${name}`, patchType: 'merge', body: { metadata: { labels: { [ACTIVE_LABEL]: 'true' }, annotations: { [COMMAND_ANNOTATION]: encodeCommand(cmd) } } } }, signal);
    if (answer !== 'ok') throw new TrackerError('CONFLICT', `could not record ${verb} on deployment ${ns}/${name}: ${answer}`, { hint: 'retry the command' });
    const driven = (!isFinal(found.status.phase) && found.status.holderUntil > Date.now()) || (await leadingServe(conn.client, flags, signal)) !== null;
    if (format === 'json') process.stdout.write(`${JSON.stringify({ command: cmd, canary: found.record.id, driven })}\n`);
    else process.stderr.write(`${verb} requested for canary ${found.record.id} of deployment ${ns}/${name}; ${driven ? `driver ${found.status.holder} acts on it` : `no driver is running: run rollscope canary deployment/${name} -n ${ns} to act on it`}\n`);
    return 0;
  }

  const images = parseImages(flags.image);
  const steps = buildSteps({ ...(flags.steps === undefined ? {} : { steps: flags.steps }), ...(flags.pause === undefined ? {} : { pause: flags.pause }), ...(flags.pauseSteps === undefined ? {} : { pauseSteps: flags.pauseSteps }) });
  if (!steps.ok) throw new TrackerError('USAGE', steps.error, { subject: 'canary', hint: EXAMPLE });
  const timeoutMs = parseDurationFlag(flags.timeout, '--timeout');
  const leaseMs = parseDurationFlag(flags.lease, '--lease');
  const pollMs = parseDurationFlag(flags.poll, '--poll');
  let analysis = loadAnalysis(flags);
  if (analysis !== null && flags.prometheus === undefined) throw new TrackerError('USAGE', '--analysis needs --prometheus URL', { subject: '--prometheus', hint: EXAMPLE });
  let prom: PrometheusClient | null = null;
  if (flags.prometheus !== undefined) {
    prom = prometheusClient(flags.prometheus);
    await prom.instant('vector(1)', signal); // unreachable → METRICS_UNAVAILABLE, exit 5, naming the URL
    if (analysis === null) analysis = { metrics: defaultAnalysis().metrics.map((m) => ({ name: m.name, builtin: m.builtin!, ...(m.successCondition ? { successCondition: m.successCondition.text } : {}), ...(m.failureCondition ? { failureCondition: m.failureCondition.text } : {}) })) };
  }

  const obs = await observeCanary(api, ns, name, Date.now, signal);
  if (obs.stable === null) throw new TrackerError('NOT_FOUND', `deployment ${ns}/${name} not found`, { subject: `deployment/${name}`, hint: 'check the name and the namespace (-n)' });
  const running = findCanary(obs.stable);
  let proposed: CanaryRecord | null = null;
  if (running !== null && !isFinal(running.status.phase)) {
    const same = Object.entries(images).every(([c, i]) => running.record.images[c] === i) && Object.keys(images).length === Object.keys(running.record.images).length;
    if (!same) throw new TrackerError('CONFLICT', `deployment ${ns}/${name} already has canary ${running.record.id} running with ${Object.entries(running.record.images).map(([c, i]) => `${c}=${i}`).join(', ')}`, { hint: `attach with the same --image, or rollscope canary abort deployment/${name} first` });
    process.stderr.write(`attaching to canary ${running.record.id} (${running.status.phase}); Ctrl-C detaches\n`);
  } else {
    const services = await listServices(api, ns, signal);
    const problems = preflightProblems(obs.stable, images, services);
    if (problems.length > 0) throw new TrackerError('INVALID', `cannot start a canary: ${problems.join('; ')}`, { subject: `deployment/${name}`, hint: 'see "Canary releases" in the README' });
    if (Object.entries(images).every(([c, i]) => imagesOf(obs.stable)[c] === i)) throw new TrackerError('USAGE', `deployment ${ns}/${name} already runs ${Object.values(images).join(', ')}`, { subject: '--image', hint: 'give the new image' });
    proposed = proposeCanary({ id: ulid(), stable: obs.stable, images, steps: steps.value, analysis, baseline: flags.baseline === true, services, hpaReplicas: await hpaReplicas(api, ns, name, signal), prometheus: flags.prometheus ?? null, now: Date.now() });
    if (flags.prometheus !== undefined && publicPrometheusUrl(flags.prometheus).hadCredentials)
      process.stderr.write(`warning: the canary records ${proposed.prometheus} without the credentials of --prometheus (never stored on the cluster): another driver (a leading rollscope serve, a rerun) queries it without them\n`);
    process.stderr.write(`canary ${proposed.id} of deployment ${ns}/${name}: ${formatSteps(steps.value)} over ${proposed.total} replicas${proposed.service ? ` behind service ${proposed.service}` : ' (no Service found)'}; Ctrl-C detaches\n`);
  }
  // A leading serve (its heartbeat is fresh) drives the canary; this process only records it and attaches.
  const serve = await leadingServe(conn.client, flags, signal);
  if (serve !== null) process.stderr.write(`rollscope serve ${serve} leads: it drives the canary; attaching to show its progress (Ctrl-C detaches)\n`);
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  let outcome: CanaryRunOutcome;
  try {
    outcome = await runCanary(ns, name, {
      api,
      prometheus: prom,
      driver: { id: `cli-${hostname()}-${process.pid}-${ulid().slice(-6)}`, leaseMs },
      proposed,
      timeoutMs,
      pollMs,
      signal,
      onEvent: (e) => process.stderr.write(line(e)),
      ...(serve !== null ? { attachGraceMs: parseDurationFlag(flags.attachGrace, '--attach-grace') } : {}),
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
  if (format === 'json') process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
  else process.stdout.write(`${outcome.namespace}/${outcome.name}: ${outcome.result.toUpperCase()} — ${outcome.reason}${outcome.hint && outcome.result !== 'promoted' ? `\n  next: ${outcome.hint}` : ''}\n`);
  return exitCodeOfCanary(outcome.result);
}

/**
 * leadingServe is the identity of the rollscope serve whose canary heartbeat (controllers/canary/
 * heartbeat.ts; Lease `<--lease-name>-canary` in --lease-namespace, the same flags and variables as
 * serve's) is fresh, or null — also when the Lease cannot be read (then this process drives, which
 * is safe: drivers act only under the canary's claim).
 */
async function leadingServe(client: KubeClient, flags: CanaryFlags, signal: AbortSignal): Promise<string | null> {
  try {
    return freshHolder(await leaseLock(client, flags.leaseNamespace, driverLeaseName(flags.leaseName)).get(signal), Date.now());
  } catch {
    return null;
  }
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

/** registerCanary adds `rollscope canary`. */
export function registerCanary(program: Command): void {
  const cmd = program
    .command('canary')
    .description('replica-based canary release of a Deployment behind its Service, judged by Prometheus; resumable. Also: canary status|promote|abort|retry TYPE/NAME')
    .argument('<args...>', 'TYPE/NAME, or status|promote|abort|retry TYPE/NAME')
    .option('--image <CONTAINER=IMAGE>', 'new image of a container; repeatable', collect, [])
    .option('--steps <weights>', 'canary weights in percent; 100 is appended (default 10,25,50,100)')
    .option('--pause <duration>', 'pause after every step but the last (a duration, or manual)')
    .option('--pause-steps <list>', 'one pause per step, e.g. 1m,manual,5m')
    .option('--analysis <file>', 'analysis file (YAML; schema in docs/canary-analysis.schema.json)')
    .option('--prometheus <url>', 'Prometheus server for the analysis (alone: the built-in success-rate and p99 gates)')
    .option('--baseline', 'compare with a baseline Deployment of the stable version at the canary\'s size')
    .option('--timeout <duration>', 'stop waiting after this long (exit 2; the canary stays where it is)', '30m')
    .option('--lease <duration>', 'how long this driver\'s claim holds without renewal', '15s')
    .option('--poll <duration>', 'how often a paused or waiting canary is looked at again', '1s')
    // the same flags and variables as serve's, so one environment points both at the same Lease
    .addOption(new Option('--lease-namespace <ns>', 'namespace of rollscope serve\'s leader Lease: a fresh `<lease-name>-canary` Lease there means serve drives canaries, and this command attaches').env('ROLLSCOPE_LEASE_NAMESPACE').default('default'))
    .addOption(new Option('--lease-name <name>', 'name of rollscope serve\'s leader Lease').env('ROLLSCOPE_LEASE_NAME').default('rollscope'))
    .option('--attach-grace <duration>', 'when attached to a serve: drive the canary here if no driver has claimed it for this long', '10s')
    .option('-o, --output <format>', 'result format: text or json', 'text');
  addClusterOptions(cmd).action(async (args: string[], flags: CanaryFlags) => {
    process.exitCode = await runCanaryCommand(args, flags);
  });
}
