import type { KubeHttp } from '../kube/client.ts';
import { readPodLog } from '../kube/pod-log.ts';
import { redactText } from '../lib/redact.ts';
import type { Diagnosis } from '../model/diagnosis.ts';

/**
 * A CrashLoop diagnosis quotes the last lines the crashed container wrote before it exited (as
 * kubedog does), read from its previous run's log (`kubectl logs --previous`). Limits: at most
 * CRASH_LOG_LINES lines, each cut at CRASH_LOG_LINE_CHARS, at most CRASH_LOG_BYTES from the server;
 * every line goes through redactText (credentials in URLs, secret-looking key=value pairs), so no
 * secret value reaches a terminal, a JSON document or the ledger. A log that cannot be read (no
 * `get pods/log` permission, the run already gone) leaves the diagnosis as it was.
 */

/** CRASH_LOG_LINES is how many last lines a CrashLoop diagnosis quotes. */
export const CRASH_LOG_LINES = 10;
/** CRASH_LOG_BYTES caps what is read from the server. */
export const CRASH_LOG_BYTES = 8192;
/** CRASH_LOG_LINE_CHARS caps each quoted line. */
export const CRASH_LOG_LINE_CHARS = 300;

/** containerOf reads the crashed container's name from a CrashLoop diagnosis. */
function containerOf(d: Diagnosis): string | undefined {
  return d.container ?? /^container (\S+) is crash-looping/.exec(d.message)?.[1];
}

/** podOf reads `namespace/name` of the pod a diagnosis was seen on (`Pod shop/web-abc12`). */
function podOf(d: Diagnosis, namespace: string): { readonly namespace: string; readonly name: string } | undefined {
  const m = /^Pod (?:([^/\s]+)\/)?(\S+)$/.exec(d.object ?? '');
  return m ? { namespace: m[1] ?? namespace, name: m[2] ?? '' } : undefined;
}

/** tailOf keeps the last lines of a log, cut and redacted. */
export function tailOf(log: string): string[] {
  const lines = log.split('\n').filter((l) => l.trim() !== '');
  return lines.slice(-CRASH_LOG_LINES).map((l) => redactText(l.length > CRASH_LOG_LINE_CHARS ? `${l.slice(0, CRASH_LOG_LINE_CHARS)}…` : l));
}

/** withCrashLog returns a CrashLoop diagnosis with `logTail` (the previous run's last lines); any other diagnosis unchanged. */
export async function withCrashLog(http: KubeHttp, diagnosis: Diagnosis, namespace: string, signal: AbortSignal): Promise<Diagnosis> {
  if (diagnosis.code !== 'CrashLoop' || diagnosis.logTail !== undefined) return diagnosis;
  const pod = podOf(diagnosis, namespace);
  const container = containerOf(diagnosis);
  if (!pod || container === undefined) return diagnosis;
  const read = (previous: boolean): Promise<string> => readPodLog(http, pod.namespace, pod.name, { container, previous, tailLines: CRASH_LOG_LINES, limitBytes: CRASH_LOG_BYTES }, signal);
  try {
    const log = await read(true).catch(() => read(false));
    const logTail = tailOf(log);
    return logTail.length === 0 ? diagnosis : { ...diagnosis, container, logTail };
  } catch {
    return diagnosis;
  }
}
