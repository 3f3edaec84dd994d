import type { BuiltinMetric, MetricSpec } from './schema.ts';

/**
 * PromQL of an analysis: the metric's template with its variables filled in for one track, and the
 * built-in queries. Variables: {{namespace}}, {{service}} (the Service both tracks sit behind),
 * {{track}} (`canary`, `baseline`, or '' for the stable — its pods carry no track label, and a
 * PromQL matcher `label=""` matches a missing label), {{release}} (the track's Deployment name),
 * {{interval}} (the metric's interval as a PromQL duration, the rate() window), and {{selector}}:
 * the label matchers of one track — namespace, the Service's selector labels as Prometheus'
 * labelmap spells pod labels (non [a-zA-Z0-9_] characters become _), and the track label.
 */

/** Track names one side of the canary. */
export type Track = 'canary' | 'stable' | 'baseline';

/** QueryContext is what the variables are filled from. */
export interface QueryContext {
  readonly namespace: string;
  readonly service: string;
  /** The Service's selector (pod labels both tracks share). */
  readonly serviceSelector: Readonly<Record<string, string>>;
  readonly labels: { readonly namespace: string; readonly track: string };
  /** Deployment name per track. */
  readonly releases: Readonly<Record<Track, string>>;
}

/** promLabelName spells a Kubernetes label key as Prometheus' labelmap does. */
export const promLabelName = (key: string): string => key.replace(/[^a-zA-Z0-9_]/g, '_');

const quote = (v: string): string => JSON.stringify(v);

/** trackValue is the value of the track label on a track's pods ('' = label absent). */
export const trackValue = (t: Track): string => (t === 'stable' ? '' : t);

/** selectorFor renders the label matchers of one track. */
export function selectorFor(ctx: QueryContext, track: Track): string {
  const parts = [`${ctx.labels.namespace}=${quote(ctx.namespace)}`];
  for (const [k, v] of Object.entries(ctx.serviceSelector).sort(([a], [b]) => a.localeCompare(b))) parts.push(`${promLabelName(k)}=${quote(v)}`);
  parts.push(`${ctx.labels.track}=${quote(trackValue(track))}`);
  return parts.join(',');
}

/** promDuration renders ms as a PromQL duration (whole seconds, at least 1s). */
export const promDuration = (ms: number): string => `${Math.max(1, Math.round(ms / 1000))}s`;

const BUILTIN: Readonly<Record<BuiltinMetric, string>> = {
  'success-rate': 'sum(rate(http_requests_total{{{selector}},code!~"5.."}[{{interval}}])) / sum(rate(http_requests_total{{{selector}}}[{{interval}}]))',
  'latency-p99': 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{{{selector}}}[{{interval}}])))',
};

/** TRAFFIC_TEMPLATE measures a track's request rate (requests per second) for the traffic floor and the traffic share. */
export const TRAFFIC_TEMPLATE = 'sum(rate(http_requests_total{{{selector}}}[{{interval}}]))';

/** fillTemplate replaces the variables of a template for one track; unknown {{names}} are left as they are. */
export function fillTemplate(template: string, ctx: QueryContext, track: Track, intervalMs: number): string {
  const vars: Record<string, string> = {
    namespace: ctx.namespace,
    service: ctx.service,
    track: trackValue(track),
    release: ctx.releases[track],
    interval: promDuration(intervalMs),
    selector: selectorFor(ctx, track),
  };
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => vars[name] ?? whole);
}

/** queryFor is the metric's PromQL for one track. */
export function queryFor(m: MetricSpec, ctx: QueryContext, track: Track): string {
  return fillTemplate(m.builtin !== null ? BUILTIN[m.builtin] : (m.query ?? ''), ctx, track, m.intervalMs);
}

/** trafficQueryFor is the request-rate query of one track over `intervalMs`. */
export function trafficQueryFor(ctx: QueryContext, track: Track, intervalMs: number): string {
  return fillTemplate(TRAFFIC_TEMPLATE, ctx, track, intervalMs);
}

/** unknownVariables lists {{names}} a template uses that are not variables (a validation warning). */
export function unknownVariables(template: string): string[] {
  const known = new Set(['namespace', 'service', 'track', 'release', 'interval', 'selector']);
  return [...template.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!).filter((n) => !known.has(n));
}
