import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from './ledger.ts';

/** pageLimit clamps a requested page size to [1, MAX_PAGE_LIMIT]; unset or not a number gives DEFAULT_PAGE_LIMIT. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_PAGE_LIMIT;
  return Math.min(MAX_PAGE_LIMIT, Math.max(1, Math.floor(limit)));
}
