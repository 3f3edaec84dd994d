import { useEffect, useState } from 'react';
import { api, subscribe, type ApiCanarySummary } from '../api.ts';
import { OutcomeBadge } from '../components/outcome-badge.tsx';
import { multiCluster, useClusterScope, type ClusterScope } from '../cluster-scope.ts';
import { fmtTime, shortImage } from '../format.ts';
import { useT } from '../i18n.ts';

/** canaryHref links a canary's page: `#/canary/NS/NAME`, with `/CLUSTER` when the ledger holds several. */
export function canaryHref(s: ClusterScope, c: { readonly cluster: string; readonly namespace: string; readonly name: string }): string {
  const base = `#/canary/${encodeURIComponent(c.namespace)}/${encodeURIComponent(c.name)}`;
  return multiCluster(s) ? `${base}/${encodeURIComponent(c.cluster)}` : base;
}

/** CanariesPage lists canaries newest first, live (the SSE `canary` event refreshes it). */
export function CanariesPage() {
  const t = useT();
  const scope = useClusterScope();
  const [items, setItems] = useState<ApiCanarySummary[]>([]);
  const [error, setError] = useState('');
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let current = true;
    api.canaries({ cluster: scope.selected }).then((r) => { if (current) { setItems(r.items); setError(''); } }, (e: Error) => setError(e.message));
    return () => { current = false; };
  }, [tick, scope.selected]);
  useEffect(() => subscribe((type) => { if (type === 'canary') setTick((n) => n + 1); }), []);
  return (
    <div className="panel">
      <h2>{t.canaries}</h2>
      {error && <p className="error">{error}</p>}
      {!error && items.length === 0 && <p className="muted">{t.noCanaries}</p>}
      {items.length > 0 && (
        <table data-table="canaries">
          <thead><tr><th>{t.canary}</th><th>{t.state}</th><th>{t.images}</th><th>{t.step}</th><th>{t.started}</th><th>{t.message}</th></tr></thead>
          <tbody>{items.map((c) => (
            <tr key={`${c.cluster}/${c.id}`} data-canary={c.id}>
              <td><a href={canaryHref(scope, c)}>{multiCluster(scope) ? `${c.cluster}: ` : ''}{c.namespace}/{c.name}</a></td>
              <td><OutcomeBadge outcome={c.state} /></td>
              <td className="wrap">{c.images.map((i) => `${shortImage(i.from)} → ${shortImage(i.to)}`).join(', ')}</td>
              <td>{Math.min(c.stepIndex + 1, c.stepCount)}/{c.stepCount} · {c.weight}%</td>
              <td>{fmtTime(c.startedAt)}</td>
              <td className="reason"><span className="clamp" title={c.message}>{c.message}</span></td>
            </tr>
          ))}</tbody>
        </table>
      )}
    </div>
  );
}
