import type { Instant } from './clock.ts';

/**
 * Timestamp formats. Kubernetes writes `metav1.Time` with second precision and `metav1.MicroTime`
 * with six fractional digits; rollscope's own outputs (API, CLI `-o json|yaml`, webhooks) keep
 * milliseconds. All are UTC with a `Z` suffix.
 */

/**
 * rfc3339 formats an instant as Kubernetes `metav1.Time` (Go's time.RFC3339 in UTC): second
 * precision, the fraction dropped. Example: 1714557600999 → '2024-05-01T10:00:00Z'.
 */
export function rfc3339(at: Instant): string {
  return new Date(Math.floor(at / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** microTime formats an instant as Kubernetes `metav1.MicroTime`: six fractional digits (`2024-05-01T10:00:00.123000Z`). */
export function microTime(at: Instant): string {
  return new Date(at).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * rfc3339Millis formats an instant as RFC 3339 UTC with milliseconds, as rollscope's outputs show
 * times; null and undefined (no time yet) become null. Example: 1714557600123 → '2024-05-01T10:00:00.123Z'.
 */
export function rfc3339Millis(at: Instant): string;
export function rfc3339Millis(at: Instant | null | undefined): string | null;
export function rfc3339Millis(at: Instant | null | undefined): string | null {
  return at === null || at === undefined ? null : new Date(at).toISOString();
}
