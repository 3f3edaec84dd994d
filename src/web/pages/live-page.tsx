import { useEffect, useState } from 'react';
import { api, serverNow, subscribe, type ApiRelease } from '../api.ts';
import { OutcomeBadge } from '../components/outcome-badge.tsx';
import { stalledPhase } from '../components/phase-waterfall.tsx';
import { fmtElapsed, shortImage } from '../format.ts';
import { useT } from '../i18n.ts';
import { useAnswerOrder } from '../answer-order.ts';
import { multiCluster, useClusterScope } from '../cluster-scope.ts';
import { triggerText } from '../../model/trigger-text.ts';

function Progress({ r }: { readonly r: ApiRelease }) {
  const t = useT();
  const want = Math.max(1, r.replicas.desired);
  return (
    <div>
      <div className="bar" title={`${r.replicas.available}/${r.replicas.desired}`}><span style={{ width: `${(100 * r.replicas.available) / want}%` }} /></div>
      <small className="muted">{r.replicas.updated} {t.updated} · {r.replicas.ready} {t.ready} · {r.replicas.available}/{r.replicas.desired} {t.available}</small>
    </div>
  );
}

/** LiveData is what the Live page shows: rollouts in progress and failed rollouts nothing has ended yet (null until the first answer). */
interface LiveData {
  readonly active: readonly ApiRelease[];
  readonly stuck: readonly ApiRelease[];
}

/** Card is one rollout: where it is, its progress, and its diagnosis as soon as one is known. */
function Card({ r, now, stuck }: { readonly r: ApiRelease; readonly now: number; readonly stuck: boolean }) {
  const t = useT();
  const scope = useClusterScope();
  const stall = stuck ? stalledPhase(r) : null;
  return (
    <div className={stuck ? 'card stuck' : 'card'} data-live={r.id} data-cluster={r.cluster} {...(stuck ? { 'data-stuck': r.id } : {})}>
      <div><a href={`#/release/${r.id}`}><b>{multiCluster(scope) ? `${r.cluster}: ` : ''}{r.namespace}/{r.name}</b> #{r.releaseNumber}</a> <OutcomeBadge outcome={r.outcome} /> <span className="muted">{triggerText(r)} · {r.images.map((i) => shortImage(i.image)).join(', ')} · {fmtElapsed(now - Date.parse(r.startedAt))}</span></div>
      <Progress r={r} />
      {r.failure && <div className="fail" data-failure={r.failure.code}>{r.failure.code}: {r.failure.message}{r.failure.object ? ` — ${r.failure.object}` : ''}</div>}
      {stall && <small className="muted" data-stalled={stall}>{t.stalledAt} {stall}</small>}
    </div>
  );
}

/**
 * LivePage lists rollouts in progress with their progress and, as soon as it is known, why they are
 * stuck; below them the failed rollouts that no newer release has superseded and that have not
 * recovered (`GET /api/v1/rollouts/stuck`), which stay until one of those happens. It says it is
 * loading until the first answer, so an empty page always means "nothing".
 */
export function LivePage() {
  const t = useT();
  const scope = useClusterScope();
  const [data, setData] = useState<LiveData | null>(null);
  const [error, setError] = useState('');
  const [tick, setTick] = useState(0);
  const track = useAnswerOrder();
  useEffect(() => {
    const fresh = track();
    Promise.all([api.active(scope.selected), api.stuck(scope.selected)]).then(
      ([a, s]) => { if (fresh()) { setData({ active: a.items, stuck: s.items }); setError(''); } },
      (e: unknown) => { if (fresh()) setError(e instanceof Error ? e.message : String(e)); },
    );
  }, [tick, scope.selected]);
  useEffect(() => subscribe(() => setTick((n) => n + 1)), []);
  useEffect(() => { const h = setInterval(() => setTick((n) => n + 1), 5000); return () => clearInterval(h); }, []);
  const now = serverNow();
  return (
    <>
      <div className="panel">
        <h2>{t.live}</h2>
        {error && <p className="error">{error}</p>}
        {data === null ? !error && <p className="muted" data-loading>{t.loading}</p> : data.active.length === 0 && <p className="muted">{t.noActive}</p>}
        {data?.active.map((r) => <Card key={r.id} r={r} now={now} stuck={false} />)}
      </div>
      {data !== null && data.stuck.length > 0 && (
        <div className="panel" data-panel="stuck">
          <h2>{t.stuck}</h2>
          <p className="muted">{t.stuckHint}</p>
          {data.stuck.map((r) => <Card key={r.id} r={r} now={now} stuck />)}
        </div>
      )}
    </>
  );
}
