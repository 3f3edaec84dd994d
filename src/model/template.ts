import { REDACTED, redactArgs } from '../lib/redact.ts';
import { err, ok, type Result } from '../lib/result.ts';
import { describeType, frozenList, isJsonObject, readArray, readObject, readString, readStringMap, type JsonObject } from './fields.ts';
import { fingerprint } from './fingerprint.ts';
import { internString, Interner } from './intern.ts';
import type { ContainerRecord, PodTemplateRecord } from './records.ts';

/** REDACTED replaces every env `value` and every secret in `args`/`command` in a stored template (rules: lib/redact.ts). */
export { REDACTED } from '../lib/redact.ts';

/**
 * HASH_LABELS are the labels controllers add to a copy of the template (ReplicaSet:
 * `pod-template-hash`; pods of StatefulSets/DaemonSets: `controller-revision-hash`). They are
 * removed before fingerprinting, so a Deployment's template and its ReplicaSet's template get the
 * same fingerprint (as the deployment controller's EqualIgnoreHash compares them).
 */
const HASH_LABELS = ['pod-template-hash', 'controller-revision-hash'] as const;

/** CONTAINER_LISTS are the pod spec fields holding containers whose env we redact. */
const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

type ConfigRef = PodTemplateRecord['configRefs'][number];

/**
 * projectTemplate reduces a pod template (`spec.template` of a workload or ReplicaSet, or
 * `data.spec.template` of a ControllerRevision) to a PodTemplateRecord. The stored `redacted`
 * template has every env `value` replaced by REDACTED (`valueFrom` is kept: it is a reference),
 * `metadata.creationTimestamp` (always null in templates), the hash labels and any strategic-merge
 * `$patch` directive removed. Errors name the field path under `path`.
 */
export function projectTemplate(template: unknown, path: string): Result<PodTemplateRecord, string> {
  if (!isJsonObject(template)) return err(`${path} is ${describeType(template)}, expected object`);
  const meta = readObject(template, 'metadata', path);
  if (!meta.ok) return meta;
  const annotations = readStringMap(meta.value, 'annotations', `${path}.metadata`);
  if (!annotations.ok) return annotations;
  const labels = readStringMap(meta.value, 'labels', `${path}.metadata`);
  if (!labels.ok) return labels;
  const spec = readObject(template, 'spec', path);
  if (!spec.ok) return spec;
  const containers = readContainers(spec.value, 'containers', `${path}.spec`);
  if (!containers.ok) return containers;
  const initContainers = readContainers(spec.value, 'initContainers', `${path}.spec`);
  if (!initContainers.ok) return initContainers;
  const refs = collectConfigRefs(spec.value, `${path}.spec`);
  if (!refs.ok) return refs;
  const redacted = redactTemplate(template, meta.value, labels.value, spec.value);
  const print = fingerprint(redacted);
  // A Deployment and its current ReplicaSet (a StatefulSet and its ControllerRevision) carry equal
  // templates: they share one record, since equal fingerprints mean equal templates everywhere in
  // the tracker anyway. The record is built (and the JSON text written) only on a miss.
  const shared = templates.peek(print);
  if (shared !== undefined) return ok(shared);
  return ok(
    templates.replace(
      print,
      Object.freeze({
        fingerprint: print,
        containers: containers.value,
        initContainers: initContainers.value,
        annotations: annotations.value,
        redactedJson: JSON.stringify(redacted),
        configRefs: refs.value,
      }),
    ),
  );
}

/**
 * redactedTemplate is a template record's redacted template as a JSON value (deeply frozen), parsed
 * from `redactedJson`: equal, key order included, to the object the record was projected from
 * (JSON.stringify keeps an object's own key order and JSON.parse restores it). A new value per
 * call: callers that need it twice keep it. Example: redactedTemplate(t).spec.containers[0].env[0].value → '<redacted>'.
 */
export function redactedTemplate(t: PodTemplateRecord): unknown {
  return deepFreeze(JSON.parse(t.redactedJson) as unknown);
}

/** templateJson is the `redactedJson` of a redacted template value (e.g. one read back from the ledger); `undefined` → 'null'. */
export function templateJson(redacted: unknown): string {
  return JSON.stringify(redacted) ?? 'null';
}

const templates = new Interner<PodTemplateRecord>(4096);

function readContainers(spec: JsonObject, key: string, path: string): Result<readonly ContainerRecord[], string> {
  const arr = readArray(spec, key, path);
  if (!arr.ok) return arr;
  const out: ContainerRecord[] = [];
  for (const [i, c] of arr.value.entries()) {
    const p = `${path}.${key}[${i}]`;
    if (!isJsonObject(c)) return err(`${p} is ${describeType(c)}, expected object`);
    const name = readString(c, 'name', p);
    if (!name.ok) return name;
    const image = readString(c, 'image', p);
    if (!image.ok) return image;
    out.push(Object.freeze({ name: internString(name.value), image: internString(image.value) }));
  }
  return ok(frozenList(out));
}

function redactTemplate(template: JsonObject, meta: JsonObject, labels: Readonly<Record<string, string>>, spec: JsonObject): unknown {
  const keptLabels = Object.fromEntries(Object.entries(labels).filter(([k]) => !(HASH_LABELS as readonly string[]).includes(k)));
  const { creationTimestamp: _c, labels: _l, ...restMeta } = meta;
  const newMeta = Object.keys(keptLabels).length > 0 ? { ...restMeta, labels: keptLabels } : restMeta;
  const newSpec: Record<string, unknown> = { ...spec };
  for (const key of CONTAINER_LISTS) {
    const list = spec[key];
    if (Array.isArray(list)) newSpec[key] = (list as readonly unknown[]).map(redactContainer);
  }
  const { $patch: _p, metadata: _m, spec: _s, ...rest } = template;
  return { ...rest, metadata: newMeta, spec: newSpec };
}

/** deepFreeze freezes a JSON value and everything in it (records are read-only all the way down). */
function deepFreeze<T>(v: T): T {
  if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return v;
  Object.freeze(v);
  for (const child of Object.values(v)) deepFreeze(child);
  return v;
}

function redactContainer(c: unknown): unknown {
  if (!isJsonObject(c)) return c;
  const out: Record<string, unknown> = { ...c };
  if (Array.isArray(c.env)) out.env = (c.env as readonly unknown[]).map((e) => (isJsonObject(e) && e.value !== undefined ? { ...e, value: REDACTED } : e));
  if (Array.isArray(c.args)) out.args = redactArgs(c.args as readonly unknown[]);
  if (Array.isArray(c.command)) out.command = redactArgs(c.command as readonly unknown[]);
  return out;
}

/**
 * collectConfigRefs lists the ConfigMaps and Secrets a pod spec references through env
 * (`valueFrom.configMapKeyRef`/`secretKeyRef`), `envFrom` and volumes (`configMap`, `secret`,
 * `projected.sources`). One entry per kind+name, sorted; `optional` only if every reference is optional.
 */
function collectConfigRefs(spec: JsonObject, path: string): Result<readonly ConfigRef[], string> {
  const found = new Map<string, ConfigRef>();
  const add = (kind: ConfigRef['kind'], ref: unknown, nameKey: string): void => {
    if (!isJsonObject(ref) || typeof ref[nameKey] !== 'string') return;
    const name = ref[nameKey];
    const optional = ref.optional === true;
    const key = `${kind}/${name}`;
    const prev = found.get(key);
    found.set(key, { kind, name, optional: (prev?.optional ?? true) && optional });
  };
  for (const list of CONTAINER_LISTS) {
    const arr = readArray(spec, list, path);
    if (!arr.ok) return arr;
    for (const c of arr.value) {
      if (!isJsonObject(c)) continue;
      for (const e of Array.isArray(c.env) ? (c.env as readonly unknown[]) : []) {
        if (!isJsonObject(e) || !isJsonObject(e.valueFrom)) continue;
        add('ConfigMap', e.valueFrom.configMapKeyRef, 'name');
        add('Secret', e.valueFrom.secretKeyRef, 'name');
      }
      for (const e of Array.isArray(c.envFrom) ? (c.envFrom as readonly unknown[]) : []) {
        if (!isJsonObject(e)) continue;
        add('ConfigMap', e.configMapRef, 'name');
        add('Secret', e.secretRef, 'name');
      }
    }
  }
  const volumes = readArray(spec, 'volumes', path);
  if (!volumes.ok) return volumes;
  for (const v of volumes.value) {
    if (!isJsonObject(v)) continue;
    add('ConfigMap', v.configMap, 'name');
    add('Secret', v.secret, 'secretName');
    const sources = isJsonObject(v.projected) && Array.isArray(v.projected.sources) ? (v.projected.sources as readonly unknown[]) : [];
    for (const s of sources) {
      if (!isJsonObject(s)) continue;
      add('ConfigMap', s.configMap, 'name');
      add('Secret', s.secret, 'name');
    }
  }
  const sorted = [...found.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => Object.freeze(r));
  return ok(frozenList(sorted));
}
