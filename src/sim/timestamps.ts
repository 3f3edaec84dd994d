import type { Instant } from '../lib/clock.ts';

/** rfc3339 formats an instant as Kubernetes `metav1.Time`: RFC 3339 with second precision (`2024-05-01T10:00:00Z`). */
export function rfc3339(at: Instant): string {
  return new Date(Math.floor(at / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** microTime formats an instant as Kubernetes `metav1.MicroTime`: six fractional digits (`2024-05-01T10:00:00.123000Z`). */
export function microTime(at: Instant): string {
  return new Date(at).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
