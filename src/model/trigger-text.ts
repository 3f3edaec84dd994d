import type { Trigger } from './release.ts';

/**
 * triggerText is how a release's trigger reads in tables, the dashboard and notifications: a
 * rollback names the release it returns to ("rollback to #3"); every other trigger is its name.
 */
export function triggerText(r: { readonly trigger: Trigger; readonly rollbackTo?: number | null | undefined }): string {
  return r.trigger === 'rollback' && r.rollbackTo !== undefined && r.rollbackTo !== null ? `rollback to #${r.rollbackTo}` : r.trigger;
}
