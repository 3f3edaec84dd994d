import { useEffect, useState } from 'react';
import { api, serverNow, subscribe, type ApiRelease } from '../api.ts';
import { OutcomeBadge } from '../components/outcome-badge.tsx';
import { ReleaseTimeline } from '../components/release-timeline.tsx';
import { fmtDuration, fmtTime, shortImage } from '../format.ts';
import { useT } from '../i18n.ts';
import { useAnswerOrder } from '../answer-order.ts';
import { multiCluster, useClusterScope, workloadHref } from '../cluster-scope.ts';
import { triggerText } from '../../model/trigger-text.ts';

interface Filters { namespace: string; name: string; image: string; outcome: string; since: string }
/** OTHER_CLUSTERS_POLL_MS is how often the list refreshes when the ledger holds clusters this server does not stream. */
const OTHER_CLUSTERS_POLL_MS = 15_000;
const EMPTY: Filters = { namespace: '', name: '', image: '', outcome: '', since: '24h' };

/** ReleasesPage is the cluster-wide release timeline with filters and a table. */
export function ReleasesPage() {
  const t = useT();
  const scope = useClusterScope();
  const multi = multiCluster(scope);
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [items, setItems] = useState<ApiRelease[] | null>(null); // null until the first answer: loading, not "no match"
  const [error, setError] = useState('');
  const [tick, setTick] = useState(0);
  const track = useAnswerOrder(); // a slower answer to an older query (filters or tick) must not overwrite a newer one
  useEffect(() => {
    const fresh = track();
    api.releases({ ...filters, cluster: scope.selected, limit: '200' }).then((r) => { if (fresh()) { setItems(r.items); setError(''); } }, (e: Error) => { if (fresh()) setError(e.message); });
  }, [filters, tick, scope.selected]);
  useEffect(() => subscribe(() => setTick((n) => n + 1)), []);
  // The live stream carries this server's cluster only: other clusters of a shared ledger are polled.
  useEffect(() => {
    if (!multi) return undefined;
    const h = setInterval(() => setTick((n) => n + 1), OTHER_CLUSTERS_POLL_MS);
    return () => clearInterval(h);
  }, [multi]);
  const field = (k: keyof Filters, label: string, placeholder = '') => (
    <label>{label}<input name={k} value={draft[k]} placeholder={placeholder} onChange={(e) => setDraft({ ...draft, [k]: e.target.value })} /></label>
  );
  return (
    <>
      <div className="panel">
        <form className="filters" onSubmit={(e) => { e.preventDefault(); setFilters(draft); }}>
          {field('namespace', t.namespace, 'shop,payments')}
          {field('name', t.name)}
          {field('image', t.image, 'web:1.2')}
          <label>{t.outcome}
            <select name="outcome" value={draft.outcome} onChange={(e) => setDraft({ ...draft, outcome: e.target.value })}>
              <option value="">{t.any}</option>
              {['progressing', 'succeeded', 'failed', 'superseded', 'rolled-back', 'paused'].map((o) => <option key={o} value={o}>{o}</option>)}
            </select>
          </label>
          <label>{t.range}
            <select name="since" value={draft.since} onChange={(e) => setDraft({ ...draft, since: e.target.value })}>
              {['1h', '6h', '24h', '7d', '30d'].map((s) => <option key={s} value={s}>{t.last} {s}</option>)}
            </select>
          </label>
          <button className="primary" type="submit">{t.apply}</button>
        </form>
      </div>
      {error && <p className="error">{error}</p>}
      <div className="panel"><h2>{t.timeline}</h2>{items === null ? !error && <p className="muted" data-loading>{t.loading}</p> : items.length ? <ReleaseTimeline releases={items} now={serverNow()} /> : <p className="muted">{t.noReleases}</p>}</div>
      <div className="panel">
        <table data-table="releases">
          <thead><tr>{multi && <th>{t.cluster}</th>}<th>{t.workload}</th><th>#</th><th>{t.revision}</th><th>{t.trigger}</th><th>{t.images}</th><th>{t.actor}</th><th>{t.started}</th><th>{t.duration}</th><th>{t.outcome}</th><th>{t.reason}</th></tr></thead>
          <tbody>
            {items?.map((r) => (
              <tr key={r.id} data-release-row={r.id} data-cluster={r.cluster}>
                {multi && <td data-cell="cluster">{r.cluster}</td>}
                <td><a href={workloadHref(scope, r)}>{r.namespace}/{r.name}</a> <span className="muted kind">{r.kind}</span></td>
                <td><a href={`#/release/${r.id}`}>#{r.releaseNumber}</a></td>
                <td>{r.revision ?? '–'}</td>
                <td>{triggerText(r)}</td>
                <td>{r.images.map((i) => shortImage(i.image)).join(', ')}</td>
                <td className="wrap">{r.actor.user ?? r.actor.manager}</td>
                <td>{fmtTime(r.startedAt)}</td>
                <td>{fmtDuration(r.durationMs)}</td>
                <td><OutcomeBadge outcome={r.outcome} /></td>
                <td className="reason">{r.failure && <span className="clamp" title={r.failure.message}>{r.failure.code}: {r.failure.message}</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
