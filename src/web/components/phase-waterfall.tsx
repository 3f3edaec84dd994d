import type { ApiRelease } from '../api.ts';
import { fmtDuration } from '../format.ts';
import { useT } from '../i18n.ts';

const PHASES = ['templateObserved', 'revisionCreated', 'firstPodScheduled', 'firstImagePulled', 'firstPodReady', 'allUpdated', 'allAvailable', 'oldReplicasGone'] as const;

/**
 * stalledPhase is the first phase a release that did not succeed never reached (where it stalled),
 * or null when it reached them all or succeeded.
 */
export function stalledPhase(release: ApiRelease): string | null {
  if (release.outcome === 'succeeded') return null;
  return PHASES.find((p) => p !== 'templateObserved' && !release.phases[p]) ?? null;
}

/** barLabel is a phase's duration; under a second is "<1s", not a misleading "0s". */
const barLabel = (ms: number): string => (ms < 1000 ? '<1s' : fmtDuration(ms));

/**
 * PhaseWaterfall shows where a rollout's time went: one bar per phase reached, from the previous
 * phase to this one, on a shared axis from template observed to the outcome (or now). A release
 * that did not succeed gets one more row: the phase it never reached, with a hatched bar from the
 * last phase it did reach to its end — now while it is in progress or `stuck` — where it stalled, and for how long.
 */
export function PhaseWaterfall({ release, now, stuck = false }: { readonly release: ApiRelease; readonly now: number; readonly stuck?: boolean }) {
  const t = useT();
  const start = Date.parse(release.phases.templateObserved ?? release.startedAt);
  // A stuck release (failed, nothing has replaced or fixed it) is still stalled now, whatever its verdict time.
  const end = release.finishedAt && !stuck ? Date.parse(release.finishedAt) : now;
  const reached = PHASES.filter((p) => p !== 'templateObserved' && release.phases[p]).map((p) => [p, Date.parse(release.phases[p]!)] as const);
  const stalled = stalledPhase(release);
  const lastReached = Math.max(start, ...reached.map(([, at]) => at));
  const rows = reached.length + (stalled ? 2 : 0); // the stalled phase: its bar, then a line saying for how long
  const span = Math.max(1, end - start);
  const label = 150, width = 800, rowH = 22;
  const x = (at: number): number => label + ((Math.min(Math.max(at, start), end) - start) / span) * (width - label - 70);
  let prev = start;
  return (
    <svg role="img" aria-label="phase waterfall" viewBox={`0 0 ${width} ${Math.max(1, rows) * rowH + 6}`} className="waterfall" style={{ width: '100%', minWidth: 560 }}>
      <defs>
        <pattern id="stalled-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="3" height="6" fill="var(--bad)" /></pattern>
      </defs>
      {rows === 0 && <text x={4} y={16}>–</text>}
      {reached.map(([p, at], i) => {
        const from = prev;
        prev = Math.max(prev, at);
        return (
          <g key={p} data-phase={p}>
            <text x={4} y={i * rowH + 15}>{p}</text>
            <rect x={x(from)} y={i * rowH + 4} width={Math.max(2, x(at) - x(from))} height={rowH - 8} rx={3} fill="var(--accent)" />
            <text x={x(at) + 4} y={i * rowH + 15}>{barLabel(at - from)}</text>
          </g>
        );
      })}
      {stalled && (
        <g data-phase={stalled} data-stalled={fmtDuration(Math.max(0, end - lastReached))}>
          <text x={4} y={reached.length * rowH + 15} fill="var(--bad)">{stalled}</text>
          <rect x={x(lastReached)} y={reached.length * rowH + 4} width={Math.max(2, x(end) - x(lastReached))} height={rowH - 8} rx={3} fill="url(#stalled-hatch)" stroke="var(--bad)" />
          <text x={x(lastReached) > width / 2 ? x(end) : x(lastReached)} textAnchor={x(lastReached) > width / 2 ? 'end' : 'start'} y={(reached.length + 1) * rowH + 15} fill="var(--bad)">{stuck ? t.stuckFor : release.finishedAt ? t.neverReached : t.waitingFor} {fmtDuration(Math.max(0, end - lastReached))}</text>
        </g>
      )}
    </svg>
  );
}
