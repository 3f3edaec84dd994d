import type { ApiRelease } from '../api.ts';
import { OUTCOME_COLORS } from '../format.ts';

const RUNNING = new Set(['progressing', 'paused']);

/**
 * barEnd is where a release's bar stops: its finish; else now while it runs; else (superseded or
 * rolled back before it finished) the start of the next release of the same workload.
 */
function barEnd(r: ApiRelease, all: readonly ApiRelease[], now: number): number {
  if (r.finishedAt) return Date.parse(r.finishedAt);
  if (RUNNING.has(r.outcome)) return now;
  const start = Date.parse(r.startedAt);
  const next = all.filter((o) => o.workloadUid === r.workloadUid && Date.parse(o.startedAt) > start).map((o) => Date.parse(o.startedAt));
  return next.length ? Math.min(...next) : start;
}

/**
 * ReleaseTimeline draws releases across the cluster as bars on a shared time axis, one row per
 * workload (start → finish, or → now while running), coloured by outcome. Clicking a bar opens
 * the release. Rows are labelled `cluster: namespace/name` when the releases span several clusters.
 */
export function ReleaseTimeline({ releases, now }: { readonly releases: readonly ApiRelease[]; readonly now: number }) {
  if (releases.length === 0) return null;
  const clusters = new Set(releases.map((r) => r.cluster)).size > 1;
  const rowOf = (r: ApiRelease): string => `${clusters ? `${r.cluster}: ` : ''}${r.namespace}/${r.name}`;
  const rows = [...new Set(releases.map(rowOf))].sort();
  const starts = releases.map((r) => Date.parse(r.startedAt));
  const min = Math.min(...starts);
  const max = Math.max(...releases.map((r) => barEnd(r, releases, now)), ...(releases.some((r) => RUNNING.has(r.outcome)) ? [now] : []));
  const span = Math.max(1, max - min);
  const label = 150, width = 1000, rowH = 18, top = 18;
  const x = (t: number): number => label + ((t - min) / span) * (width - label - 10);
  const ticks = Array.from({ length: 5 }, (_, i) => min + (span * i) / 4);
  return (
    <svg role="img" aria-label="release timeline" viewBox={`0 0 ${width} ${top + rows.length * rowH + 4}`} className="timeline" style={{ width: '100%', minWidth: 720 }}>
      {ticks.map((t) => (
        <g key={t}>
          <line x1={x(t)} x2={x(t)} y1={12} y2={top + rows.length * rowH} stroke="var(--line)" />
          <text x={x(t)} y={10} textAnchor="middle">{new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</text>
        </g>
      ))}
      {rows.map((row, i) => (
        <text key={row} x={4} y={top + i * rowH + 12}>{row.length > 24 ? `${row.slice(0, 23)}…` : row}</text>
      ))}
      {releases.map((r) => {
        const i = rows.indexOf(rowOf(r));
        const s = Date.parse(r.startedAt);
        const e = barEnd(r, releases, now);
        return (
          <a key={r.id} href={`#/release/${r.id}`}>
            <rect data-release={r.id} x={x(s)} y={top + i * rowH + 3} width={Math.max(3, x(e) - x(s))} height={rowH - 6} rx={3} fill={OUTCOME_COLORS[r.outcome] ?? 'var(--muted)'}>
              <title>{`${rowOf(r)} #${r.releaseNumber} ${r.outcome}${r.failure ? ` — ${r.failure.code}` : ''}`}</title>
            </rect>
          </a>
        );
      })}
    </svg>
  );
}
