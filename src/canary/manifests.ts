import { annotationsOf, labelsOf, nameOfObj, selectorOf, templateLabelsOf } from '../migration/manifests.ts';
import { mapSelectorMatches, selectorMatches, selectorToWire, type LabelSelector, type Labels } from '../migration/selector.ts';
import { fieldAt, isUnstructured, stringField, type Unstructured } from '../track/status/fields.ts';
import { CANARY_OF_LABEL, COMMAND_ANNOTATION, RECORD_ANNOTATION, STATUS_ANNOTATION, TRACK_LABEL } from './record.ts';

/**
 * The Deployments a canary creates and the one patch of the stable it makes on promotion.
 *
 * Selectors (ControllerRef rules: a controller adopts only orphans matching its selector, and never
 * one owned by another controller — design-proposals-archive api-machinery/controller-ref.md;
 * pkg/controller/controller_ref_manager.go). The canary `<name>-canary` selects the stable's
 * selector AND `rollscope.io/track: canary`, and its pods carry that label; the stable's pods
 * carry no track label, so the canary never selects a stable pod or ReplicaSet. The other way
 * round the stable's (immutable) selector is a SUBSET of the canary's labels: it does match the
 * canary's ReplicaSets and pods. That is safe because (1) every canary ReplicaSet is created with
 * the canary Deployment as its controller, so the stable's deployment controller never adopts it,
 * (2) ReplicaSets select by pod-template-hash as well, and the canary's template (track label,
 * new images) hashes differently, so no ReplicaSet claims the other's pods, and (3) rollscope only
 * ever deletes the canary with propagationPolicy Background (never Orphan): its ReplicaSets keep
 * their controllerRef until the garbage collector deletes them. An orphaned canary ReplicaSet
 * (`kubectl delete --cascade=orphan` by hand) WOULD be adopted by the stable and scaled down as an
 * old revision — the README says so. A stable whose selector requires the track label to be
 * absent (`matchExpressions: [{key: rollscope.io/track, operator: DoesNotExist}]`) does not overlap at all.
 */

/** Track of a Deployment rollscope creates. */
export type CreatedTrack = 'canary' | 'baseline';

const OWNER_MARKS = (key: string): boolean =>
  key === 'argocd.argoproj.io/tracking-id' || key.startsWith('meta.helm.sh/') || key.startsWith('kustomize.toolkit.fluxcd.io/') || key.startsWith('helm.toolkit.fluxcd.io/') || key === 'app.kubernetes.io/managed-by';
const OURS = new Set([RECORD_ANNOTATION, STATUS_ANNOTATION, COMMAND_ANNOTATION, 'deployment.kubernetes.io/revision', 'kubernetes.io/change-cause']);

/** trackSelector is the selector of a created track: the stable's plus the track label. */
export function trackSelector(stable: Unstructured, track: CreatedTrack): LabelSelector {
  const s = selectorOf(stable);
  return { ...s, matchLabels: { ...(s.matchLabels ?? {}), [TRACK_LABEL]: track } };
}

/** trackTemplateLabels are a created track's pod labels: the stable's plus the track label. */
export const trackTemplateLabels = (stable: Unstructured, track: CreatedTrack): Labels => ({ ...templateLabelsOf(stable), [TRACK_LABEL]: track });

/** ContainerImages maps container name → image (containers and initContainers). */
export type ContainerImages = Readonly<Record<string, string>>;

function containerLists(template: unknown): [key: 'containers' | 'initContainers', list: Unstructured[]][] {
  const spec = fieldAt(template, 'spec');
  const out: [key: 'containers' | 'initContainers', list: Unstructured[]][] = [];
  for (const key of ['containers', 'initContainers'] as const) {
    const v = isUnstructured(spec) ? spec[key] : undefined;
    if (Array.isArray(v)) out.push([key, (v as unknown[]).filter(isUnstructured)]);
  }
  return out;
}

/** imagesOf reads a Deployment's images by container name. */
export function imagesOf(d: unknown): ContainerImages {
  const out: Record<string, string> = {};
  for (const [, list] of containerLists(fieldAt(d, 'spec.template'))) for (const c of list) out[stringField(c, 'name')] = stringField(c, 'image');
  return out;
}

/** withImages is a pod template with the given images set (unknown containers ignored). */
export function withImages(template: unknown, images: ContainerImages, labels?: Labels): Unstructured {
  const t = isUnstructured(template) ? template : {};
  const spec = isUnstructured(t.spec) ? { ...t.spec } : {};
  for (const [key, list] of containerLists(t)) spec[key] = list.map((c) => (Object.hasOwn(images, stringField(c, 'name')) ? { ...c, image: images[stringField(c, 'name')] } : c));
  const meta = isUnstructured(t.metadata) ? t.metadata : {};
  return { ...t, metadata: labels === undefined ? meta : { ...meta, labels: { ...labels } }, spec };
}

/** imagesMatch tells whether a Deployment's template runs `images` (every named container). */
export function imagesMatch(d: unknown, images: ContainerImages): boolean {
  const have = imagesOf(d);
  return Object.entries(images).every(([c, img]) => have[c] === img);
}

/**
 * trackManifest is the canary (new images) or baseline (the stable's images) Deployment made from
 * the stable one: same spec and pod template, `replicas`, the track selector and labels, the
 * stable's metadata labels without GitOps ownership marks (a GitOps tool must not prune or adopt
 * it) plus CANARY_OF_LABEL, and none of rollscope's annotations.
 */
export function trackManifest(stable: Unstructured, track: CreatedTrack, name: string, replicas: number, images: ContainerImages): Unstructured {
  const spec = isUnstructured(stable.spec) ? stable.spec : {};
  const labels = Object.fromEntries(Object.entries(labelsOf(stable)).filter(([k]) => !OWNER_MARKS(k)));
  const annotations = Object.fromEntries(Object.entries(annotationsOf(stable)).filter(([k]) => !OWNER_MARKS(k) && !OURS.has(k)));
  const { paused: _paused, ...rest } = spec;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace: stringField(stable, 'metadata.namespace'),
      labels: { ...labels, [CANARY_OF_LABEL]: nameOfObj(stable), [TRACK_LABEL]: track },
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    spec: {
      ...rest,
      replicas,
      selector: selectorToWire(trackSelector(stable, track)),
      template: withImages(spec.template, track === 'canary' ? images : {}, trackTemplateLabels(stable, track)),
    },
  };
}

/**
 * promotionPatch is the merge patch of the stable on promotion: its own template with the canary's
 * images (its labels unchanged, so its selector still matches), back at `total` replicas. A merge
 * patch replaces the container lists whole, so they are sent whole.
 */
export function promotionPatch(stable: Unstructured, images: ContainerImages, total: number): Unstructured {
  const t = withImages(fieldAt(stable, 'spec.template'), images);
  const spec = isUnstructured(t.spec) ? t.spec : {};
  const lists: Record<string, unknown> = {};
  for (const key of ['containers', 'initContainers']) if (spec[key] !== undefined) lists[key] = spec[key];
  return { spec: { replicas: total, template: { spec: lists } } };
}

/** ServiceRef is a Service as the pre-flight sees it. */
export interface ServiceRef {
  readonly name: string;
  readonly selector: Labels;
}

/**
 * preflightProblems lists why a canary of `stable` cannot start: containers named in --image that
 * the template lacks, a stable selector or pods that would overlap the canary's, and a Service
 * that selects the stable pods but not the canary's (the canary would get no traffic).
 */
export function preflightProblems(stable: Unstructured, images: ContainerImages, services: readonly ServiceRef[]): string[] {
  const out: string[] = [];
  const subject = `deployment ${stringField(stable, 'metadata.namespace')}/${nameOfObj(stable)}`;
  const have = imagesOf(stable);
  for (const c of Object.keys(images)) if (!Object.hasOwn(have, c)) out.push(`${subject} has no container ${c} (containers: ${Object.keys(have).join(', ') || 'none'})`);
  const stableLabels = templateLabelsOf(stable);
  if (selectorMatches(trackSelector(stable, 'canary'), stableLabels)) out.push(`${subject}: its pods already carry ${TRACK_LABEL}=canary, so the canary's selector would match them`);
  const canaryLabels = trackTemplateLabels(stable, 'canary');
  for (const s of services)
    if (mapSelectorMatches(s.selector, stableLabels) && !mapSelectorMatches(s.selector, canaryLabels))
      out.push(`service ${s.name} selects ${subject}'s pods by ${TRACK_LABEL}, so the canary's pods would get no traffic`);
  return out;
}

/** serviceOf picks the Service in front of the stable's pods (the first by name); null when none. */
export function serviceOf(stable: Unstructured, services: readonly ServiceRef[]): ServiceRef | null {
  const labels = templateLabelsOf(stable);
  return [...services].sort((a, b) => a.name.localeCompare(b.name)).find((s) => mapSelectorMatches(s.selector, labels)) ?? null;
}
