import { CONTINUES_ANNOTATION } from '../model/release.ts';
import { fieldAt, intField, isUnstructured, mapField, stringField, type Unstructured } from '../track/status/fields.ts';
import { COPY_LABEL, encodeRecord, MIGRATION_LABEL, RECORD_ANNOTATION, type MigrationRecord } from './record.ts';
import { readSelector, selectorToWire, type LabelSelector, type Labels } from './selector.ts';

/**
 * Object readers and the manifests a migration writes: the stripped original (backup and record),
 * the temporary copy, and the recreated Deployment.
 */

export const uidOf = (o: unknown): string => stringField(o, 'metadata.uid');
export const nameOfObj = (o: unknown): string => stringField(o, 'metadata.name');
export const labelsOf = (o: unknown): Labels => mapField(o, 'metadata.labels');
export const annotationsOf = (o: unknown): Labels => mapField(o, 'metadata.annotations');
export const templateLabelsOf = (o: unknown): Labels => mapField(o, 'spec.template.metadata.labels');
export const selectorOf = (o: unknown): LabelSelector => readSelector(fieldAt(o, 'spec.selector'));
export const replicasOf = (o: unknown): number => intField(o, 'spec.replicas', 1);
export const isTerminating = (o: unknown): boolean => stringField(o, 'metadata.deletionTimestamp') !== '';

/** controllerUidOf is the UID of the object's controller owner reference, or '' for an orphan. */
export function controllerUidOf(o: unknown): string {
  const refs = fieldAt(o, 'metadata.ownerReferences');
  if (!Array.isArray(refs)) return '';
  for (const r of refs as unknown[]) if (isUnstructured(r) && r.controller === true && typeof r.uid === 'string') return r.uid;
  return '';
}

/** Annotations a recreated object must not inherit: controller-owned state and our own record. */
const DROPPED_ANNOTATIONS: ReadonlySet<string> = new Set(['deployment.kubernetes.io/revision', RECORD_ANNOTATION]);

/**
 * GitOps ownership marks dropped from the temporary copy's metadata only (never from the pod
 * template): a copy that looked tracked would be pruned by Argo CD or Flux as not in the source.
 */
const OWNER_MARKS = (key: string): boolean =>
  key === 'argocd.argoproj.io/tracking-id' || key.startsWith('meta.helm.sh/') || key.startsWith('kustomize.toolkit.fluxcd.io/') || key.startsWith('helm.toolkit.fluxcd.io/');

/**
 * stripDeployment keeps what recreating a Deployment needs — apiVersion, kind, name, namespace,
 * labels, annotations (without controller state), spec — and drops uid, resourceVersion,
 * generation, timestamps, managedFields, ownerReferences and status.
 */
export function stripDeployment(d: Unstructured): Unstructured {
  const annotations = Object.fromEntries(Object.entries(annotationsOf(d)).filter(([k]) => !DROPPED_ANNOTATIONS.has(k)));
  const labels = Object.fromEntries(Object.entries(labelsOf(d)).filter(([k]) => k !== MIGRATION_LABEL));
  const spec = isUnstructured(d.spec) ? d.spec : {};
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: nameOfObj(d),
      namespace: stringField(d, 'metadata.namespace'),
      ...(Object.keys(labels).length > 0 ? { labels } : {}),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    spec,
  };
}

function withTemplate(spec: Unstructured, labels: Labels): Unstructured {
  const template = isUnstructured(spec.template) ? spec.template : {};
  const meta = isUnstructured(template.metadata) ? template.metadata : {};
  return { ...template, metadata: { ...meta, labels: { ...labels } } };
}

function metaWith(base: Unstructured, name: string, labels: Labels, annotations: Labels): Unstructured {
  const meta = isUnstructured(base.metadata) ? base.metadata : {};
  return { ...meta, name, labels: { ...labels }, annotations: { ...annotations } };
}

/** recreatedManifest is the Deployment to create under the original name: new selector, new template labels, `replicas` live replicas, the record. */
export function recreatedManifest(r: MigrationRecord, replicas: number): Unstructured {
  const o = r.original;
  const spec = isUnstructured(o.spec) ? o.spec : {};
  // CONTINUES_ANNOTATION stays after the migration: the tracker continues the release numbers of the original.
  const annotations = { ...annotationsOf(o), [CONTINUES_ANNOTATION]: r.originalUid, [RECORD_ANNOTATION]: encodeRecord(r) };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metaWith(o, r.name, { ...labelsOf(o), [MIGRATION_LABEL]: r.id }, annotations),
    spec: { ...spec, replicas, selector: selectorToWire(r.toSelector), template: withTemplate(spec, r.toTemplateLabels) },
  };
}

/** copyManifest is the temporary copy: the new template labels plus COPY_LABEL, selecting by both, `replicas` replicas. */
export function copyManifest(r: MigrationRecord, replicas: number): Unstructured {
  const o = r.original;
  const spec = isUnstructured(o.spec) ? o.spec : {};
  const marker = { [COPY_LABEL]: r.name };
  const annotations = Object.fromEntries(Object.entries(annotationsOf(o)).filter(([k]) => !OWNER_MARKS(k)));
  const labels = Object.fromEntries(Object.entries(labelsOf(o)).filter(([k]) => !OWNER_MARKS(k)));
  const selector: LabelSelector = { ...r.toSelector, matchLabels: { ...r.toSelector.matchLabels, ...marker } };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metaWith(o, r.copyName, { ...labels, ...marker, [MIGRATION_LABEL]: r.id }, { ...annotations, [RECORD_ANNOTATION]: encodeRecord(r) }),
    spec: { ...spec, replicas, selector: selectorToWire(selector), template: withTemplate(spec, { ...r.toTemplateLabels, ...marker }) },
  };
}
