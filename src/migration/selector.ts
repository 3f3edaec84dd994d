import { isJsonObject } from '../model/fields.ts';

/**
 * Label selectors in their API form (`metav1.LabelSelector`: matchLabels ANDed with
 * matchExpressions), as Deployments, PodDisruptionBudgets and ReplicaSets carry them, and the
 * plain map form Services carry. Semantics follow apimachinery `pkg/apis/meta/v1/helpers.go`
 * (LabelSelectorAsSelector): every clause must hold; `In`/`NotIn` with a value list,
 * `Exists`/`DoesNotExist` without one; `NotIn` and `DoesNotExist` hold for an absent key.
 */

/** Labels is a label map. */
export type Labels = Readonly<Record<string, string>>;

/** SelectorRequirement is one matchExpressions clause. */
export interface SelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values?: readonly string[];
}

/** LabelSelector is `metav1.LabelSelector`. */
export interface LabelSelector {
  readonly matchLabels?: Labels;
  readonly matchExpressions?: readonly SelectorRequirement[];
}

const OPERATORS: ReadonlySet<string> = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/** readLabels reads a string map (labels, a Service selector); anything that is not a string value is dropped. */
export function readLabels(v: unknown): Labels {
  if (!isJsonObject(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

/** readSelector reads a LabelSelector from wire JSON; malformed clauses are dropped (absent → empty selector). */
export function readSelector(v: unknown): LabelSelector {
  if (!isJsonObject(v)) return {};
  const matchLabels = readLabels(v.matchLabels);
  const exprs: SelectorRequirement[] = [];
  if (Array.isArray(v.matchExpressions))
    for (const e of v.matchExpressions as unknown[]) {
      if (!isJsonObject(e) || typeof e.key !== 'string' || typeof e.operator !== 'string' || !OPERATORS.has(e.operator)) continue;
      const values = Array.isArray(e.values) ? (e.values as unknown[]).filter((x): x is string => typeof x === 'string') : [];
      exprs.push({ key: e.key, operator: e.operator as SelectorRequirement['operator'], ...(values.length > 0 ? { values } : {}) });
    }
  return { ...(Object.keys(matchLabels).length > 0 ? { matchLabels } : {}), ...(exprs.length > 0 ? { matchExpressions: exprs } : {}) };
}

/** isEmptySelector: no clause at all (a Deployment with it selects everything; a Service with it selects nothing). */
export function isEmptySelector(s: LabelSelector): boolean {
  return Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0;
}

function requirementHolds(r: SelectorRequirement, labels: Labels): boolean {
  const has = Object.hasOwn(labels, r.key);
  const v = labels[r.key];
  switch (r.operator) {
    case 'In':
      return has && (r.values ?? []).includes(v ?? '');
    case 'NotIn':
      return !has || !(r.values ?? []).includes(v ?? '');
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

/** selectorMatches tells whether `labels` satisfy every clause of `s` (an empty selector matches everything). */
export function selectorMatches(s: LabelSelector, labels: Labels): boolean {
  for (const [k, v] of Object.entries(s.matchLabels ?? {})) if (labels[k] !== v) return false;
  return (s.matchExpressions ?? []).every((r) => requirementHolds(r, labels));
}

/** mapSelectorMatches is a Service's selector rule: a non-empty map whose every pair is in `labels`. */
export function mapSelectorMatches(selector: Labels, labels: Labels): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

function sortedLabels(l: Labels): [string, string][] {
  return Object.entries(l).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** formatLabels renders `k=v,k2=v2` in key order (kubectl's form). */
export function formatLabels(l: Labels): string {
  return sortedLabels(l)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** formatSelector renders a selector as kubectl prints one: `app=web,tier in (a,b),!debug`. */
export function formatSelector(s: LabelSelector): string {
  const parts = sortedLabels(s.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const r of s.matchExpressions ?? []) {
    const vals = [...(r.values ?? [])].sort().join(',');
    if (r.operator === 'In') parts.push(`${r.key} in (${vals})`);
    else if (r.operator === 'NotIn') parts.push(`${r.key} notin (${vals})`);
    else if (r.operator === 'Exists') parts.push(r.key);
    else parts.push(`!${r.key}`);
  }
  return parts.length === 0 ? '<empty>' : parts.join(',');
}

/** selectorsEqual compares two selectors clause by clause (order of clauses and values ignored). */
export function selectorsEqual(a: LabelSelector, b: LabelSelector): boolean {
  return formatSelector(a) === formatSelector(b);
}

/** toWire renders a selector for a manifest (empty parts left out). */
export function selectorToWire(s: LabelSelector): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (Object.keys(s.matchLabels ?? {}).length > 0) out.matchLabels = { ...s.matchLabels };
  if ((s.matchExpressions ?? []).length > 0) out.matchExpressions = (s.matchExpressions ?? []).map((r) => ({ ...r, ...(r.values ? { values: [...r.values] } : {}) }));
  return out;
}

const KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/;
const VALUE = /^([a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?)?$/;

/** labelKeyProblem says why `key` is not a valid label key (apimachinery validation: qualified name), or null. */
export function labelKeyProblem(key: string): string | null {
  const name = key.includes('/') ? key.slice(key.indexOf('/') + 1) : key;
  const prefix = key.includes('/') ? key.slice(0, key.indexOf('/')) : '';
  if (!KEY.test(key) || name.length > 63 || prefix.length > 253) return `invalid label key "${key}": a qualified name is [prefix/]name, name ≤ 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric`;
  return null;
}

/** labelValueProblem says why `value` is not a valid label value, or null. */
export function labelValueProblem(value: string): string | null {
  if (!VALUE.test(value) || value.length > 63) return `invalid label value "${value}": at most 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric`;
  return null;
}
