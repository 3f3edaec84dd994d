import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ApiRelease } from '../api.ts';

/** themeColor reads a CSS variable of the current theme (uPlot draws on a canvas, which CSS cannot colour). */
export const themeColor = (name: string, fallback: string): string => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

/** useTheme re-renders when the `data-theme` attribute of <html> changes (light/dark toggle). */
export function useTheme(): string {
  const [theme, setTheme] = useState(document.documentElement.dataset.theme ?? '');
  useEffect(() => {
    const watcher = new MutationObserver(() => setTheme(document.documentElement.dataset.theme ?? ''));
    watcher.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => watcher.disconnect();
  }, []);
  return theme;
}

/** TrendChart plots a workload's rollout durations (seconds) over time with uPlot, in the theme's colours. */
export function TrendChart({ releases }: { readonly releases: readonly ApiRelease[] }) {
  const el = useRef<HTMLDivElement>(null);
  const theme = useTheme();
  useEffect(() => {
    const host = el.current;
    if (!host) return;
    const done = releases.filter((r) => r.durationMs !== null).sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
    const xs = done.map((r) => Date.parse(r.startedAt) / 1000);
    const ys = done.map((r) => (r.durationMs ?? 0) / 1000);
    const fg = themeColor('--fg', '#1d2330');
    const line = themeColor('--line', '#e3e6ec');
    const axis = { stroke: fg, grid: { stroke: line, width: 1 }, ticks: { stroke: line, width: 1 } };
    const chart = new uPlot(
      { width: Math.max(300, host.clientWidth), height: 220, series: [{}, { label: 'duration (s)', stroke: themeColor('--accent', '#2f7de1'), width: 2, points: { show: true, size: 6 } }], axes: [axis, { ...axis, label: 's' }] },
      [xs, ys],
      host,
    );
    const onResize = (): void => chart.setSize({ width: Math.max(300, host.clientWidth), height: 220 });
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.destroy();
    };
  }, [releases, theme]);
  return <div ref={el} data-chart="duration-trend" />;
}
