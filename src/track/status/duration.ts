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

type Unit = 'ms' | 's' | 'm' | 'h';
const UNIT_MS: Readonly<Record<Unit, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * formatDuration writes milliseconds the way Go prints durations, without sub-second noise.
 * Examples: 0 → "0s"; 90000 → "1m30s"; 250 → "250ms"; 7200000 → "2h0m0s".
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) return ms === 0 ? '0s' : `${ms}ms`;
  const totalS = Math.floor(ms / 1000);
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const sec = totalS % 60;
  if (h > 0) return `${h}h${m}m${sec}s`;
  if (m > 0) return `${m}m${sec}s`;
  return `${sec}s`;
}
