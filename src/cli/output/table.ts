/** TableOptions configures formatTable. */
export interface TableOptions {
  /** Spaces between columns. If unset, 3 (kubectl get's tabwriter padding). */
  readonly padding?: number;
}

/** cellWidth is a cell's display width in terminal columns: wide (CJK, emoji) characters count two. */
export function cellWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x20 || (cp >= 0x300 && cp <= 0x36f)) continue; // control characters, combining marks
    w += isWide(cp) ? 2 : 1;
  }
  return w;
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) || (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/**
 * formatTable lays out a header and rows in aligned columns, like kubectl's tabwriter: every column
 * but the last is padded to its widest cell plus `padding` spaces; the last is never padded, so no
 * line ends in spaces. Tabs and newlines inside cells become spaces, so one row stays one line.
 * Returns the lines joined by newlines, with a trailing newline.
 * Example: [['NAME','AGE'],['web','5m']] → "NAME   AGE\nweb    5m\n".
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], options: TableOptions = {}): string {
  const pad = options.padding ?? 3;
  const clean = (s: string): string => s.replace(/[\t\r\n]+/g, ' ');
  const all = [header, ...rows].map((r) => header.map((_, i) => clean(r[i] ?? '')));
  const widths = header.map((_, i) => Math.max(...all.map((r) => cellWidth(r[i] ?? ''))));
  const lines = all.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - cellWidth(cell) + pad)))
      .join('')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}
