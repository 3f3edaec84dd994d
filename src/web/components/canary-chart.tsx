import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ApiCanary } from '../api.ts';
import { themeColor, useTheme } from './trend-chart.tsx';

/**
 * CanaryChart plots one analysis metric of a canary over time with uPlot (as TrendChart does): the
 * canary's measured value and the stable's (or baseline's) beside it, one point per measurement,
 * in the theme's colours. Measurements without a value (no data) leave a gap.
 */
export function CanaryChart({ measurements, metric, labels }: { readonly measurements: ApiCanary['measurements']; readonly metric: string; readonly labels: { readonly canary: string; readonly stable: string } }) {
  const el = useRef<HTMLDivElement>(null);
  const theme = useTheme();
  useEffect(() => {
    const host = el.current;
    if (!host) return;
    const ms = measurements.filter((m) => m.metric === metric).sort((a, b) => a.at.localeCompare(b.at));
    const xs = ms.map((m) => Date.parse(m.at) / 1000);
    const canary = ms.map((m) => m.value);
    const stable = ms.map((m) => m.stableValue);
    const fg = themeColor('--fg', '#1d2330');
    const line = themeColor('--line', '#e3e6ec');
    const axis = { stroke: fg, grid: { stroke: line, width: 1 }, ticks: { stroke: line, width: 1 } };
    const width = (): number => Math.max(260, host.clientWidth);
    const chart = new uPlot(
      {
        width: width(),
        height: 200,
        series: [
          {},
          { label: labels.canary, stroke: themeColor('--warn', '#d9931f'), width: 2, points: { show: true, size: 6 }, spanGaps: false },
          { label: labels.stable, stroke: themeColor('--accent', '#2f7de1'), width: 2, points: { show: true, size: 6 }, spanGaps: false },
        ],
        axes: [axis, { ...axis, size: 56 }],
      },
      [xs, canary, stable],
      host,
    );
    const onResize = (): void => chart.setSize({ width: width(), height: 200 });
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.destroy();
    };
  }, [measurements, metric, labels.canary, labels.stable, theme]);
  return <div ref={el} data-chart={`canary-${metric}`} />;
}
