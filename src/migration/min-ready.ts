import { err, ok, type Result } from '../lib/result.ts';

/**
 * The floor of ready endpoints a migration keeps behind each affected Service.
 *
 * Default: the Deployment's own availability floor, `replicas − maxUnavailable`, resolved the way
 * the deployment controller resolves it (kubernetes `pkg/controller/deployment/util/
 * deployment_util.go` ResolveFenceposts with apimachinery `intstr.GetScaledValueFromIntOrPercent`):
 * maxSurge rounds a percentage up, maxUnavailable rounds down, both default to 25 %, and when both
 * resolve to 0 maxUnavailable becomes 1. A Recreate Deployment has no rolling budget; its
 * Available condition treats maxUnavailable as 0 (`recreate.go`), so the floor is all replicas.
 */

/** IntOrPercent is an `intstr.IntOrString` from the wire: a number, or a string like `25%` (or a digit string). */
export type IntOrPercent = number | string;

/** MinReady is the parsed `--min-ready`: a count, or a percentage of the live replicas (rounded up). */
export type MinReady = { readonly kind: 'count'; readonly n: number } | { readonly kind: 'percent'; readonly percent: number };

/** scaledValue resolves an int-or-percent against `total`, rounding a percentage up or down; null when malformed. */
export function scaledValue(v: IntOrPercent | undefined, total: number, roundUp: boolean, fallback: IntOrPercent): number | null {
  const value = v ?? fallback;
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : null;
  const pct = /^(\d+)%$/.exec(value.trim());
  if (pct) {
    const scaled = (Number(pct[1]) * total) / 100;
    return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
  }
  return /^\d+$/.test(value.trim()) ? Number(value.trim()) : null;
}

/** RollingParams are the strategy fields that matter here. */
export interface RollingParams {
  readonly strategyType: string;
  readonly maxSurge?: IntOrPercent;
  readonly maxUnavailable?: IntOrPercent;
}

/** Fenceposts is the resolved surge and unavailability budget of a Deployment. */
export interface Fenceposts {
  readonly maxSurge: number;
  readonly maxUnavailable: number;
}

/** resolveFenceposts resolves maxSurge/maxUnavailable as the deployment controller does (see the file comment). */
export function resolveFenceposts(p: RollingParams, replicas: number): Fenceposts {
  if (p.strategyType === 'Recreate') return { maxSurge: 0, maxUnavailable: 0 };
  const surge = scaledValue(p.maxSurge, replicas, true, '25%') ?? 0;
  let unavailable = scaledValue(p.maxUnavailable, replicas, false, '25%') ?? 0;
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { maxSurge: surge, maxUnavailable: Math.min(unavailable, replicas) };
}

/** defaultMinReady is `replicas − maxUnavailable` (never below 0). */
export function defaultMinReady(p: RollingParams, replicas: number): number {
  return Math.max(0, replicas - resolveFenceposts(p, replicas).maxUnavailable);
}

/** parseMinReady reads `--min-ready N` or `--min-ready P%`. */
export function parseMinReady(text: string): Result<MinReady, string> {
  const t = text.trim();
  const pct = /^(\d+)%$/.exec(t);
  if (pct) {
    const percent = Number(pct[1]);
    return percent <= 100 ? ok({ kind: 'percent', percent }) : err(`--min-ready ${text}: a percentage must be at most 100%`);
  }
  if (/^\d+$/.test(t)) return ok({ kind: 'count', n: Number(t) });
  return err(`--min-ready ${text}: expected a count (e.g. 2) or a percentage of the replicas (e.g. 75%)`);
}

/** resolveMinReady turns `--min-ready` (or the default when unset) into a count for `replicas` live replicas. */
export function resolveMinReady(flag: MinReady | undefined, p: RollingParams, replicas: number): number {
  if (flag === undefined) return defaultMinReady(p, replicas);
  if (flag.kind === 'count') return flag.n;
  return Math.ceil((flag.percent * replicas) / 100);
}
