import type { WaitSnapshot } from '../../ops/waiter.ts';
import { plainLine, progressLines } from './lines.ts';

/** ProgressDisplay shows a wait's progress. `update` may be called often; `finish` leaves the last state on screen. */
export interface ProgressDisplay {
  update(s: WaitSnapshot): void;
  finish(): void;
}

/** Output is where a display writes: a stream with, for terminals, its width. */
export interface DisplayOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** ESC is the ANSI control sequence introducer. */
const CSI = '\x1b[';

/**
 * ttyDisplay redraws a few lines in place (cursor up to the first line, erase to the end of the
 * screen, write the new lines), only when they changed. Lines are cut to the terminal width so
 * that no line wraps: a wrapped line would break the cursor-up arithmetic and leave garbage.
 */
export function ttyDisplay(out: DisplayOutput): ProgressDisplay {
  let shown: string[] = [];
  return {
    update(s) {
      const width = Math.max(20, (out.columns ?? 80) - 1);
      const lines = progressLines(s).map((l) => (l.length > width ? `${l.slice(0, width - 1)}…` : l));
      if (lines.join('\n') === shown.join('\n')) return;
      const up = shown.length > 0 ? `${CSI}${shown.length}F` : '';
      out.write(`${up}${CSI}J${lines.map((l) => `${l}\n`).join('')}`);
      shown = lines;
    },
    finish() {
      shown = [];
    },
  };
}

/** plainDisplay writes one kubectl-style line per workload whenever that line changes; no escape codes (for logs and pipes). */
export function plainDisplay(out: DisplayOutput): ProgressDisplay {
  const last = new Map<string, string>();
  return {
    update(s) {
      for (const w of s.workloads) {
        if (w.status !== 'waiting') continue;
        const key = `${w.target.kind}/${w.target.namespace}/${w.target.name}`;
        const line = plainLine(w);
        if (last.get(key) === line) continue;
        last.set(key, line);
        out.write(`${line}\n`);
      }
    },
    finish() {
      last.clear();
    },
  };
}

/** silentDisplay shows nothing (e.g. `-o json` without a terminal). */
export const silentDisplay: ProgressDisplay = { update: () => undefined, finish: () => undefined };

/** displayFor picks the display: redrawn lines on a terminal, plain lines otherwise. */
export function displayFor(out: DisplayOutput): ProgressDisplay {
  return out.isTTY === true ? ttyDisplay(out) : plainDisplay(out);
}
