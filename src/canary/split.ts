/**
 * Replica split of a replica-based canary: how many of `total` pods run the canary at weight `w`
 * percent. Follows Argo Rollouts' rule for canaries without a traffic router
 * (`utils/replicaset/canary.go`, approximateWeightedCanaryStableReplicaCounts), minus its surge
 * variant: the candidates are canary = ceil(total·w/100) and floor(total·w/100), stable = total −
 * canary; the one whose actual canary share is closest to w wins, an exact tie goes to the larger
 * canary. For 0 < w < 100 and total > 1 neither side is 0 (a canary with no pods measures
 * nothing; a stable with none is a full cut-over, which only w = 100 may do). With a single replica the
 * closest share simply wins: below 50 % the canary gets no pod (say so to the user).
 * Example (Argo's docs): total 10, w 41 → canary 4, stable 6.
 */

/** Split is the replica count of each side; canary + stable = the total. */
export interface Split {
  readonly canary: number;
  readonly stable: number;
}

/** splitReplicas splits `total` replicas at `weight` percent (0–100; clamped). */
export function splitReplicas(total: number, weight: number): Split {
  const n = Math.max(0, Math.floor(total));
  const w = Math.min(100, Math.max(0, weight));
  if (n === 0) return { canary: 0, stable: 0 };
  if (w <= 0) return { canary: 0, stable: n };
  if (w >= 100) return { canary: n, stable: 0 };
  const exact = (n * w) / 100;
  const candidates = [Math.ceil(exact), Math.floor(exact)].map((c) => Math.min(n - (n > 1 ? 1 : 0), Math.max(n > 1 ? 1 : 0, c)));
  let best = candidates[0]!;
  for (const c of candidates.slice(1)) {
    const d = Math.abs((c / n) * 100 - w);
    const bd = Math.abs((best / n) * 100 - w);
    if (d < bd || (d === bd && c > best)) best = c;
  }
  return { canary: best, stable: n - best };
}

/** replicaShare is the canary's share of the pods in percent (what the Service's round-robin gives it). */
export function replicaShare(split: Split): number {
  const total = split.canary + split.stable;
  return total === 0 ? 0 : (split.canary / total) * 100;
}
