import { OUTCOME_COLORS } from '../format.ts';

/** OutcomeBadge shows a release outcome as a coloured pill. */
export function OutcomeBadge({ outcome }: { readonly outcome: string }) {
  return <span className="badge" data-outcome={outcome} style={{ background: OUTCOME_COLORS[outcome] ?? 'var(--muted)' }}>{outcome}</span>;
}
