import { useEffect, useState } from 'react';
import { api, subscribe, type ApiCanary } from '../api.ts';
import { CanaryChart } from '../components/canary-chart.tsx';
import { OutcomeBadge } from '../components/outcome-badge.tsx';
import { fmtNumber, fmtTime, shortImage } from '../format.ts';
import { useT } from '../i18n.ts';

/** ShareBars shows a step's replica share next to the traffic share Prometheus measured. */
function ShareBars({ replica, traffic }: { readonly replica: number; readonly traffic: number | null }) {
  const t = useT();
  const pct = (v: number): string => `${fmtNumber(Math.round(v * 10) / 10)}%`;
  return (
    <div className="shares">
      <div className="share" title={t.replicaShare}><span className="bar"><span style={{ width: `${replica}%`, background: 'var(--accent)' }} /></span> <small>{t.replicaShare} {pct(replica)}</small></div>
      <div className="share" title={t.trafficShare}><span className="bar"><span style={{ width: `${traffic ?? 0}%`, background: 'var(--warn)' }} /></span> <small data-traffic-share={traffic === null ? '' : traffic.toFixed(1)}>{t.trafficShare} {traffic === null ? '–' : pct(traffic)}</small></div>
    </div>
  );
}

/**
 * CanaryPage shows one canary from the ledger: what it changes and where it stands, each step with
 * its replica share against the traffic share measured in Prometheus, a chart per analysis metric of
 * the canary's and the stable's values over time, and every measurement against its threshold.
 * Live: the SSE `canary` event reloads it.
 */
export function CanaryPage({ ns, name, cluster }: { readonly ns: string; readonly name: string; readonly cluster: string }) {
  const t = useT();
  const [v, setV] = useState<ApiCanary | null>(null);
  const [error, setError] = useState('');
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let current = true;
    api.canary(ns, name, { cluster }).then((r) => { if (current) { setV(r); setError(''); } }, (e: Error) => setError(e.message));
    return () => { current = false; };
  }, [ns, name, cluster, tick]);
  useEffect(() => subscribe((type, data) => { if (type === 'canary' && (data as { namespace?: string; name?: string }).namespace === ns && (data as { name?: string }).name === name) setTick((n) => n + 1); }), [ns, name]);
  if (error) return <p className="error">{error}</p>;
  if (!v) return <p className="muted">…</p>;
  const c = v.canary;
  const multiAttempt = v.steps.some((s) => s.attempt > 1);
  return (
    <>
      <div className="panel" data-canary-page={c.id}>
        <h2>{t.canary} {c.cluster ? `${c.cluster}: ` : ''}{c.namespace}/{c.name} <OutcomeBadge outcome={c.state} /></h2>
        <table className="stack"><tbody>
          <tr><th>{t.images}</th><td>{c.images.map((i) => `${i.container}: ${shortImage(i.from)} → ${shortImage(i.to)}`).join(', ')}</td></tr>
          <tr><th>{t.step}</th><td>{Math.min(c.stepIndex + 1, c.stepCount)}/{c.stepCount} · {c.weight}% · {c.totalReplicas} {t.replicas.split(' ')[0]}{c.attempt > 1 ? ` · ${t.attempt} ${c.attempt}` : ''}</td></tr>
          <tr><th>{t.service}</th><td>{c.service ?? '–'}</td></tr>
          <tr><th>{t.started}</th><td>{fmtTime(c.startedAt)}{c.finishedAt ? ` → ${fmtTime(c.finishedAt)}` : ''}</td></tr>
          <tr><th>{t.message}</th><td className="reason" data-canary-message>{c.message}</td></tr>
          {c.failing && <tr><th>{t.failingMetric}</th><td className="reason error" data-failing={c.failing.metric}>{c.failing.metric} = {fmtNumber(c.failing.value)}{c.failing.stableValue !== null ? ` (${t.stableValue} ${fmtNumber(c.failing.stableValue)})` : ''} · {c.failing.condition}</td></tr>}
          {v.promoteReleaseId && <tr><th>{t.promotedBy}</th><td><a href={`#/release/${v.promoteReleaseId}`}>{v.promoteReleaseId}</a></td></tr>}
        </tbody></table>
      </div>
      <div className="panel">
        <h2>{t.steps}</h2>
        <table className="stack labelled" data-table="canary-steps">
          <thead><tr><th>#</th><th>{t.weight}</th><th>{t.replicas}</th><th>{t.replicaShare} / {t.trafficShare}</th><th>{t.reached}</th><th>{t.left}</th></tr></thead>
          <tbody>{v.steps.map((s) => (
            <tr key={`${s.attempt}/${s.index}`} data-step={s.index}>
              <td data-label="#">{multiAttempt ? `${s.attempt}.` : ''}{s.index + 1}</td><td data-label={t.weight}>{s.weight}%</td><td data-label={t.replicas}>{s.canaryReplicas} / {s.stableReplicas}</td>
              <td><ShareBars replica={s.replicaShare} traffic={s.trafficShare} /></td>
              <td data-label={t.reached}>{fmtTime(s.reachedAt)}</td><td data-label={t.left}>{fmtTime(s.leftAt)}</td>
            </tr>
          ))}</tbody>
        </table>
      </div>
      {v.metrics.map((m) => (
        <div className="panel" key={m}>
          <h2>{m} — {t.overTime}</h2>
          <CanaryChart measurements={v.measurements} metric={m} labels={{ canary: t.value, stable: t.stableValue }} />
        </div>
      ))}
      <div className="panel">
        <h2>{t.measurements}</h2>
        {v.measurements.length === 0 ? <p className="muted">{t.noMeasurements}</p> : (
          <table className="stack labelled" data-table="canary-measurements">
            <thead><tr><th>{t.at}</th><th>{t.step}</th><th>{t.metric}</th><th>{t.value}</th><th>{t.stableValue}</th><th>{t.traffic}</th><th>{t.condition}</th><th>{t.verdict}</th></tr></thead>
            <tbody>{[...v.measurements].reverse().map((m, i) => (
              <tr key={i} data-verdict={m.verdict}>
                <td data-label={t.at}>{fmtTime(m.at)}</td><td data-label={t.step}>{m.step + 1}</td><td data-label={t.metric}><b>{m.metric}</b></td>
                <td data-label={t.value}>{fmtNumber(m.value)}</td><td data-label={t.stableValue}>{fmtNumber(m.stableValue)}</td><td data-label={t.traffic}>{fmtNumber(m.canaryRate)} / {fmtNumber(m.stableRate)}</td>
                <td className="reason" data-label={t.condition}><span title={m.query}>{m.condition}</span></td>
                <td data-label={t.verdict}><OutcomeBadge outcome={m.verdict} /></td>
              </tr>
            ))}</tbody>
          </table>
        )}
      </div>
    </>
  );
}
