import type { Instant } from '../../lib/clock.ts';

/**
 * Safe readers for unstructured objects (parsed YAML/JSON), with the semantics of apimachinery's
 * `unstructured.NestedField*` as kstatus uses them: a missing field, or a field of the wrong type,
 * yields the caller's default; nothing here throws.
 */

/** Unstructured is a parsed Kubernetes object whose fields are still unchecked. */
export type Unstructured = Readonly<Record<string, unknown>>;

/** isUnstructured tells whether a value is a plain object (not null, not an array). */
export function isUnstructured(v: unknown): v is Unstructured {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * fieldAt returns the value at a dotted path, or undefined when any step is missing or not an
 * object. Example: fieldAt({spec: {replicas: 3}}, 'spec.replicas') → 3.
 */
export function fieldAt(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (!isUnstructured(cur) || !Object.hasOwn(cur, key)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** hasInt tells whether the path holds an integer (Go: found and of an int type). */
export function hasInt(obj: unknown, path: string): boolean {
  const v = fieldAt(obj, path);
  return typeof v === 'number' && Number.isInteger(v);
}

/** intField reads an integer at `path`; missing or not an integer → `fallback` (kstatus GetIntField). */
export function intField(obj: unknown, path: string, fallback: number): number {
  const v = fieldAt(obj, path);
  return typeof v === 'number' && Number.isInteger(v) ? v : fallback;
}

/** stringField reads a string at `path`; missing or not a string → `fallback` (kstatus GetStringField). */
export function stringField(obj: unknown, path: string, fallback = ''): string {
  const v = fieldAt(obj, path);
  return typeof v === 'string' ? v : fallback;
}

/** boolField reads a boolean at `path`; missing or not a boolean → `fallback`. */
export function boolField(obj: unknown, path: string, fallback = false): boolean {
  const v = fieldAt(obj, path);
  return typeof v === 'boolean' ? v : fallback;
}

/** mapField reads a map of strings (labels, annotations) at `path`; non-string values are skipped. */
export function mapField(obj: unknown, path: string): Readonly<Record<string, string>> {
  const v = fieldAt(obj, path);
  if (!isUnstructured(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

/** timeField reads an RFC 3339 timestamp at `path` as epoch ms; missing or unparsable → null. */
export function timeField(obj: unknown, path: string): Instant | null {
  const v = fieldAt(obj, path);
  if (typeof v !== 'string' || v === '') return null;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : null;
}

/** BasicCondition is one entry of `status.conditions` as the peers read it (missing strings are ''). */
export interface BasicCondition {
  readonly type: string;
  readonly status: string;
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime: Instant | null;
  readonly lastUpdateTime: Instant | null;
}

/** conditionsOf reads `status.conditions`; entries that are not objects are skipped. */
export function conditionsOf(obj: unknown): readonly BasicCondition[] {
  const v = fieldAt(obj, 'status.conditions');
  if (!Array.isArray(v)) return [];
  return v.filter(isUnstructured).map((c) => ({
    type: stringField(c, 'type'),
    status: stringField(c, 'status'),
    reason: stringField(c, 'reason'),
    message: stringField(c, 'message'),
    lastTransitionTime: timeField(c, 'lastTransitionTime'),
    lastUpdateTime: timeField(c, 'lastUpdateTime'),
  }));
}

/** findCondition returns the first condition of a type (regardless of status), or undefined. */
export function findCondition(obj: unknown, type: string): BasicCondition | undefined {
  return conditionsOf(obj).find((c) => c.type === type);
}

/** hasConditionStatus tells whether a condition of `type` has `status` (e.g. 'True'). */
export function hasConditionStatus(obj: unknown, type: string, status: string): boolean {
  return conditionsOf(obj).some((c) => c.type === type && c.status === status);
}

/** kindOf returns the object's `kind`, '' if absent. */
export const kindOf = (obj: unknown): string => stringField(obj, 'kind');

/** groupOf returns the API group of `apiVersion` ('' for the core group: "v1" → "", "apps/v1" → "apps"). */
export function groupOf(obj: unknown): string {
  const apiVersion = stringField(obj, 'apiVersion');
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** versionOf returns the version of `apiVersion` ("apps/v1" → "v1", "v1" → "v1"). */
export function versionOf(obj: unknown): string {
  const apiVersion = stringField(obj, 'apiVersion');
  return apiVersion.slice(apiVersion.indexOf('/') + 1);
}

/** groupKindOf returns "group/Kind", or "Kind" for the core group (kstatus's lookup key). */
export function groupKindOf(obj: unknown): string {
  const g = groupOf(obj);
  return g === '' ? kindOf(obj) : `${g}/${kindOf(obj)}`;
}

/** nameOf returns `metadata.name`, '' if absent. */
export const nameOf = (obj: unknown): string => stringField(obj, 'metadata.name');

/** namespaceOf returns `metadata.namespace`, '' if absent. */
export const namespaceOf = (obj: unknown): string => stringField(obj, 'metadata.namespace');

/** subjectOf names an object for messages: `Kind namespace/name` (or `Kind name` when cluster-scoped). */
export function subjectOf(obj: unknown): string {
  const ns = namespaceOf(obj);
  return `${kindOf(obj) || 'object'} ${ns === '' ? '' : `${ns}/`}${nameOf(obj) || '<no name>'}`;
}
