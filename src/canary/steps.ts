import { err, ok, type Result } from '../lib/result.ts';
import { goDuration, parseDuration } from '../model/duration.ts';

/**
 * The step plan of a canary: the weights it goes through (`--steps 10,25,50,100`) and what
 * happens after each weight is reached and its analysis has passed (`--pause D` after every step
 * but the last, or `--pause-steps D1,D2,…` one per step, where `manual` waits for a human
 * `rollscope canary promote`). The last step is always 100: reaching it runs the last analysis
 * and then promotes.
 */

/** Pause is what a step waits for after its analysis: nothing, a duration, or a human. */
export type Pause = { readonly kind: 'none' } | { readonly kind: 'timed'; readonly ms: number } | { readonly kind: 'manual' };

/** CanaryStep is one weight (percent of the replicas on the canary) and its pause. */
export interface CanaryStep {
  readonly weight: number;
  readonly pause: Pause;
}

/** DEFAULT_WEIGHTS are the weights without `--steps`. */
export const DEFAULT_WEIGHTS: readonly number[] = [10, 25, 50, 100];

/** parseWeights reads `--steps`: increasing integers in 1..100; 100 is appended when missing. */
export function parseWeights(text: string): Result<number[], string> {
  const parts = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (parts.length === 0) return err(`--steps ${JSON.stringify(text)}: give weights in percent, e.g. --steps 10,25,50,100`);
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d+$/.test(p)) return err(`--steps: ${JSON.stringify(p)} is not a whole percentage (1–100)`);
    const w = Number(p);
    if (w < 1 || w > 100) return err(`--steps: ${w} is outside 1–100`);
    if (out.length > 0 && w <= out[out.length - 1]!) return err(`--steps: weights must increase (${out[out.length - 1]} then ${w})`);
    out.push(w);
  }
  if (out[out.length - 1] !== 100) out.push(100);
  return ok(out);
}

/** parsePause reads one pause: a duration ("30s", "1m"), "0" for none, or "manual". */
export function parsePause(text: string): Result<Pause, string> {
  const t = text.trim();
  if (t === 'manual') return ok({ kind: 'manual' });
  const ms = parseDuration(t);
  if (ms === null) return err(`pause ${JSON.stringify(t)}: give a duration like 30s or 5m, 0 for none, or manual`);
  return ok(ms === 0 ? { kind: 'none' } : { kind: 'timed', ms });
}

/** PlanFlags are the CLI's step flags as typed. */
export interface PlanFlags {
  readonly steps?: string;
  readonly pause?: string;
  readonly pauseSteps?: string;
}

/**
 * buildSteps combines the flags: `--pause` applies after every step but the last (100 promotes);
 * `--pause-steps` gives one pause per step before the last (fewer: the rest have none; more: an
 * error). Both at once is a usage error.
 */
export function buildSteps(flags: PlanFlags): Result<CanaryStep[], string> {
  if (flags.pause !== undefined && flags.pauseSteps !== undefined) return err('give either --pause or --pause-steps, not both');
  const weights = flags.steps === undefined ? ok([...DEFAULT_WEIGHTS]) : parseWeights(flags.steps);
  if (!weights.ok) return weights;
  const ws = weights.value;
  const pauses: Pause[] = ws.map(() => ({ kind: 'none' }));
  if (flags.pause !== undefined) {
    const p = parsePause(flags.pause);
    if (!p.ok) return err(`--pause: ${p.error}`);
    for (let i = 0; i < ws.length - 1; i++) pauses[i] = p.value;
  }
  if (flags.pauseSteps !== undefined) {
    const parts = flags.pauseSteps.split(',');
    if (parts.length > ws.length - 1) return err(`--pause-steps: ${parts.length} pauses for ${ws.length - 1} steps before 100 %`);
    for (const [i, part] of parts.entries()) {
      const p = parsePause(part);
      if (!p.ok) return err(`--pause-steps: ${p.error}`);
      pauses[i] = p.value;
    }
  }
  return ok(ws.map((weight, i) => ({ weight, pause: pauses[i]! })));
}

/** formatPause renders a pause for progress lines ("", "pause 1m0s", "pause until promoted"). */
export function formatPause(p: Pause): string {
  return p.kind === 'none' ? '' : p.kind === 'manual' ? 'pause until promoted' : `pause ${goDuration(p.ms)}`;
}

/** formatSteps renders the plan, e.g. "10% (pause 1m0s) → 50% → 100%". */
export function formatSteps(steps: readonly CanaryStep[]): string {
  return steps.map((s) => `${s.weight}%${s.pause.kind === 'none' ? '' : ` (${formatPause(s.pause)})`}`).join(' → ');
}
