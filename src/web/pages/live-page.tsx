import { useEffect, useState } from 'react';
import { api, serverNow, subscribe, type ApiRelease } from '../api.ts';
import { OutcomeBadge } from '../components/outcome-badge.tsx';
import { fmtDuration, shortImage } from '../format.ts';
import { useT } from '../i18n.ts';
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

/** LivePage lists rollouts in progress with their progress and, as soon as it is known, why they are stuck. */
export function LivePage() {
  const t = useT();
  const scope = useClusterScope();
  const [items, setItems] = useState<ApiRelease[]>([]);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let current = true; // ignore an older answer that arrives after a newer request
    api.active(scope.selected).then((r) => { if (current) setItems(r.items); }, () => undefined);
    return () => { current = false; };
  }, [tick, scope.selected]);
  useEffect(() => subscribe(() => setTick((n) => n + 1)), []);
  useEffect(() => { const h = setInterval(() => setTick((n) => n + 1), 5000); return () => clearInterval(h); }, []);
  const now = serverNow();
  return (
    <div className="panel">
      <h2>{t.live}</h2>
      {items.length === 0 && <p className="muted">{t.noActive}</p>}
      {items.map((r) => (
        <div className="card" key={r.id} data-live={r.id} data-cluster={r.cluster}>
          <div><a href={`#/release/${r.id}`}><b>{multiCluster(scope) ? `${r.cluster}: ` : ''}{r.namespace}/{r.name}</b> #{r.releaseNumber}</a> <OutcomeBadge outcome={r.outcome} /> <span className="muted">{triggerText(r)} · {r.images.map((i) => shortImage(i.image)).join(', ')} · {fmtDuration(now - Date.parse(r.startedAt))}</span></div>
          <Progress r={r} />
          {r.failure && <div className="fail" data-failure={r.failure.code}>{r.failure.code}: {r.failure.message}</div>}
        </div>
      ))}
    </div>
  );
}
