/**
 * The `pod-template-hash` of a Deployment's ReplicaSets (Kubernetes `controller.ComputeHash`):
 * FNV-1a 32-bit over the pod template (plus `status.collisionCount` when set), printed in decimal
 * and "safe-encoded" so that the value never spells words and never looks like a number.
 *
 * Go hashes a spew dump of the typed struct, which cannot be reproduced outside Go; we hash the
 * template's canonical JSON (keys sorted) instead. The result has the same alphabet and length
 * range as on a real cluster (1–10 chars of `4 5 6 7 8 9 b c d f`), is stable for equal
 * templates, and changes with the collision count.
 */

/** SAFE_ALPHABET is apimachinery's `rand` alphabet: no vowels, no confusable characters. */
export const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** fnv1a32 hashes bytes with 32-bit FNV-1a, continuing from `seed` (the offset basis by default). */
export function fnv1a32(bytes: Uint8Array, seed: number = FNV_OFFSET): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  return h >>> 0;
}

/** safeEncodeString maps every character to `SAFE_ALPHABET[code % 27]` (apimachinery `rand.SafeEncodeString`). */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHABET[s.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/** canonicalJson renders a JSON-shaped value with object keys sorted, dropping undefined members. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map((x: unknown) => canonicalJson(x)).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
}

/**
 * computeTemplateHash returns the `pod-template-hash` for a pod template and an optional collision
 * count. As in Kubernetes the collision count enters as a little-endian uint32 in an 8-byte buffer.
 *
 * Example: two Deployments with the same template get the same hash; bumping `collisionCount`
 * from undefined to 1 yields a different hash, which resolves a name collision.
 */
export function computeTemplateHash(template: unknown, collisionCount?: number): string {
  let h = fnv1a32(new TextEncoder().encode(canonicalJson(template)));
  if (collisionCount !== undefined) {
    const buf = new Uint8Array(8);
    new DataView(buf.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv1a32(buf, h);
  }
  return safeEncodeString(String(h));
}
