import { isJsonObject, type JsonObject } from '../model/fields.ts';
import type { MigrationPath } from './path.ts';
import { readLabels, readSelector, selectorToWire, type LabelSelector, type Labels } from './selector.ts';

/**
 * The migration record: what a migration set out to do, kept ON THE CLUSTER as the annotation
 * RECORD_ANNOTATION on every object that takes part (the original Deployment from the first write,
 * the temporary copy, the ReplicaSet that carries the pods across an orphaning, the recreated
 * Deployment until the end). Whichever of them exists, a rerun or a new leader finds the intent
 * there; the step itself is never stored — the planner derives it from what exists (plan.ts), so
 * a crash between any two writes loses nothing. The record is written once and never changed.
 */
export const RECORD_ANNOTATION = 'rollscope.io/migrate-selector';

/**
 * MIGRATION_LABEL (value: the migration id) goes wherever the record goes, so the objects of
 * migrations in progress can be listed by label (`kubectl get deploy,rs -A -l rollscope.io/migration`)
 * instead of reading every object of the cluster.
 */
export const MIGRATION_LABEL = 'rollscope.io/migration';

/** COPY_LABEL marks the temporary copy's objects (value: the original Deployment's name). */
export const COPY_LABEL = 'rollscope.io/migration-copy';

/** COPY_SUFFIX names the temporary copy `<name>-migrating`. */
export const COPY_SUFFIX = '-migrating';

/** MigrationRecord is the record's content. `original` is the Deployment as it was, stripped (manifests.ts). */
export interface MigrationRecord {
  readonly v: 1;
  /** A unique id for this migration (time-based, from the shell), also the ledger event's key. */
  readonly id: string;
  readonly path: MigrationPath;
  readonly rollsTemplate: boolean;
  readonly namespace: string;
  readonly name: string;
  readonly originalUid: string;
  readonly copyName: string;
  readonly fromSelector: LabelSelector;
  readonly toSelector: LabelSelector;
  readonly fromTemplateLabels: Labels;
  readonly toTemplateLabels: Labels;
  /** The ready-endpoint floor resolved at the start. */
  readonly minReady: number;
  /** The Deployment's live spec.replicas at the start (the recreated one gets the live count at its creation). */
  readonly replicas: number;
  readonly original: JsonObject;
}

/** encodeRecord renders the annotation value. */
export function encodeRecord(r: MigrationRecord): string {
  return JSON.stringify({ ...r, fromSelector: selectorToWire(r.fromSelector), toSelector: selectorToWire(r.toSelector) });
}

/** decodeRecord reads the annotation value; null when absent or not a record of this version. */
export function decodeRecord(text: string | undefined): MigrationRecord | null {
  if (text === undefined) return null;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isJsonObject(v) || v.v !== 1) return null;
  const str = (k: string): string | null => (typeof v[k] === 'string' ? v[k] : null);
  const id = str('id');
  const path = str('path');
  const namespace = str('namespace');
  const name = str('name');
  const originalUid = str('originalUid');
  const copyName = str('copyName');
  if (id === null || (path !== 'adopt' && path !== 'copy') || namespace === null || name === null || originalUid === null || copyName === null) return null;
  if (!isJsonObject(v.original) || typeof v.minReady !== 'number' || typeof v.replicas !== 'number') return null;
  return {
    v: 1,
    id,
    path,
    rollsTemplate: v.rollsTemplate === true,
    namespace,
    name,
    originalUid,
    copyName,
    fromSelector: readSelector(v.fromSelector),
    toSelector: readSelector(v.toSelector),
    fromTemplateLabels: readLabels(v.fromTemplateLabels),
    toTemplateLabels: readLabels(v.toTemplateLabels),
    minReady: v.minReady,
    replicas: v.replicas,
    original: v.original,
  };
}

/** recordOf reads the record annotation of an object (any kind); null when it has none. */
export function recordOf(obj: unknown): MigrationRecord | null {
  if (!isJsonObject(obj) || !isJsonObject(obj.metadata) || !isJsonObject(obj.metadata.annotations)) return null;
  const text = obj.metadata.annotations[RECORD_ANNOTATION];
  return decodeRecord(typeof text === 'string' ? text : undefined);
}
