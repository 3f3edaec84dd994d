import { useEffect, useState } from 'react';
import { api, type ApiRelease } from '../api.ts';
import { OutcomeBadge } from '../components/outcome-badge.tsx';
import { TrendChart } from '../components/trend-chart.tsx';
import { fmtDuration, fmtTime, shortImage } from '../format.ts';
import { useT } from '../i18n.ts';
import { ActionButtons } from './release-page.tsx';
import { triggerText } from '../../model/trigger-text.ts';

/** WorkloadPage shows a workload's releases and the trend of its rollout durations; `cluster` '' is every cluster. */
export function WorkloadPage({ ns, kind, name, cluster }: { readonly ns: string; readonly kind: string; readonly name: string; readonly cluster: string }) {
  const t = useT();
  const [items, setItems] = useState<ApiRelease[]>([]);
  const [error, setError] = useState('');
  useEffect(() => { api.workloadReleases(ns, kind, name, cluster).then((r) => setItems(r.items), (e: Error) => setError(e.message)); }, [ns, kind, name, cluster]);
  const displayKind = items[0]?.kind ?? kind;
  return (
    <>
      <div className="panel">
        <h2>{displayKind} {ns}/{name}{cluster ? ` · ${cluster}` : ''}</h2>
        {error && <p className="error">{error}</p>}
        <ActionButtons ns={ns} kind={displayKind} name={name} cluster={cluster || items[0]?.cluster || ''} />
      </div>
      <div className="panel"><h2>{t.trend}</h2><TrendChart releases={items} /></div>
      <div className="panel">
        <table data-table="workload-releases">
          <thead><tr><th>#</th><th>{t.revision}</th><th>{t.trigger}</th><th>{t.images}</th><th>{t.actor}</th><th>{t.started}</th><th>{t.duration}</th><th>{t.outcome}</th><th>{t.reason}</th></tr></thead>
          <tbody>{items.map((r) => (
            <tr key={r.id}><td><a href={`#/release/${r.id}`}>#{r.releaseNumber}</a></td><td>{r.revision ?? '–'}</td><td>{triggerText(r)}</td><td>{r.images.map((i) => shortImage(i.image)).join(', ')}</td><td className="wrap">{r.actor.user ?? r.actor.manager}</td><td>{fmtTime(r.startedAt)}</td><td>{fmtDuration(r.durationMs)}</td><td><OutcomeBadge outcome={r.outcome} /></td><td className="reason">{r.failure && <span className="clamp" title={r.failure.message}>{r.failure.code}: {r.failure.message}</span>}</td></tr>
          ))}</tbody>
        </table>
      </div>
    </>
  );
}
