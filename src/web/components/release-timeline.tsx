import type { ApiRelease } from '../api.ts';
import { OUTCOME_COLORS } from '../format.ts';

/**
 * ReleaseTimeline draws releases across the cluster as bars on a shared time axis, one row per
 * workload (start → finish, or → now while running), coloured by outcome. Clicking a bar opens
 * the release.
 */
export function ReleaseTimeline({ releases, now }: { readonly releases: readonly ApiRelease[]; readonly now: number }) {
  if (releases.length === 0) return null;
  const rows = [...new Set(releases.map((r) => `${r.namespace}/${r.name}`))].sort();
  const starts = releases.map((r) => Date.parse(r.startedAt));
  const min = Math.min(...starts);
  const max = Math.max(now, ...releases.map((r) => (r.finishedAt ? Date.parse(r.finishedAt) : now)));
  const span = Math.max(1, max - min);
  const label = 150, width = 1000, rowH = 18, top = 18;
  const x = (t: number): number => label + ((t - min) / span) * (width - label - 10);
  const ticks = Array.from({ length: 5 }, (_, i) => min + (span * i) / 4);
  return (
    <svg role="img" aria-label="release timeline" viewBox={`0 0 ${width} ${top + rows.length * rowH + 4}`} style={{ width: '100%', minWidth: 360 }}>
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
        const i = rows.indexOf(`${r.namespace}/${r.name}`);
        const s = Date.parse(r.startedAt);
        const e = r.finishedAt ? Date.parse(r.finishedAt) : now;
        return (
          <a key={r.id} href={`#/release/${r.id}`}>
            <rect data-release={r.id} x={x(s)} y={top + i * rowH + 3} width={Math.max(3, x(e) - x(s))} height={rowH - 6} rx={3} fill={OUTCOME_COLORS[r.outcome] ?? 'var(--muted)'}>
              <title>{`${r.namespace}/${r.name} #${r.releaseNumber} ${r.outcome}${r.failure ? ` — ${r.failure.code}` : ''}`}</title>
            </rect>
          </a>
        );
      })}
    </svg>
  );
}
