import type { KubeObject } from '../../kube/types.ts';
import { badRequest } from './api-error.ts';

/** LabelRequirement is one clause of a label selector. */
export type LabelRequirement =
  | { readonly op: 'eq' | 'neq'; readonly key: string; readonly value: string }
  | { readonly op: 'in' | 'notin'; readonly key: string; readonly values: readonly string[] }
  | { readonly op: 'exists' | 'notexists'; readonly key: string }
  | { readonly op: 'gt' | 'lt'; readonly key: string; readonly value: number };

/** LabelSelector is a parsed label selector: all requirements must hold (an empty one matches everything). */
export type LabelSelector = readonly LabelRequirement[];

// A label key is a qualified name (k8s.io/apimachinery pkg/util/validation IsQualifiedName): an
// optional prefix that is a lowercase DNS-1123 subdomain of at most 253 characters, `/`, and a name
// of at most 63 alphanumerics, `-`, `_` and `.` that starts and ends alphanumeric.
const KEY_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const KEY_NAME = /^[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/;

function isQualifiedName(key: string): boolean {
  const slash = key.indexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length > 253 || !KEY_PREFIX.test(prefix))) return false;
  return name.length <= 63 && KEY_NAME.test(name);
}
const VALUE = /^([a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?)?$/;

/** splitTopLevel splits on commas that are not inside parentheses. */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur);
  return out;
}

function checkKey(key: string, clause: string): string {
  if (!isQualifiedName(key)) throw badRequest(`unable to parse requirement: invalid label key "${key}" in "${clause}"`, 'label keys are [prefix/]name: a lowercase DNS subdomain prefix, and a name of at most 63 alphanumerics, -, _ and .');
  return key;
}

function checkValue(value: string, clause: string): string {
  if (!VALUE.test(value) || value.length > 63) throw badRequest(`unable to parse requirement: invalid label value: "${value}" in "${clause}"`, 'label values are at most 63 alphanumerics, -, _ and .');
  return value;
}

function parseClause(raw: string): LabelRequirement {
  const clause = raw.trim();
  const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(clause);
  if (set) {
    const values = (set[3] ?? '').split(',').map((v) => checkValue(v.trim(), clause));
    return { op: set[2] === 'in' ? 'in' : 'notin', key: checkKey(set[1] ?? '', clause), values };
  }
  const cmp = /^([^=!<>\s]+)\s*(==|=|!=|<|>)\s*(.*)$/.exec(clause);
  if (cmp) {
    const key = checkKey(cmp[1] ?? '', clause);
    const value = (cmp[3] ?? '').trim();
    if (cmp[2] === '<' || cmp[2] === '>') {
      const n = Number(value);
      if (!/^-?\d+$/.test(value)) throw badRequest(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer in "${clause}"`);
      return { op: cmp[2] === '<' ? 'lt' : 'gt', key, value: n };
    }
    return { op: cmp[2] === '!=' ? 'neq' : 'eq', key, value: checkValue(value, clause) };
  }
  if (clause.startsWith('!')) return { op: 'notexists', key: checkKey(clause.slice(1).trim(), clause) };
  return { op: 'exists', key: checkKey(clause, clause) };
}

/**
 * parseLabelSelector parses the string form of a label selector (`app=web,tier!=db`,
 * `env in (prod,staging)`, `!canary`, `track`). Throws SimApiError 400 on a malformed selector.
 * An empty string selects everything.
 */
export function parseLabelSelector(text: string | undefined): LabelSelector {
  if (text === undefined || text.trim() === '') return [];
  return splitTopLevel(text).map(parseClause);
}

/** matchesRequirement tells whether labels satisfy one requirement. */
function matchesRequirement(labels: Readonly<Record<string, string>>, r: LabelRequirement): boolean {
  const has = Object.hasOwn(labels, r.key);
  const v = labels[r.key];
  switch (r.op) {
    case 'eq':
      return has && v === r.value;
    case 'neq':
      return !has || v !== r.value;
    case 'in':
      return has && r.values.includes(v ?? '');
    case 'notin':
      return !has || !r.values.includes(v ?? '');
    case 'exists':
      return has;
    case 'notexists':
      return !has;
    case 'gt':
      return has && /^-?\d+$/.test(v ?? '') && Number(v) > r.value;
    case 'lt':
      return has && /^-?\d+$/.test(v ?? '') && Number(v) < r.value;
  }
}

/** matchesLabels tells whether a label map satisfies every requirement of a selector. */
export function matchesLabels(selector: LabelSelector, labels: Readonly<Record<string, string>> | undefined): boolean {
  const l = labels ?? {};
  return selector.every((r) => matchesRequirement(l, r));
}

/** FieldRequirement is one clause of a field selector. */
export interface FieldRequirement {
  readonly field: string;
  readonly op: 'eq' | 'neq';
  readonly value: string;
}

/** FieldSelector is a parsed field selector; all clauses must hold. */
export type FieldSelector = readonly FieldRequirement[];

/** parseFieldSelector parses `metadata.name=web,status.phase!=Running` (also `==`). Throws 400 when malformed. */
export function parseFieldSelector(text: string | undefined): FieldSelector {
  if (text === undefined || text.trim() === '') return [];
  return text.split(',').map((raw) => {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(raw);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${raw}'`, 'use field=value or field!=value clauses');
    return { field: m[1] ?? '', op: m[2] === '!=' ? 'neq' : 'eq', value: m[3] ?? '' };
  });
}

/** FieldGetter reads one selectable field of an object, rendered as the API server renders it ('' if unset). */
export type FieldGetter = (obj: KubeObject) => string;

function at(obj: unknown, path: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/** fieldPath returns a getter for a dotted path, rendering scalars as strings ('' if absent). */
export function fieldPath(path: string): FieldGetter {
  const parts = path.split('.');
  return (obj) => {
    const v = at(obj, parts);
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
  };
}

const COMMON = ['metadata.name', 'metadata.namespace'];

// Field labels each resource supports (from the registries' GetAttrs / AddFieldLabelConversionFunc).
const FIELDS: Readonly<Record<string, readonly string[]>> = {
  pods: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  events: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  'events.events.k8s.io': ['regarding.kind', 'regarding.namespace', 'regarding.name', 'regarding.uid', 'regarding.apiVersion', 'regarding.resourceVersion', 'regarding.fieldPath', 'reason', 'reportingController', 'type'],
  nodes: ['spec.unschedulable'],
  namespaces: ['status.phase'],
  secrets: ['type'],
  'replicasets.apps': ['status.replicas'],
};

function getterFor(resource: string, field: string): FieldGetter | undefined {
  if (COMMON.includes(field)) return fieldPath(field);
  if (!(FIELDS[resource] ?? []).includes(field)) return undefined;
  if (resource === 'events' && field === 'source') return fieldPath('source.component');
  if (resource === 'pods' && field === 'spec.hostNetwork') return (o) => (at(o, ['spec', 'hostNetwork']) === true ? 'true' : 'false');
  if (resource === 'nodes' && field === 'spec.unschedulable') return (o) => (at(o, ['spec', 'unschedulable']) === true ? 'true' : 'false');
  return fieldPath(field);
}

/**
 * compileFieldSelector turns a parsed field selector into a predicate for one resource. Throws
 * SimApiError 400 `field label not supported: X` for a field the resource does not index, as the
 * real server does.
 */
export function compileFieldSelector(resource: string, selector: FieldSelector): (obj: KubeObject) => boolean {
  const checks = selector.map((r) => {
    const get = getterFor(resource, r.field);
    if (!get) throw badRequest(`field label not supported: ${r.field}`, `select on ${[...COMMON, ...(FIELDS[resource] ?? [])].join(', ')}`);
    return (o: KubeObject): boolean => (get(o) === r.value) === (r.op === 'eq');
  });
  return (o) => checks.every((c) => c(o));
}

/** labelSelectorFromSpec converts a `metav1.LabelSelector` object (matchLabels/matchExpressions) to requirements. */
export function labelSelectorFromSpec(spec: unknown): LabelSelector {
  if (spec === null || typeof spec !== 'object') return [];
  const s = spec as { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
  const out: LabelRequirement[] = Object.entries(s.matchLabels ?? {}).map(([key, value]) => ({ op: 'eq', key, value }));
  for (const e of s.matchExpressions ?? []) {
    if (e.operator === 'In') out.push({ op: 'in', key: e.key, values: e.values ?? [] });
    else if (e.operator === 'NotIn') out.push({ op: 'notin', key: e.key, values: e.values ?? [] });
    else if (e.operator === 'Exists') out.push({ op: 'exists', key: e.key });
    else if (e.operator === 'DoesNotExist') out.push({ op: 'notexists', key: e.key });
  }
  return out;
}
