import type { Instant } from '../lib/clock.ts';
import { nameOfObj, replicasOf } from '../migration/manifests.ts';
import { stringField, type Unstructured } from '../track/status/fields.ts';
import { imagesOf, serviceOf, type ContainerImages, type ServiceRef } from './manifests.ts';
import type { CanaryRecord } from './record.ts';
import type { CanaryStep } from './steps.ts';

/** ProposeInput is what a new canary is made of (the CLI's flags, resolved by the shell). */
export interface ProposeInput {
  readonly id: string;
  readonly stable: Unstructured;
  readonly images: ContainerImages;
  readonly steps: readonly CanaryStep[];
  /** The analysis file's document as validated, or null. */
  readonly analysis: unknown;
  readonly baseline: boolean;
  readonly services: readonly ServiceRef[];
  /** The desired replicas of an HPA targeting the stable, when there is one (it wins over spec.replicas). */
  readonly hpaReplicas: number | null;
  /** The Prometheus URL of the analysis (recorded without credentials: publicPrometheusUrl), or null. */
  readonly prometheus?: string | null;
  readonly now: Instant;
}

/**
 * publicPrometheusUrl is `url` as it may be recorded on the cluster: without user:password@ (a
 * secret). `hadCredentials` tells the shell to warn that other drivers query without them.
 */
export function publicPrometheusUrl(url: string): { url: string; hadCredentials: boolean } {
  try {
    const u = new URL(url);
    const hadCredentials = u.username !== '' || u.password !== '';
    u.username = '';
    u.password = '';
    return { url: u.toString().replace(/\/$/, ''), hadCredentials };
  } catch {
    return { url, hadCredentials: false };
  }
}

/** proposeCanary builds the record of a new canary (record.ts). */
export function proposeCanary(p: ProposeInput): CanaryRecord {
  const name = nameOfObj(p.stable);
  const svc = serviceOf(p.stable, p.services);
  const from = imagesOf(p.stable);
  return {
    v: 1,
    id: p.id,
    namespace: stringField(p.stable, 'metadata.namespace'),
    name,
    canaryName: `${name}-canary`,
    baselineName: p.baseline ? `${name}-baseline` : null,
    images: { ...p.images },
    fromImages: Object.fromEntries(Object.keys(p.images).map((c) => [c, from[c] ?? ''])),
    steps: p.steps.map((s) => ({ weight: s.weight, pause: s.pause })),
    total: p.hpaReplicas ?? replicasOf(p.stable),
    service: svc?.name ?? '',
    serviceSelector: { ...(svc?.selector ?? {}) },
    analysis: p.analysis,
    prometheus: p.prometheus === undefined || p.prometheus === null ? null : publicPrometheusUrl(p.prometheus).url,
    startedAt: p.now,
  };
}
