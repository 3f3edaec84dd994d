import { err, ok, type Result } from '../lib/result.ts';
import { all, checkKind, exceedsDepth, MAX_DEPTH, objectSubject, readBool, readConditions, readIdentity, readInt, readObject, readString, readStringMap, type JsonObject } from './fields.ts';
import { fingerprintWithout } from './fingerprint.ts';
import { internString } from './intern.ts';
import { projectManagers } from './managed-fields.ts';
import type { WorkloadRecord } from './records.ts';
import { projectTemplate } from './template.ts';

/** WorkloadRecordKind is a kind projectWorkload accepts. */
export type WorkloadRecordKind = WorkloadRecord['kind'];

/**
 * DROPPED_ANNOTATIONS are annotations never kept in a record. `last-applied-configuration` holds
 * the whole applied manifest — env values (possible secrets) included — and is often the largest
 * field of an object; the tracker reads the template itself instead.
 */
export const DROPPED_ANNOTATIONS: readonly string[] = ['kubectl.kubernetes.io/last-applied-configuration'];

/** SPEC_FIELDS_OUTSIDE_FINGERPRINT are spec fields tracked on their own, so left out of specFingerprint. */
const SPEC_FIELDS_OUTSIDE_FINGERPRINT = new Set(['template', 'replicas', 'paused']);

/**
 * projectWorkload projects a Deployment, StatefulSet or DaemonSet to a WorkloadRecord. It never
 * throws; the error names the object and the field that is wrong, e.g.
 * `Deployment shop/web: spec.replicas is string, expected integer`.
 *
 * Kind differences, all mapped onto the generic record:
 * - `replicas`: spec.replicas (Deployment/StatefulSet, default 1); null for a DaemonSet.
 * - `paused`: spec.paused for a Deployment; false otherwise.
 * - `strategy`: spec.strategy.type (Deployment) or spec.updateStrategy.type; default RollingUpdate.
 * - `partition`: a StatefulSet's spec.updateStrategy.rollingUpdate.partition (default 0); 0 otherwise.
 * - `status`: see readWorkloadStatus.
 */
export function projectWorkload(obj: unknown, kind: WorkloadRecordKind): Result<WorkloadRecord, string> {
  const r = project(obj, kind);
  return r.ok ? r : err(`${objectSubject(kind, obj)}: ${r.error}`);
}

function project(obj: unknown, kind: WorkloadRecordKind): Result<WorkloadRecord, string> {
  const id = readIdentity(obj);
  if (!id.ok) return id;
  if (exceedsDepth(obj)) return err(`nested deeper than ${MAX_DEPTH} levels`);
  const o = obj as JsonObject;
  const kindOk = checkKind(o, kind);
  if (!kindOk.ok) return kindOk;
  const meta = o.metadata as JsonObject;
  const spec = readObject(o, 'spec', '');
  if (!spec.ok) return spec;
  const status = readObject(o, 'status', '');
  if (!status.ok) return status;
  const fields = all({
    generation: readInt(meta, 'generation', 'metadata'),
    annotations: readStringMap(meta, 'annotations', 'metadata'),
    spec: projectWorkloadSpec(spec.value, kind),
    managers: projectManagers(meta),
    status: readWorkloadStatus(status.value, kind, spec.value),
  });
  if (!fields.ok) return fields;
  const f = fields.value;
  const i = id.value;
  const s = f.spec;
  // One literal of fixed shape (no spreads), so V8 keeps every field inside the object.
  return ok(
    Object.freeze({
      namespace: i.namespace,
      name: i.name,
      uid: i.uid,
      resourceVersion: i.resourceVersion,
      creationTimestamp: i.creationTimestamp,
      deletionTimestamp: i.deletionTimestamp,
      labels: i.labels,
      owner: i.owner,
      kind,
      generation: f.generation,
      annotations: withoutDropped(f.annotations),
      replicas: s.replicas,
      paused: s.paused,
      strategy: s.strategy,
      partition: s.partition,
      selector: s.selector,
      template: s.template,
      managers: f.managers,
      status: f.status,
      specFingerprint: s.specFingerprint,
    }),
  );
}

/** WorkloadSpecFields is what a WorkloadRecord takes from the object's `spec`. */
export type WorkloadSpecFields = Pick<WorkloadRecord, 'replicas' | 'paused' | 'strategy' | 'partition' | 'selector' | 'template' | 'specFingerprint'>;

/**
 * projectWorkloadSpec reads a workload's `spec` (JSON form) into the record's spec fields, or the
 * first error among them in the record's order (replicas, paused, strategy, partition, selector,
 * template). A function of the spec alone: the direct protobuf projection of Deployments
 * (project-deployment-protobuf.ts) reads everything else from the bytes and the spec through this.
 */
export function projectWorkloadSpec(s: JsonObject, kind: WorkloadRecordKind): Result<WorkloadSpecFields, string> {
  const fields = all({
    replicas: kind === 'DaemonSet' ? ok(null) : readInt(s, 'replicas', 'spec', 1),
    paused: kind === 'Deployment' ? readBool(s, 'paused', 'spec') : ok(false),
    strategy: readStrategy(s, kind),
    partition: kind === 'StatefulSet' ? readPartition(s) : ok(0),
    selector: readSelector(s),
    template: projectTemplate(s.template, 'spec.template'),
  });
  if (!fields.ok) return fields;
  const f = fields.value;
  return ok({
    replicas: f.replicas,
    paused: f.paused,
    strategy: internString(f.strategy),
    partition: f.partition,
    selector: f.selector,
    template: f.template,
    specFingerprint: fingerprintWithout(s, SPEC_FIELDS_OUTSIDE_FINGERPRINT),
  });
}

function readStrategy(spec: JsonObject, kind: WorkloadRecordKind): Result<string, string> {
  const key = kind === 'Deployment' ? 'strategy' : 'updateStrategy';
  const strategy = readObject(spec, key, 'spec');
  return strategy.ok ? readString(strategy.value, 'type', `spec.${key}`, 'RollingUpdate') : strategy;
}

/** readPartition reads spec.updateStrategy.rollingUpdate.partition (default 0) of a StatefulSet. */
function readPartition(spec: JsonObject): Result<number, string> {
  const strategy = readObject(spec, 'updateStrategy', 'spec');
  if (!strategy.ok) return strategy;
  const rolling = readObject(strategy.value, 'rollingUpdate', 'spec.updateStrategy');
  return rolling.ok ? readInt(rolling.value, 'partition', 'spec.updateStrategy.rollingUpdate', 0) : rolling;
}

function readSelector(spec: JsonObject): Result<Readonly<Record<string, string>>, string> {
  const sel = readObject(spec, 'selector', 'spec');
  return sel.ok ? readStringMap(sel.value, 'matchLabels', 'spec.selector') : sel;
}

/** withoutDropped removes DROPPED_ANNOTATIONS, returning the same map when none is present. */
export function withoutDropped(annotations: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  if (!DROPPED_ANNOTATIONS.some((k) => Object.hasOwn(annotations, k))) return annotations;
  return Object.freeze(Object.fromEntries(Object.entries(annotations).filter(([k]) => !DROPPED_ANNOTATIONS.includes(k))));
}

/**
 * readWorkloadStatus maps each kind's status onto the generic fields. Missing fields are 0 (omitempty).
 * - Deployment: the fields of the same names; no revisions (the revision lives on ReplicaSets).
 * - StatefulSet: the fields of the same names plus currentRevision/updateRevision;
 *   unavailableReplicas = max(0, spec.replicas − availableReplicas) (StatefulSets do not report it).
 * - DaemonSet: replicas ← desiredNumberScheduled (the target: one pod per eligible node),
 *   updatedReplicas ← updatedNumberScheduled, readyReplicas ← numberReady,
 *   availableReplicas ← numberAvailable, unavailableReplicas ← numberUnavailable; revisions ''
 *   (a DaemonSet's revisions are its ControllerRevisions).
 *   Example: 3 nodes, 1 updated and ready → replicas 3, updated 1, ready 1, available 1, unavailable 2.
 */
function readWorkloadStatus(st: JsonObject, kind: WorkloadRecordKind, spec: JsonObject): Result<WorkloadRecord['status'], string> {
  const common = { observedGeneration: readInt(st, 'observedGeneration', 'status'), conditions: readConditions(st, 'status') };
  const r =
    kind === 'DaemonSet'
      ? all({
          ...common,
          replicas: readInt(st, 'desiredNumberScheduled', 'status'),
          updatedReplicas: readInt(st, 'updatedNumberScheduled', 'status'),
          readyReplicas: readInt(st, 'numberReady', 'status'),
          availableReplicas: readInt(st, 'numberAvailable', 'status'),
          unavailableReplicas: readInt(st, 'numberUnavailable', 'status'),
          currentRevision: ok(''),
          updateRevision: ok(''),
        })
      : all({
          ...common,
          replicas: readInt(st, 'replicas', 'status'),
          updatedReplicas: readInt(st, 'updatedReplicas', 'status'),
          readyReplicas: readInt(st, 'readyReplicas', 'status'),
          availableReplicas: readInt(st, 'availableReplicas', 'status'),
          unavailableReplicas: kind === 'Deployment' ? readInt(st, 'unavailableReplicas', 'status') : statefulSetUnavailable(st, spec),
          currentRevision: readString(st, 'currentRevision', 'status'),
          updateRevision: readString(st, 'updateRevision', 'status'),
        });
  return r.ok ? ok(Object.freeze(r.value)) : r;
}

function statefulSetUnavailable(st: JsonObject, spec: JsonObject): Result<number, string> {
  const want = readInt(spec, 'replicas', 'spec', 1);
  const available = readInt(st, 'availableReplicas', 'status');
  if (!want.ok) return want;
  if (!available.ok) return available;
  return ok(Math.max(0, want.value - available.value));
}

/** isWorkloadKind tells whether a string is a kind projectWorkload accepts. */
export function isWorkloadKind(kind: string): kind is WorkloadRecordKind {
  return kind === 'Deployment' || kind === 'StatefulSet' || kind === 'DaemonSet';
}
