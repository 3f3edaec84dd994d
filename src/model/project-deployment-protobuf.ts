import { compileMask, decodeMasked, fieldNumber, readFieldsV1 } from '../lib/kube-protobuf/decode.ts';
import { readVarint, skipField } from '../lib/kube-protobuf/wire.ts';
import { bail, bool, c, conditionFields, ended, orGeneric, int, istr, lenOf, readCondition, readMeta, time, type Meta } from './direct-protobuf.ts';
import { exceedsDepth, frozenList, isJsonObject, MAX_DEPTH, shareCondition, sharedLabels, type JsonObject } from './fields.ts';
import { DROPPED_ANNOTATIONS, projectWorkloadSpec } from './project-workload.ts';
import type { ConditionRecord, ManagerRecord, WorkloadRecord } from './records.ts';

/**
 * projectDeploymentProtobuf projects a protobuf `apps.Deployment` message in [start, end) of `buf`
 * into the WorkloadRecord that projectWorkload makes of the masked decode of the same bytes
 * (RESOURCES.Deployment in kube/resources.ts): deep-equal, keys in the same order, the same shared
 * labels, owner, template and condition records. Metadata (managedFields included) and status are
 * read straight from the bytes; only `spec` is decoded into its JSON form, since the template's
 * redacted copy and the fingerprints are made of that form (projectWorkloadSpec, shared with the
 * generic path). Like projectPodProtobuf it returns undefined whenever the generic path might
 * answer anything else — malformed bytes, a projection error (no name, a condition status other
 * than True/False/Unknown, a malformed spec), an object nested deeper than MAX_DEPTH, and what
 * direct-protobuf.ts's readers step aside from — so the caller takes the generic path, which
 * yields the record or names the error exactly as before. `kind` is the envelope's (or the
 * list's) kind; only `Deployment` is read here.
 */
export function projectDeploymentProtobuf(buf: Uint8Array, start: number, end: number, kind: string): WorkloadRecord | undefined {
  return kind === 'Deployment' ? orGeneric(readDeployment, buf, start, end) : undefined;
}

const DEPLOYMENT = { metadata: fieldNumber('apps.Deployment', 'metadata'), spec: fieldNumber('apps.Deployment', 'spec'), status: fieldNumber('apps.Deployment', 'status') };
const MANAGED = {
  manager: fieldNumber('meta.ManagedFieldsEntry', 'manager'), operation: fieldNumber('meta.ManagedFieldsEntry', 'operation'), time: fieldNumber('meta.ManagedFieldsEntry', 'time'),
  subresource: fieldNumber('meta.ManagedFieldsEntry', 'subresource'), fieldsV1: fieldNumber('meta.ManagedFieldsEntry', 'fieldsV1'),
};
const STATUS = {
  observedGeneration: fieldNumber('apps.DeploymentStatus', 'observedGeneration'), replicas: fieldNumber('apps.DeploymentStatus', 'replicas'),
  updatedReplicas: fieldNumber('apps.DeploymentStatus', 'updatedReplicas'), readyReplicas: fieldNumber('apps.DeploymentStatus', 'readyReplicas'),
  availableReplicas: fieldNumber('apps.DeploymentStatus', 'availableReplicas'), unavailableReplicas: fieldNumber('apps.DeploymentStatus', 'unavailableReplicas'),
  conditions: fieldNumber('apps.DeploymentStatus', 'conditions'), collisionCount: fieldNumber('apps.DeploymentStatus', 'collisionCount'),
};
const CONDITION = conditionFields('apps.DeploymentCondition', true);

/** The spec decoded whole, as the workload mask decodes it (`spec: true`). */
const SPEC = compileMask('apps.DeploymentSpec', true);

/**
 * The depths at which exceedsDepth(object) reaches a spec and a managedFields entry's fieldsV1 set
 * (object → spec; object → metadata → managedFields → entry → fieldsV1): the rest of what the
 * workload mask decodes nests only a few levels.
 */
const SPEC_DEPTH = MAX_DEPTH - 1;
const FIELDS_DEPTH = MAX_DEPTH - 4;

function readDeployment(buf: Uint8Array, start: number, end: number): WorkloadRecord {
  c.pos = start;
  let meta: Meta | undefined;
  let managers: readonly ManagerRecord[] = NO_MANAGERS;
  let spec: JsonObject | undefined;
  let status = NO_STATUS;
  // Every occurrence of a part is read (and checked) as the generic decoder reads it; the last one
  // wins whole, as the decoder replaces a repeated message field rather than merging it.
  while (c.pos < end) {
    const tag = readVarint(buf, c);
    const num = tag >>> 3;
    const wire = tag & 7;
    if (num === DEPLOYMENT.metadata) {
      const e = lenOf(buf, wire);
      meta = readMeta(buf, e, true);
      managers = readManagers(buf, meta.managedFields);
      c.pos = e;
    } else if (num === DEPLOYMENT.spec) {
      const e = lenOf(buf, wire);
      spec = decodeMasked(buf, c.pos, e, SPEC);
      c.pos = e;
    } else if (num === DEPLOYMENT.status) status = readStatus(buf, lenOf(buf, wire));
    else skipField(buf, c, wire);
  }
  ended(end);
  if (meta === undefined || meta.name === '' || meta.uid === '' || meta.resourceVersion === '') return bail();
  if (spec === undefined || exceedsDepth(spec, SPEC_DEPTH)) return bail();
  const s = projectWorkloadSpec(spec, 'Deployment');
  const f = s.ok ? s.value : bail();
  // The same literal, in the same order, as projectWorkload's (project-workload.ts).
  return Object.freeze({
    namespace: meta.namespace,
    name: meta.name,
    uid: meta.uid,
    resourceVersion: meta.resourceVersion,
    creationTimestamp: meta.creationTimestamp,
    deletionTimestamp: meta.deletionTimestamp,
    labels: sharedLabels(meta.labels),
    owner: meta.owner,
    kind: 'Deployment' as const,
    generation: meta.generation,
    annotations: annotationsOf(meta.annotations),
    replicas: f.replicas,
    paused: f.paused,
    strategy: f.strategy,
    partition: f.partition,
    selector: f.selector,
    template: f.template,
    managers,
    status,
    specFingerprint: f.specFingerprint,
  });
}

const NO_ANNOTATIONS: Readonly<Record<string, string>> = Object.freeze({});

/** annotationsOf is readStringMap then withoutDropped of the flat entries readMeta checked (no duplicate, index-like or `__proto__` key). */
function annotationsOf(flat: readonly string[]): Readonly<Record<string, string>> {
  if (flat.length === 0) return NO_ANNOTATIONS;
  const entries: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) if (!DROPPED_ANNOTATIONS.includes(flat[i] as string)) entries.push([flat[i] as string, flat[i + 1] as string]);
  return Object.freeze(Object.fromEntries(entries));
}

/** Depth-checked fieldsV1 sets: the decoder shares one frozen value per distinct set, so each is walked once. */
const shallowSets = new WeakSet<object>();

/** readManagers is projectManagers of the managedFields entries at `ranges` ([start, end) pairs). */
function readManagers(buf: Uint8Array, ranges: readonly number[]): readonly ManagerRecord[] {
  const out: ManagerRecord[] = [];
  for (let i = 0; i < ranges.length; i += 2) {
    const end = ranges[i + 1] as number;
    c.pos = ranges[i] as number;
    let manager = '';
    let operation = '';
    let subresource = '';
    let at: number | null = null;
    let fields: unknown = null;
    while (c.pos < end) {
      const tag = readVarint(buf, c);
      const num = tag >>> 3;
      const wire = tag & 7;
      if (num === MANAGED.manager) manager = istr(buf, wire) || manager;
      else if (num === MANAGED.operation) operation = istr(buf, wire) || operation;
      else if (num === MANAGED.subresource) subresource = istr(buf, wire) || subresource;
      else if (num === MANAGED.time) at = time(buf, wire) ?? at;
      else if (num === MANAGED.fieldsV1) fields = readFieldsV1(buf, c, lenOf(buf, wire)) ?? fields;
      else skipField(buf, c, wire);
    }
    ended(end);
    if (typeof fields === 'object' && fields !== null && !shallowSets.has(fields)) {
      if (exceedsDepth(fields, FIELDS_DEPTH)) bail();
      shallowSets.add(fields);
    }
    const spec = isJsonObject(fields) ? fields['f:spec'] : undefined;
    out.push(
      Object.freeze({
        manager,
        operation,
        time: at,
        subresource,
        touchesTemplate: isJsonObject(spec) && spec['f:template'] !== undefined,
        touchesReplicas: isJsonObject(spec) && spec['f:replicas'] !== undefined,
      }),
    );
  }
  return frozenList(out);
}

const NO_CONDITIONS: readonly ConditionRecord[] = frozenList([]);
const NO_MANAGERS: readonly ManagerRecord[] = frozenList([]);
const NO_STATUS: WorkloadRecord['status'] = Object.freeze({
  observedGeneration: 0, conditions: NO_CONDITIONS, replicas: 0, updatedReplicas: 0, readyReplicas: 0, availableReplicas: 0, unavailableReplicas: 0, currentRevision: '', updateRevision: '',
});

/** readStatus is readWorkloadStatus of a DeploymentStatus ending at `end`: its counts and conditions; no revisions. */
function readStatus(buf: Uint8Array, end: number): WorkloadRecord['status'] {
  let observedGeneration = 0;
  let replicas = 0;
  let updatedReplicas = 0;
  let readyReplicas = 0;
  let availableReplicas = 0;
  let unavailableReplicas = 0;
  const conditions: ConditionRecord[] = [];
  while (c.pos < end) {
    const tag = readVarint(buf, c);
    const num = tag >>> 3;
    const wire = tag & 7;
    if (num === STATUS.observedGeneration) observedGeneration = int(buf, wire) || observedGeneration;
    else if (num === STATUS.replicas) replicas = int(buf, wire) || replicas;
    else if (num === STATUS.updatedReplicas) updatedReplicas = int(buf, wire) || updatedReplicas;
    else if (num === STATUS.readyReplicas) readyReplicas = int(buf, wire) || readyReplicas;
    else if (num === STATUS.availableReplicas) availableReplicas = int(buf, wire) || availableReplicas;
    else if (num === STATUS.unavailableReplicas) unavailableReplicas = int(buf, wire) || unavailableReplicas;
    else if (num === STATUS.conditions) conditions.push(shareCondition(readCondition(buf, lenOf(buf, wire), CONDITION)));
    else if (num === STATUS.collisionCount) bool(buf, wire); // decoded (its wire type checked), not kept
    else skipField(buf, c, wire);
  }
  ended(end);
  // The key order of readWorkloadStatus's `all({...common, replicas, …})`.
  return Object.freeze({
    observedGeneration,
    conditions: conditions.length === 0 ? NO_CONDITIONS : frozenList(conditions),
    replicas,
    updatedReplicas,
    readyReplicas,
    availableReplicas,
    unavailableReplicas,
    currentRevision: '',
    updateRevision: '',
  });
}
