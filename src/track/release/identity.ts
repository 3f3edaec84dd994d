import type { Instant } from '../../lib/clock.ts';
import { hash64 } from '../../model/fingerprint.ts';
import type { ReleaseId } from '../../model/release.ts';

/**
 * NaturalKey is a release's identity in the ledger: workload uid + template fingerprint + native
 * revision (as `LedgerStore.upsertRelease` matches it). A rollback re-activates an old template
 * under a NEW native revision, so it is a new release with a new key.
 */
export interface NaturalKey {
  readonly workloadUid: string;
  readonly templateHash: string;
  /** Native revision (`deployment.kubernetes.io/revision` or ControllerRevision.revision); null if unknown. */
  readonly revision: string | null;
}

/** naturalKeyString renders a NaturalKey as one string, for maps and hashing. */
export function naturalKeyString(key: NaturalKey): string {
  return `${key.workloadUid}\u0000${key.templateHash}\u0000${key.revision ?? '\u0001'}`;
}

/** CROCKFORD is the ULID alphabet (Crockford's base32: no I, L, O, U). */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** MAX_ULID_TIME is the largest 48-bit millisecond timestamp a ULID can carry. */
const MAX_ULID_TIME = 2 ** 48 - 1;

function base32(value: bigint, digits: number): string {
  let out = '';
  let v = value;
  for (let i = 0; i < digits; i++) {
    out = CROCKFORD[Number(v & 31n)]! + out;
    v >>= 5n;
  }
  return out;
}

/**
 * releaseIdFor derives a release's id from its natural key and start time: a ULID-shaped string
 * (26 chars of Crockford base32), time part = `startedAt` (48-bit ms), "random" part = 80 bits of a
 * hash of the natural key. Pure and deterministic, so a relist, a replay or a restart that rebuilds
 * the same release produces the same id, and ids still sort by start time.
 * Example: releaseIdFor({workloadUid: 'u1', templateHash: 'ab', revision: '1'}, 0) starts with '0000000000'.
 */
export function releaseIdFor(key: NaturalKey, startedAt: Instant): ReleaseId {
  const s = naturalKeyString(key);
  const time = BigInt(Math.min(MAX_ULID_TIME, Math.max(0, Math.floor(startedAt))));
  // 64 bits from one lane, 16 more from a second seed: 80 bits of entropy from the key.
  const random = (BigInt(`0x${hash64(s)}`) << 16n) | (BigInt(`0x${hash64(s, 0x9e3779b9)}`) & 0xffffn);
  return (base32(time, 10) + base32(random, 16)) as ReleaseId;
}

/** isReleaseIdShape tells whether a string looks like a ULID (26 Crockford base32 chars, first ≤ 7). */
export function isReleaseIdShape(s: string): boolean {
  return /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/.test(s);
}
