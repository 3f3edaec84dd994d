import type { Release } from '../model/release.ts';
import type { ReleaseStore } from './ledger.ts';

/**
 * isStuck tells whether a release is stuck now: failed, and still its workload's latest release
 * in a workload that exists (the definition of ReleaseStore.stuckReleases, asked of one release).
 */
export async function isStuck(ledger: Pick<ReleaseStore, 'stuckReleases'>, release: Release): Promise<boolean> {
  if (release.outcome !== 'failed') return false;
  return (await ledger.stuckReleases(release.workload.cluster)).some((r) => r.id === release.id);
}
