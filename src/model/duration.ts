/**
 * Durations as text, each format defined once (pure; the dashboard imports it too):
 * - goDuration / parseDuration: Go's `time.Duration` text, for flag and config values and the
 *   messages that quote them (`--timeout 10m0s`, fail-fast graces, canary pauses) — and the
 *   simulated kubelet's messages, which Kubernetes writes the same way;
 * - formatDuration: how long a rollout (or a phase) took, compact, for tables, the dashboard and
 *   notifications;
 * - formatAge: kubectl's AGE column.
 */

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

type Unit = 'ms' | 's' | 'm' | 'h';
const UNIT_MS: Readonly<Record<Unit, number>> = { ms: 1, s: S, m: M, h: H };

/**
 * parseDuration reads a Go-style duration ("0s", "30s", "1m30s", "500ms", "2h") into milliseconds,
 * or returns null when the text is not one. A bare "0" is accepted as zero.
 * Examples: "1m30s" → 90000; "250ms" → 250; "1.5s" → 1500; "10" → null; "-1s" → null.
 */
export function parseDuration(text: string): number | null {
  const s = text.trim();
  if (s === '0') return 0;
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(s)) return null;
  let total = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(m[1]) * UNIT_MS[m[2] as Unit];
  return Math.round(total);
}

/**
 * goDuration renders milliseconds as Go's `time.Duration.String()` does, so parseDuration reads
 * it back: `0s`, `523ms`, `1.5s`, `20s`, `1m20s`, `5m0s`, `2h0m0s`.
 */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < S) return `${trimZeros(ms.toFixed(3))}ms`;
  const totalSeconds = ms / S;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = trimZeros((totalSeconds % 60).toFixed(3));
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

function trimZeros(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/**
 * formatDuration renders an elapsed time precisely and compactly, for rollout durations: the two
 * most significant units, whole seconds (sub-second values in ms).
 * Examples: 850 → "850ms", 92_000 → "1m32s", 120_000 → "2m", 3_725_000 → "1h2m", 90_061_000 → "1d1h".
 * Negative values render as "0s".
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '0s';
  if (ms < S) return `${Math.floor(ms)}ms`;
  const units: readonly [number, string][] = [[D, 'd'], [H, 'h'], [M, 'm'], [S, 's']];
  const first = units.findIndex(([size]) => ms >= size);
  const [bigSize, bigName] = units[first] ?? [S, 's'];
  const big = Math.floor(ms / bigSize);
  const next = units[first + 1];
  if (!next) return `${big}${bigName}`;
  const small = Math.floor((ms - big * bigSize) / next[0]);
  return small === 0 ? `${big}${bigName}` : `${big}${bigName}${small}${next[1]}`;
}

/**
 * formatAge renders an age exactly like kubectl's AGE column (apimachinery duration.HumanDuration):
 * seconds below 2 minutes ("92s"), minutes and seconds below 10 minutes ("5m3s"), minutes below 3
 * hours ("75m"), hours and minutes below 8 hours ("3h20m"), hours below 2 days ("30h"), days and hours
 * below 8 days ("3d4h"), days below 2 years ("45d"), then years and days ("2y10d"), then years.
 * More than a second in the future is "<invalid>" (clock skew beyond tolerance).
 */
export function formatAge(ms: number): string {
  const seconds = Math.trunc(ms / S);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(ms / M);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(ms / H);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const dy = days % 365;
    return dy === 0 ? `${years}y` : `${years}y${dy}d`;
  }
  return `${years}y`;
}
