// Small formatting helpers shared by the dashboard pages.

/** fmtDuration renders milliseconds as `1m32s`, `45s`, `2h3m`; `–` for null. */
export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60}s`;
  return `${Math.floor(m / 60)}h${m % 60}m`;
}

/** fmtTime renders an RFC 3339 time as local `MM-DD HH:MM:SS`. */
export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** OUTCOME_COLORS maps each outcome to a CSS variable of the theme. */
export const OUTCOME_COLORS: Readonly<Record<string, string>> = {
  succeeded: 'var(--ok)', failed: 'var(--bad)', progressing: 'var(--busy)', paused: 'var(--warn)', superseded: 'var(--muted)', 'rolled-back': 'var(--warn)',
  // canary states and measurement verdicts
  promoting: 'var(--busy)', aborting: 'var(--bad)', promoted: 'var(--ok)', aborted: 'var(--bad)', successful: 'var(--ok)', inconclusive: 'var(--warn)', error: 'var(--muted)',
};

/** fmtNumber renders a measured value with four significant digits; `–` for null. */
export function fmtNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return Number.isInteger(v) ? String(v) : v.toPrecision(4).replace(/\.?0+$/, '');
}

/** shortImage drops the registry host of an image reference: `reg.io/team/web:1.2` → `team/web:1.2`. */
export function shortImage(image: string): string {
  const parts = image.split('/');
  return parts.length > 1 && /[.:]/.test(parts[0] ?? '') ? parts.slice(1).join('/') : image;
}
