import type { Instant } from '../../lib/clock.ts';
import { PHASE_NAMES, type Release } from '../../model/release.ts';
import { diffTemplates } from '../../model/template-diff.ts';
import { formatAge, formatDuration } from '../../model/duration.ts';
import { actorText, durationText, resourceName } from './release-table.ts';
import { formatTable } from './table.ts';
import { triggerText } from '../../model/trigger-text.ts';

/** ReleaseDetail is what `rollscope show` prints: a release and the one it replaced (when still in the ledger). */
export interface ReleaseDetail {
  readonly release: Release;
  readonly previous: Release | null;
  /** Failed and still its workload's latest release (store/stuck.ts). */
  readonly stuck: boolean;
}

/** BAR_WIDTH is the width in characters of the phase waterfall. */
const BAR_WIDTH = 30;

const iso = (t: Instant): string => new Date(t).toISOString();
const offset = (from: Instant, t: Instant): string => `+${formatDuration(t - from)}`;
const json = (v: unknown): string => (v === undefined ? '' : JSON.stringify(v));

/** summaryLines are the header and the `Field: value` block. */
function summaryLines(r: Release, previous: Release | null, now: Instant, stuck: boolean): string[] {
  const w = r.workload;
  const fields: [string, string][] = [
    ['Release', `#${r.releaseNumber}  id ${r.id}${r.revision === null ? '' : `  revision ${r.revision}`}${r.backfilled ? '  (backfilled from the cluster\'s history)' : ''}`],
    ['Trigger', `${triggerText(r)}${previous ? `, after #${previous.releaseNumber}` : r.previousReleaseId ? `, after ${r.previousReleaseId}` : ''}`],
    ['Images', r.images.map((i) => `${i.container}=${i.image}${i.digest ? ` (${i.digest})` : ''}`).join(', ') || '<none>'],
    ['Actor', actorText(r)],
    ['Change cause', r.changeCause ?? '<none>'],
    ['Started', `${iso(r.startedAt)} (${formatAge(now - r.startedAt)} ago)`],
    ['Finished', r.finishedAt === null ? '-' : iso(r.finishedAt)],
    ['Duration', durationText(r, now)],
    ['Outcome', stuck ? `${r.outcome}, stuck: no newer release has replaced it and it has not recovered` : r.outcome],
  ];
  if (r.failure) {
    const f = r.failure;
    const where = [f.object ?? '', f.exitCode === undefined ? '' : `exit code ${f.exitCode}`].filter((s) => s !== '').join(', ');
    fields.push(['Diagnosis', `${f.code} (${f.reason}): ${f.message}${where ? ` [${where}]` : ''}`]);
  }
  const tail = r.failure?.logTail ?? [];
  fields.push(['Replicas', `${r.replicas.desired} desired, ${r.replicas.updated} updated, ${r.replicas.ready} ready, ${r.replicas.available} available`]);
  const width = Math.max(...fields.map(([k]) => k.length)) + 2;
  const log = tail.length === 0 ? [] : [`last log lines of container ${r.failure?.container ?? '?'} before it exited:`, ...tail.map((l) => `  | ${l}`)];
  return [`${resourceName(w.kind)}/${w.name} in namespace ${w.namespace}, cluster ${w.cluster}`, ...fields.map(([k, v]) => `${`${k}:`.padEnd(width)}${v}`), ...log];
}

/**
 * timelineLines are the rollout's phases in order: when each was reached (offset from the start),
 * the step from the previous reached phase, and a waterfall bar over the rollout's span (to its
 * finish, or to `now` while it runs or is stuck). Unreached phases show `-`; the first one a release
 * that did not succeed never reached is where it stalled: `stalled`/`stuck`/`waiting` and for how long, with a ░ bar.
 */
function timelineLines(r: Release, now: Instant, stuck: boolean): string[] {
  // A stuck release is stalled until now, whatever its verdict time.
  const end = Math.max(stuck ? now : (r.finishedAt ?? now), ...PHASE_NAMES.map((p) => r.phases[p] ?? r.startedAt));
  const lastReached = Math.max(r.startedAt, ...PHASE_NAMES.map((p) => r.phases[p] ?? r.startedAt));
  const stalled = r.outcome === 'succeeded' ? undefined : PHASE_NAMES.find((p) => p !== 'templateObserved' && r.phases[p] === undefined);
  const span = Math.max(1, end - r.startedAt);
  // A column of the bar; phases recorded before the start (backfilled history) clamp to its left end.
  const column = (t: Instant): number => Math.min(BAR_WIDTH - 1, Math.max(0, Math.round(((t - r.startedAt) / span) * BAR_WIDTH)));
  let prev = r.startedAt;
  const rows = PHASE_NAMES.map((p) => {
    const at = r.phases[p];
    if (at === undefined && p === stalled) {
      const from = column(lastReached);
      return [p, '-', `${stuck ? 'stuck' : r.finishedAt === null ? 'waiting' : 'stalled'} ${formatDuration(end - lastReached)}`, `${' '.repeat(from)}${'░'.repeat(Math.max(1, BAR_WIDTH - from))}`];
    }
    if (at === undefined) return [p, '-', '', ''];
    const from = column(prev);
    const to = Math.max(from + 1, column(at));
    const row = [p, offset(r.startedAt, at), formatDuration(at - prev), `${' '.repeat(from)}${'█'.repeat(to - from)}`];
    prev = at;
    return row;
  });
  return formatTable(['PHASE', 'AT', 'STEP', 'WATERFALL'], rows).trimEnd().split('\n');
}

function eventLines(r: Release): string[] {
  if (r.events.length === 0) return ['<none>'];
  const rows = [...r.events]
    .sort((a, b) => a.time - b.time)
    .map((e) => [offset(r.startedAt, e.time), e.type, `${e.reason}${e.count > 1 ? ` ×${e.count}` : ''}`, e.object, e.message]);
  return formatTable(['AT', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'], rows).trimEnd().split('\n');
}

function diffLines(d: ReleaseDetail): string[] {
  if (d.previous === null) return [d.release.previousReleaseId ? `the previous release ${d.release.previousReleaseId} is no longer in the ledger` : 'none: the first release the ledger holds for this workload'];
  const diff = diffTemplates(d.previous.template, d.release.template);
  if (diff.length === 0) return ['no change (same template)'];
  const sign = { added: '+', removed: '-', changed: '~' } as const;
  return diff.map((c) => `${sign[c.op]} ${c.path}: ${c.op === 'changed' ? `${json(c.before)} → ${json(c.after)}` : json(c.op === 'added' ? c.after : c.before)}`);
}

const indent = (lines: readonly string[]): string[] => lines.map((l) => `  ${l}`);

/**
 * formatReleaseDetail renders one release for the terminal: the summary (trigger, images, actor,
 * times, outcome, diagnosis, replicas), the phase timeline with a waterfall, the Kubernetes events
 * kept with it (times as offsets from the start), and the template diff against the previous release.
 */
export function formatReleaseDetail(d: ReleaseDetail, now: Instant): string {
  const r = d.release;
  const diffTitle = d.previous ? `Template diff against #${d.previous.releaseNumber} (${d.previous.id}):` : 'Template diff:';
  return [...summaryLines(r, d.previous, now, d.stuck), '', 'Timeline:', ...indent(timelineLines(r, now, d.stuck)), '', 'Events:', ...indent(eventLines(r)), '', diffTitle, ...indent(diffLines(d)), ''].join('\n');
}
