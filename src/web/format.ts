// Small formatting helpers shared by the dashboard pages.
import { formatDuration } from '../model/duration.ts';

/** fmtDuration is a duration as the CLI and notifications write it (model/duration.ts); `–` for none. */
export function fmtDuration(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '–' : formatDuration(ms);
}

/**
 * fmtElapsed is a running clock ("how long has this been rolling"): whole seconds, because a
 * figure that ticks every second reads badly with milliseconds; "0s" in its first second.
 */
export function fmtElapsed(ms: number): string {
  return formatDuration(Math.floor(ms / 1000) * 1000);
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
