import type { DiagnosisCode } from '../../model/diagnosis.ts';
import type { WaitResult, WorkloadResult } from '../../ops/waiter.ts';
import { goDuration } from '../../model/duration.ts';

/** HINTS says what to do next for each way a rollout fails. */
const HINTS: Readonly<Record<DiagnosisCode | 'Paused' | 'NotFound', (w: WorkloadResult) => string>> = {
  ImagePullFailed: (w) => `check the image name and tag and the registry credentials (imagePullSecrets); inspect with: kubectl -n ${w.namespace} describe ${podOf(w)}`,
  CrashLoop: (w) => `read the crashed container's log: kubectl -n ${w.namespace} logs --previous ${podOf(w)}`,
  Unschedulable: (w) => `free or add capacity, or lower the pod's requests; see: kubectl -n ${w.namespace} describe ${podOf(w)}`,
  ReadinessFailing: (w) => `check the readiness probe and the app's health endpoint; see: kubectl -n ${w.namespace} describe ${podOf(w)} (raise the grace with --fail-fast ReadinessFailing=5m)`,
  ConfigError: (w) => `create the missing ConfigMap/Secret (or key) the pod references; see: kubectl -n ${w.namespace} describe ${podOf(w)}`,
  ReplicaFailure: (w) => `check quota and admission: kubectl -n ${w.namespace} get events --field-selector reason=FailedCreate`,
  ProgressDeadlineExceeded: (w) => `see why pods are not becoming available: kubectl -n ${w.namespace} describe ${w.kind.toLowerCase()} ${w.name}`,
  Deleted: (w) => `the ${w.kind} was deleted while waiting; re-create it, then wait again`,
  Timeout: (w) => `raise --timeout, or look at: kubectl -n ${w.namespace} describe ${w.kind.toLowerCase()} ${w.name}`,
  Paused: (w) => `resume it with: rollscope resume ${w.kind.toLowerCase()}/${w.name} -n ${w.namespace}`,
  NotFound: (w) => `check the name and the namespace (-n); to wait for a workload that is about to be created, pass --grace 30s (list them with: kubectl get ${w.kind.toLowerCase()}s -n ${w.namespace})`,
};

function podOf(w: WorkloadResult): string {
  const o = w.diagnosis?.object ?? '';
  const m = /^Pod (?:[^/\s]+\/)?(\S+)$/.exec(o);
  return m ? `pod ${m[1]}` : `${w.kind.toLowerCase()} ${w.name}`;
}

const subject = (w: WorkloadResult): string => `${w.kind.toLowerCase()} ${w.namespace}/${w.name}`;

/**
 * detailOf is the text after `failed:`: the diagnosis once, as `CODE: message` — after the verdict's
 * own message when that says something else (e.g. a progress deadline), never the code twice.
 */
function detailOf(w: WorkloadResult): string {
  const d = w.diagnosis;
  if (!d || d.code === 'Deleted') return w.message;
  const diagnosis = `${d.code}: ${d.message}`;
  if (w.message === d.message || w.message === diagnosis || w.message === '') return diagnosis;
  return w.message.includes(d.message) ? w.message : `${w.message}: ${diagnosis}`;
}

/**
 * humanResult renders a wait's outcome for people: `stdout` gets one line per rolled-out workload
 * (kubectl's `deployment "web" successfully rolled out`, with the time taken); `stderr` gets, per
 * failed or unfinished workload, an `error:` line naming it and a `hint:` line.
 */
export function humanResult(r: WaitResult): { readonly stdout: string; readonly stderr: string } {
  let stdout = '';
  let stderr = '';
  for (const w of r.workloads) {
    if (w.state === 'Current') {
      stdout += `${w.kind === 'DaemonSet' ? 'daemon set' : w.kind.toLowerCase()} "${w.name}" successfully rolled out (${goDuration(Math.round(w.durationMs / 1000) * 1000)})${w.superseded ? ' — superseded during the wait; this is the newest revision' : ''}\n`;
      continue;
    }
    if (w.state === 'Paused' && r.result === 'succeeded') {
      stdout += `${w.kind.toLowerCase()} "${w.name}" paused (observed by the controller)\n`;
      continue;
    }
    if (w.state === 'InProgress' && r.result === 'failed') {
      stderr += `note: ${subject(w)} was still rolling out (${w.message})\n`;
      continue;
    }
    const key = w.state === 'NotFound' ? 'NotFound' : w.reason === 'Paused' ? 'Paused' : (w.diagnosis?.code ?? (w.state === 'Timeout' ? 'Timeout' : 'ProgressDeadlineExceeded'));
    const what = w.state === 'NotFound' ? 'not found' : w.state === 'Timeout' ? 'timed out' : 'failed';
    stderr += w.state === 'NotFound' ? `error: ${w.kind.toLowerCase()} ${w.name} not found in namespace ${w.namespace}\n` : `error: ${subject(w)} ${what}: ${detailOf(w)}\n`;
    const tail = w.diagnosis?.logTail ?? [];
    if (tail.length > 0) stderr += `last log lines of container ${w.diagnosis?.container ?? '?'} before it exited:\n${tail.map((l) => `  | ${l}\n`).join('')}`;
    stderr += `hint: ${HINTS[key](w)}\n`;
  }
  return { stdout, stderr };
}

/** jsonResult is the `-o json` document: `{result, workloads: [...], durationMs}`. */
export function jsonResult(r: WaitResult): string {
  const workloads = r.workloads.map((w) => ({
    kind: w.kind,
    namespace: w.namespace,
    name: w.name,
    state: w.state,
    reason: w.reason,
    message: w.message,
    diagnosis: w.diagnosis,
    progress: w.progress,
    durationMs: w.durationMs,
    superseded: w.superseded,
  }));
  return `${JSON.stringify({ result: r.result, workloads, durationMs: r.durationMs }, null, 2)}\n`;
}
