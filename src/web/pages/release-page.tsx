import { useEffect, useState } from 'react';
import { api, ApiError, serverNow, storedToken, type ApiReleaseDetail } from '../api.ts';
import { OutcomeBadge } from '../components/outcome-badge.tsx';
import { PhaseWaterfall } from '../components/phase-waterfall.tsx';
import { fmtDuration, fmtTime } from '../format.ts';
import { useT } from '../i18n.ts';
import { multiCluster, useClusterScope, workloadHref } from '../cluster-scope.ts';
import { triggerText } from '../../model/trigger-text.ts';

/**
 * ActionButtons asks the server to undo/pause/resume/restart a workload (operator token required).
 * A server acts only on its own cluster: for a workload of another cluster of a shared ledger the
 * buttons give way to a note; with several clusters the request names its cluster, which the server
 * checks (409 for another cluster's workload).
 */
export function ActionButtons({ ns, kind, name, cluster }: { readonly ns: string; readonly kind: string; readonly name: string; readonly cluster: string }) {
  const t = useT();
  const scope = useClusterScope();
  const [msg, setMsg] = useState('');
  if (cluster && scope.current && cluster !== scope.current) return <p className="muted" data-actions-elsewhere={cluster}>{t.actionsElsewhere} {scope.current}.</p>;
  const act = (a: string) => () => {
    api.act(ns, kind, name, a, multiCluster(scope) ? cluster : '').then((r) => setMsg(r.message), (e: unknown) => setMsg(e instanceof ApiError && (e.status === 401 || e.status === 403) ? `${t.needToken} (${e.message})` : String(e instanceof Error ? e.message : e)));
  };
  const actions = kind === 'Deployment' ? (['undo', 'pause', 'resume', 'restart'] as const) : (['undo', 'restart'] as const);
  return (
    <div className="filters" data-actions>
      {actions.map((a) => <button key={a} data-action={a} onClick={act(a)}>{t[a]}</button>)}
      {!storedToken() && <span className="muted">{t.needToken}</span>}
      {msg && <span data-action-result>{msg}</span>}
    </div>
  );
}

/** ReleasePage shows one release: summary, phase waterfall, events timeline and template diff. */
export function ReleasePage({ id }: { readonly id: string }) {
  const t = useT();
  const scope = useClusterScope();
  const [d, setD] = useState<ApiReleaseDetail | null>(null);
  const [error, setError] = useState('');
  useEffect(() => { api.release(id).then(setD, (e: Error) => setError(e.message)); }, [id]);
  if (error) return <p className="error">{error}</p>;
  if (!d) return <p className="muted">…</p>;
  const r = d.release;
  return (
    <>
      <div className="panel" data-release={r.id}>
        <h2><a href={workloadHref(scope, r)}>{r.kind} {multiCluster(scope) ? `${r.cluster}: ` : ''}{r.namespace}/{r.name}</a> · {t.release} #{r.releaseNumber} <OutcomeBadge outcome={r.outcome} /></h2>
        <table className="stack"><tbody>
          <tr><th>{t.revision}</th><td>{r.revision ?? '–'}</td><th>{t.trigger}</th><td>{triggerText(r)}</td></tr>
          <tr><th>{t.started}</th><td>{fmtTime(r.startedAt)}</td><th>{t.duration}</th><td>{fmtDuration(r.durationMs)}</td></tr>
          <tr><th>{t.actor}</th><td>{r.actor.user ?? r.actor.manager}</td><th>{t.changeCause}</th><td>{r.changeCause ?? '–'}</td></tr>
          <tr><th>{t.images}</th><td colSpan={3}>{r.images.map((i) => `${i.container}=${i.image}${i.digest ? ` (${i.digest.slice(0, 19)}…)` : ''}`).join(', ')}</td></tr>
          {r.failure && <tr><th>{t.diagnosis}</th><td colSpan={3} className="reason error" data-failure={r.failure.code}>{r.failure.code} ({r.failure.reason}): {r.failure.message}{r.failure.object ? ` — ${r.failure.object}` : ''}{r.failure.logTail && <pre className="log-tail" data-log-tail={r.failure.container ?? ''}>{r.failure.logTail.join('\n')}</pre>}</td></tr>}
        </tbody></table>
        <ActionButtons ns={r.namespace} kind={r.kind} name={r.name} cluster={r.cluster} />
      </div>
      <div className="panel"><h2>{t.phases}</h2><PhaseWaterfall release={r} now={serverNow()} stuck={d.stuck} /></div>
      <div className="panel">
        <h2>{t.events}</h2>
        <table className="stack" data-table="events"><tbody>
          {[...r.events].sort((a, b) => a.time.localeCompare(b.time)).map((e, i) => (
            <tr key={i}><td>{fmtTime(e.time)}</td><td className={e.type === 'Warning' ? 'error' : ''}>{e.reason}{e.count > 1 ? ` ×${e.count}` : ''}</td><td>{e.object}</td><td className="reason">{e.message}</td></tr>
          ))}
        </tbody></table>
      </div>
      <div className="panel">
        <h2>{t.diff}</h2>
        {d.diff.length === 0 ? <p className="muted">{t.noDiff}</p> : (
          <table className="stack" data-table="diff"><tbody>
            {d.diff.map((c) => (
              <tr key={c.path}><td><code>{c.path}</code></td><td className="diff-del">{c.before === undefined ? '' : JSON.stringify(c.before)}</td><td className="diff-add">{c.after === undefined ? '' : JSON.stringify(c.after)}</td></tr>
            ))}
          </tbody></table>
        )}
      </div>
    </>
  );
}
