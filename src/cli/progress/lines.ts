import type { WaitSnapshot, WorkloadProgress } from '../../ops/waiter.ts';
import { goDuration } from '../../model/duration.ts';

/** MAX_STUCK_SHOWN bounds the stuck pods listed per workload, so the display stays a few lines. */
const MAX_STUCK_SHOWN = 3;

/** STATUS_WORD is the short word shown for each state of a workload in the live display. */
const STATUS_WORD: Readonly<Record<WorkloadProgress['status'], string>> = { waiting: 'waiting', done: 'rolled out', failed: 'FAILED', notfound: 'NOT FOUND' };

/**
 * progressLines renders a wait's state as a few lines for a terminal: per workload, its counts
 * (updated/ready/available of desired), then up to three stuck pods with their reason. Pure.
 * Example:
 *   deployment shop/web  waiting  updated 1/3 ready 2/3 available 2/3  12s
 *     web-7d9f-abc ImagePullBackOff: Back-off pulling image "web:missing"
 */
export function progressLines(s: WaitSnapshot): string[] {
  const out: string[] = [];
  for (const w of s.workloads) {
    const p = w.progress;
    const t = w.target;
    const counts = `updated ${p.updated}/${p.desired} ready ${p.ready}/${p.desired} available ${p.available}/${p.desired}`;
    const note = w.superseded ? '  (superseded by a newer revision; waiting for the newest)' : '';
    out.push(`${t.kind.toLowerCase()} ${t.namespace}/${t.name}  ${STATUS_WORD[w.status]}  ${counts}  ${goDuration(Math.floor(s.elapsedMs / 1000) * 1000)}${note}`);
    for (const pod of w.stuck.slice(0, MAX_STUCK_SHOWN)) out.push(`  ${pod.pod} ${pod.reason}${pod.message === '' ? '' : `: ${pod.message}`}`);
    if (w.stuck.length > MAX_STUCK_SHOWN) out.push(`  … and ${w.stuck.length - MAX_STUCK_SHOWN} more stuck pods`);
    if (w.stuck.length === 0 && w.diagnosis && w.status === 'waiting') out.push(`  ${w.diagnosis.code}: ${w.diagnosis.message}`);
  }
  return out;
}

/** KIND_WORDS are kubectl's words for each kind in rollout status messages. */
const KIND_WORDS: Readonly<Record<string, string>> = { Deployment: 'deployment', StatefulSet: 'statefulset', DaemonSet: 'daemon set' };

/**
 * plainLine renders one workload as one line in kubectl's rollout-status style, for logs (no
 * escape codes). Pure. Examples:
 *   Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...
 *   Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas are available... (Warning: web-7d9f-abc ImagePullBackOff: Back-off pulling image "web:missing")
 */
export function plainLine(w: WorkloadProgress): string {
  const word = KIND_WORDS[w.target.kind] ?? w.target.kind.toLowerCase();
  const p = w.progress;
  const unit = w.target.kind === 'Deployment' ? 'replicas' : 'pods';
  const what =
    p.updated < p.desired
      ? `${p.updated} out of ${p.desired} new ${unit} have been updated...`
      : p.available < p.updated
        ? `${p.available} of ${p.updated} updated ${unit} are available...`
        : `${w.message}...`;
  const first = w.stuck[0];
  const warning = first ? ` (Warning: ${first.pod} ${first.reason}${first.message === '' ? '' : `: ${first.message}`})` : w.diagnosis ? ` (Warning: ${w.diagnosis.code}: ${w.diagnosis.message})` : '';
  const superseded = w.superseded ? ' [superseded by a newer revision; waiting for the newest]' : '';
  return `Waiting for ${word} "${w.target.name}" rollout to finish: ${what}${warning}${superseded}`;
}
