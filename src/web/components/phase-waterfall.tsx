import type { ApiRelease } from '../api.ts';
import { fmtDuration } from '../format.ts';

const PHASES = ['templateObserved', 'revisionCreated', 'firstPodScheduled', 'firstImagePulled', 'firstPodReady', 'allUpdated', 'allAvailable', 'oldReplicasGone'] as const;

/**
 * PhaseWaterfall shows where a rollout's time went: one bar per phase reached, from the previous
 * phase to this one, on a shared axis from template observed to the outcome.
 */
export function PhaseWaterfall({ release, now }: { readonly release: ApiRelease; readonly now: number }) {
  const start = Date.parse(release.phases.templateObserved ?? release.startedAt);
  const end = release.finishedAt ? Date.parse(release.finishedAt) : now;
  const reached = PHASES.filter((p) => p !== 'templateObserved' && release.phases[p]).map((p) => [p, Date.parse(release.phases[p]!)] as const);
  const span = Math.max(1, end - start);
  const label = 150, width = 800, rowH = 22;
  const x = (t: number): number => label + ((Math.min(Math.max(t, start), end) - start) / span) * (width - label - 70);
  let prev = start;
  return (
    <svg role="img" aria-label="phase waterfall" viewBox={`0 0 ${width} ${Math.max(1, reached.length) * rowH + 6}`} className="waterfall" style={{ width: '100%', minWidth: 560 }}>
      {reached.length === 0 && <text x={4} y={16}>–</text>}
      {reached.map(([p, t], i) => {
        const from = prev;
        prev = Math.max(prev, t);
        return (
          <g key={p} data-phase={p}>
            <text x={4} y={i * rowH + 15}>{p}</text>
            <rect x={x(from)} y={i * rowH + 4} width={Math.max(2, x(t) - x(from))} height={rowH - 8} rx={3} fill="var(--accent)" />
            <text x={x(t) + 4} y={i * rowH + 15}>{fmtDuration(t - from)}</text>
          </g>
        );
      })}
    </svg>
  );
}
