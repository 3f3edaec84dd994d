import type { ContainerImage } from './release.ts';

/**
 * The change-cause a canary's promotion writes on the stable Deployment
 * (`kubernetes.io/change-cause: canary-promote <id>: app=web:2, side=proxy:3`), which Kubernetes
 * copies onto the ReplicaSet it creates — the one link from an ordinary release of the stable
 * Deployment back to the canary that made it. The tracker names such a release's trigger
 * `canary-promote` and the API links it to the canary.
 *
 * kubectl leaves a change-cause on the Deployment until something overwrites it, so a later
 * `kubectl set image` would carry the stale cause onto its own ReplicaSet: a release counts as the
 * promotion only when its images are the ones the cause names (`promotionOf`).
 */
export const PROMOTE_CAUSE_PREFIX = 'canary-promote ';

/** promoteCause renders the change-cause of canary `id` promoting `images` (container → image). */
export function promoteCause(id: string, images: Readonly<Record<string, string>>): string {
  return `${PROMOTE_CAUSE_PREFIX}${id}: ${Object.entries(images).map(([c, i]) => `${c}=${i}`).join(', ')}`;
}

/** CanaryPromotion is what a promotion's change-cause says. */
export interface CanaryPromotion {
  readonly id: string;
  readonly images: Readonly<Record<string, string>>;
}

/** parsePromoteCause reads a promotion's change-cause; null for any other (or a malformed) cause. */
export function parsePromoteCause(cause: string | null): CanaryPromotion | null {
  if (cause === null || !cause.startsWith(PROMOTE_CAUSE_PREFIX)) return null;
  const rest = cause.slice(PROMOTE_CAUSE_PREFIX.length);
  const colon = rest.indexOf(': ');
  if (colon <= 0) return null;
  const images: Record<string, string> = {};
  for (const part of rest.slice(colon + 2).split(', ')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return null;
    images[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return { id: rest.slice(0, colon), images };
}

/** promotionOf is the canary promotion a release with `cause` and `images` is, or null (see the file comment). */
export function promotionOf(cause: string | null, images: readonly ContainerImage[]): CanaryPromotion | null {
  const p = parsePromoteCause(cause);
  if (p === null) return null;
  const running = new Map(images.map((i) => [i.container, i.image]));
  return Object.entries(p.images).every(([c, i]) => running.get(c) === i) ? p : null;
}
