import type { ClusterAccess } from '../../kube/kubeconfig.ts';
import type { WireFormat } from '../../kube/protobuf-wire.ts';
import { wireOption } from '../wire-flag.ts';
import type { Command } from 'commander';
import { loadKubeConfig } from '../../kube/client.ts';
import { TrackerError } from '../../lib/errors.ts';
import { createKubeClient, type KubeClient } from '../../kube/api-client.ts';
import { DEFAULT_WAIT_TIMEOUT_MS, waitForRollouts, type WaitResult } from '../../ops/waiter.ts';
import { goDuration, parseDuration } from '../../model/duration.ts';
import { parseFailFastRules, type FailFastRules } from '../../track/status/fail-fast.ts';
import { EXIT } from '../exit-codes.ts';
import { displayFor } from '../progress/display.ts';
import { humanResult, jsonResult } from '../progress/result.ts';
import type { WorkloadTarget } from '../../model/release.ts';

/** ClusterFlags are the connection flags every cluster command takes. */
export interface ClusterFlags {
  readonly namespace?: string;
  readonly kubeconfig?: string;
  readonly context?: string;
}

/** WaitFlags are the flags that shape a wait (for `wait`, and for the other commands' `--wait`). */
export interface WaitFlags {
  readonly timeout: string;
  readonly failFast?: string;
  readonly grace?: string;
  readonly output?: string;
  readonly wire?: WireFormat;
}

/** Connection is a loaded kubeconfig, the namespace to act in, and a client. */
export interface Connection {
  readonly kubeConfig: ClusterAccess;
  readonly namespace: string;
  readonly client: KubeClient;
}

/** connect loads the kubeconfig (CONFIG_INVALID when unusable) and picks the namespace: -n, else the context's, else default. */
export function connect(flags: ClusterFlags): Connection {
  const kubeConfig = loadKubeConfig({ ...(flags.kubeconfig === undefined ? {} : { kubeconfig: flags.kubeconfig }), ...(flags.context === undefined ? {} : { context: flags.context }) });
  const namespace = flags.namespace ?? kubeConfig.namespace;
  return { kubeConfig, namespace, client: createKubeClient(kubeConfig) };
}

/** addClusterOptions adds -n, --kubeconfig and --context. */
export function addClusterOptions(cmd: Command): Command {
  return cmd
    .option('-n, --namespace <ns>', 'namespace (default: the kubeconfig context namespace, else default)')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context');
}

/** addWaitOptions adds the flags that shape a wait; `withOutput` adds -o too. */
export function addWaitOptions(cmd: Command, withOutput = true): Command {
  cmd
    .option('--timeout <duration>', 'give up after this long (exit 2), e.g. 90s, 10m', goDuration(DEFAULT_WAIT_TIMEOUT_MS))
    .option('--fail-fast <rules>', 'which diagnoses fail the rollout and after how long, e.g. ImagePullFailed=0s,Unschedulable=1m,ReadinessFailing=never (none = no rules)')
    .option('--grace <duration>', 'how long a workload missing at the start may take to appear before it counts as not found (exit 4)', '0s')
    .addOption(wireOption());
  if (withOutput) cmd.option('-o, --output <format>', 'result format: text or json', 'text');
  return cmd;
}

/** parseDurationFlag reads a duration flag (USAGE naming the flag when it is not one). */
export function parseDurationFlag(text: string, flag: string): number {
  const ms = parseDuration(text);
  if (ms === null) throw new TrackerError('USAGE', `${flag} ${text} is not a duration`, { subject: flag, hint: `pass a duration such as 30s, 2m or 1h30m to ${flag}` });
  return ms;
}

/** parseOutput reads -o: text (also table) or json. */
export function parseOutput(text: string | undefined): 'text' | 'json' {
  if (text === undefined || text === 'text' || text === 'table') return 'text';
  if (text === 'json') return 'json';
  throw new TrackerError('USAGE', `-o ${text} is not one of text, json`, { subject: '-o', hint: 'pass -o json for a machine-readable result, or leave -o out' });
}

function parseRules(text: string | undefined): FailFastRules | undefined {
  if (text === undefined) return undefined;
  const r = parseFailFastRules(text);
  if (!r.ok) throw r.error;
  return r.value;
}

/** exitFor maps a wait's result to the exit code: 0 rolled out, 1 failed, 2 timed out, 4 not found. */
export function exitFor(r: WaitResult): number {
  if (r.notFound.length > 0) return EXIT.notFound;
  return r.result === 'succeeded' ? EXIT.ok : r.result === 'timeout' ? EXIT.timeout : EXIT.rolloutFailed;
}

/**
 * runWait waits for `targets`, shows live progress on stderr (redrawn in place on a terminal, plain
 * lines otherwise — also with -o json, whose document alone goes to stdout), prints the result (text, or the JSON document on stdout) and returns the exit code.
 * Flags are validated before any request. `pausedIsDone` (for `pause --wait`) counts an observed pause as done.
 */
export async function runWait(kubeConfig: ClusterAccess, targets: readonly WorkloadTarget[], flags: WaitFlags, pausedIsDone = false): Promise<number> {
  const timeoutMs = parseDurationFlag(flags.timeout, '--timeout');
  const notFoundGraceMs = parseDurationFlag(flags.grace ?? '0s', '--grace');
  const format = parseOutput(flags.output);
  const rules = parseRules(flags.failFast);
  const display = displayFor(process.stderr);
  const result = await waitForRollouts({ kubeConfig, targets, timeoutMs, notFoundGraceMs, ...(rules ? { rules } : {}), pausedIsDone, ...(flags.wire ? { wire: flags.wire } : {}), onUpdate: (s) => display.update(s) });
  display.finish();
  const human = humanResult(result);
  process.stdout.write(format === 'json' ? jsonResult(result) : human.stdout);
  process.stderr.write(human.stderr);
  return exitFor(result);
}
