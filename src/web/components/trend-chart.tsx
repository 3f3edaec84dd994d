import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ApiRelease } from '../api.ts';

/** TrendChart plots a workload's rollout durations (seconds) over time with uPlot. */
export function TrendChart({ releases }: { readonly releases: readonly ApiRelease[] }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const host = el.current;
    if (!host) return;
    const done = releases.filter((r) => r.durationMs !== null).sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
    const xs = done.map((r) => Date.parse(r.startedAt) / 1000);
    const ys = done.map((r) => (r.durationMs ?? 0) / 1000);
    const chart = new uPlot(
      { width: Math.max(300, host.clientWidth), height: 220, series: [{}, { label: 'duration (s)', stroke: getComputedStyle(document.documentElement).getPropertyValue('--accent').trim() || '#2f7de1', width: 2, points: { show: true, size: 6 } }], axes: [{}, { label: 's' }] },
      [xs, ys],
      host,
    );
    const onResize = (): void => chart.setSize({ width: Math.max(300, host.clientWidth), height: 220 });
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.destroy();
    };
  }, [releases]);
  return <div ref={el} data-chart="duration-trend" />;
}
