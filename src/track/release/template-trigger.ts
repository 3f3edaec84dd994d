import { canonicalJson } from '../../model/fingerprint.ts';
import type { PodTemplateRecord } from '../../model/records.ts';
import type { Trigger } from '../../model/release.ts';
import { redactedTemplate } from '../../model/template.ts';
import { rollbackTargetOf, type TemplateHistory } from './rollback-target.ts';

/** RESTARTED_AT is the template annotation `kubectl rollout restart` sets (RFC3339 time). */
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

/** TemplateDelta says which parts of a pod template differ between two versions. */
export interface TemplateDelta {
  /** Some container or init container image differs (or containers were added/removed with images only). */
  readonly images: boolean;
  /** The `kubectl.kubernetes.io/restartedAt` template annotation differs. */
  readonly restartedAt: boolean;
  /** Anything else differs (env, resources, probes, labels, other annotations, container set…). */
  readonly other: boolean;
}

type Json = null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json };

function isObject(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** withoutImagesAndRestart copies a redacted template with container images blanked and restartedAt removed. */
function withoutImagesAndRestart(redacted: unknown): unknown {
  if (!isObject(redacted)) return redacted;
  const out: Record<string, unknown> = { ...redacted };
  const meta = redacted.metadata;
  if (isObject(meta) && isObject(meta.annotations) && RESTARTED_AT in meta.annotations) {
    const { [RESTARTED_AT]: _r, ...annotations } = meta.annotations;
    const { annotations: _a, ...rest } = meta;
    out.metadata = Object.keys(annotations).length > 0 ? { ...rest, annotations } : rest;
  }
  const spec = redacted.spec;
  if (isObject(spec)) {
    const s: Record<string, unknown> = { ...spec };
    for (const list of ['containers', 'initContainers'] as const) {
      const cs = spec[list];
      if (Array.isArray(cs)) s[list] = (cs as readonly unknown[]).map((c) => (isObject(c) ? { ...c, image: '' } : c));
    }
    out.spec = s;
  }
  return out;
}

const imageList = (t: PodTemplateRecord): string =>
  canonicalJson([...t.initContainers, ...t.containers].map((c) => [c.name, c.image] as Json));

/**
 * diffTemplates compares two pod templates part by part. It reads the redacted templates, so a
 * change to a secret env value is invisible (it is redacted in both) — such a change still moves
 * the fingerprint only if the redaction keeps something of it, which it does not: callers decide
 * on fingerprints first and use this only to name the trigger.
 */
export function diffTemplates(prev: PodTemplateRecord, next: PodTemplateRecord): TemplateDelta {
  const restartedAt = (prev.annotations[RESTARTED_AT] ?? null) !== (next.annotations[RESTARTED_AT] ?? null);
  const images = imageList(prev) !== imageList(next);
  const other = prev.redactedJson !== next.redactedJson && canonicalJson(withoutImagesAndRestart(redactedTemplate(prev))) !== canonicalJson(withoutImagesAndRestart(redactedTemplate(next)));
  return { images, restartedAt, other };
}

/**
 * triggerOf names why a template changed, given the previous release's template:
 * - `rollback` when `earlierTemplates` says an earlier release with the new template proved good
 *   (rollback-target.ts) — Kubernetes reuses the old ReplicaSet/revision (kubernetes.md §1.5);
 * - `image` when only container images differ;
 * - `restart` when only `kubectl.kubernetes.io/restartedAt` differs;
 * - `config` otherwise (also images + restartedAt together, and any difference the redacted
 *   templates cannot show, e.g. a secret env value).
 */
export function triggerOf(prev: PodTemplateRecord, next: PodTemplateRecord, earlierTemplates: TemplateHistory = new Map()): Trigger {
  if (rollbackTargetOf(earlierTemplates, next.fingerprint, prev.fingerprint).rollback) return 'rollback';
  const d = diffTemplates(prev, next);
  if (d.other) return 'config';
  if (d.images && !d.restartedAt) return 'image';
  if (d.restartedAt && !d.images) return 'restart';
  return 'config';
}
