import { useEffect, useState } from 'react';
import { api, type ApiStats, type ApiStatsFigures } from '../api.ts';
import { fmtDuration } from '../format.ts';
import { useT } from '../i18n.ts';
import { useClusterScope } from '../cluster-scope.ts';

const pct = (v: number | null): string => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);

function Row({ label, f }: { readonly label: string; readonly f: ApiStatsFigures }) {
  return <tr><td>{label}</td><td>{f.releases}</td><td>{f.deploymentsPerDay.toFixed(2)}</td><td>{pct(f.changeFailureRate)}</td><td>{fmtDuration(f.timeToRestoreMs?.p50)}</td><td>{fmtDuration(f.durationMs?.p50)} / {fmtDuration(f.durationMs?.p90)}</td></tr>;
}

/** StatsPage shows delivery figures (frequency, change failure rate, time to restore, durations) per namespace or workload. */
export function StatsPage() {
  const t = useT();
  const { selected: cluster } = useClusterScope();
  const [since, setSince] = useState('7d');
  const [groupBy, setGroupBy] = useState('namespace');
  const [s, setS] = useState<ApiStats | null>(null);
  const [error, setError] = useState('');
  useEffect(() => { api.stats({ since, groupBy, cluster }).then(setS, (e: Error) => setError(e.message)); }, [since, groupBy, cluster]);
  const maxReleases = Math.max(1, ...(s?.groups ?? []).map((g) => g.releases));
  return (
    <>
      <div className="panel filters">
        <label>{t.range}<select value={since} onChange={(e) => setSince(e.target.value)}>{['24h', '7d', '30d'].map((v) => <option key={v} value={v}>{t.last} {v}</option>)}</select></label>
        <label>{t.group}<select value={groupBy} onChange={(e) => setGroupBy(e.target.value)}><option value="namespace">{t.namespace}</option><option value="workload">{t.workload}</option></select></label>
      </div>
      {error && <p className="error">{error}</p>}
      {s && (
        <>
          <div className="panel kpis" data-kpis>
            <div className="kpi">{t.releases}<b>{s.total.releases}</b></div>
            <div className="kpi">{t.deployFreq}<b>{s.total.deploymentsPerDay.toFixed(1)}</b></div>
            <div className="kpi">{t.failureRate}<b>{pct(s.total.changeFailureRate)}</b></div>
            <div className="kpi">{t.restore}<b>{fmtDuration(s.total.timeToRestoreMs?.p50)}</b></div>
            <div className="kpi">{t.durationP}<b>{fmtDuration(s.total.durationMs?.p50)} / {fmtDuration(s.total.durationMs?.p90)}</b></div>
          </div>
          <div className="panel">
            <svg role="img" aria-label="releases per group" viewBox={`0 0 600 ${s.groups.length * 22 + 4}`} className="group-bars">
              {s.groups.map((g, i) => (
                <g key={`${g.namespace}/${g.name ?? ''}`}>
                  <text x={4} y={i * 22 + 15}>{g.name ? `${g.namespace}/${g.name}` : g.namespace}</text>
                  <rect x={170} y={i * 22 + 4} width={(380 * g.releases) / maxReleases} height={14} rx={3} fill="var(--accent)" />
                  <rect x={170} y={i * 22 + 4} width={(380 * g.failures) / maxReleases} height={14} rx={3} fill="var(--bad)" />
                  <text x={174 + (380 * g.releases) / maxReleases} y={i * 22 + 15}>{g.releases}</text>
                </g>
              ))}
            </svg>
            <table data-table="stats">
              <thead><tr><th>{t.group}</th><th>{t.releases}</th><th>{t.deployFreq}</th><th>{t.failureRate}</th><th>{t.restore}</th><th>{t.durationP}</th></tr></thead>
              <tbody><Row label={t.total} f={s.total} />{s.groups.map((g) => <Row key={`${g.namespace}/${g.name ?? ''}`} label={g.name ? `${g.namespace}/${g.name}` : g.namespace} f={g} />)}</tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}
