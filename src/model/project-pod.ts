import { err, ok, type Result } from '../lib/result.ts';
import { all, checkKind, describeType, frozenList, isJsonObject, objectSubject, readArray, readBool, readConditions, readIdentity, readInt, readObject, readString, readTime, type JsonObject } from './fields.ts';
import { internString, Interner } from './intern.ts';
import type { ContainerRecord, ContainerStatusRecord, PodRecord } from './records.ts';

/** ProjectPodOptions tune how strict projectPod is. */
export interface ProjectPodOptions {
  /**
   * Require `metadata.uid` and `metadata.resourceVersion`, as every object from an API server has.
   * If unset, true. Set false for objects from files (e.g. `rollscope status --file`), where they
   * are often left out; they then project as '-'.
   */
  readonly requireIdentity?: boolean;
}

/**
 * projectPod projects a wire Pod to a PodRecord. It never throws; the error names the pod and the
 * field that is wrong, e.g. `Pod shop/web-1: status.containerStatuses[0].restartCount is string, expected integer`.
 * `templateHash` is the `pod-template-hash` label, else `controller-revision-hash`, else ''.
 */
export function projectPod(obj: unknown, options: ProjectPodOptions = {}): Result<PodRecord, string> {
  const r = project(options.requireIdentity === false ? withPlaceholderIdentity(obj) : obj);
  return r.ok ? r : err(`${objectSubject('Pod', obj)}: ${r.error}`);
}

/**
 * POD_CONDITIONS_KEPT are the pod conditions the tracker reads (scheduled: Unschedulable and its
 * message, firstPodScheduled; Ready: firstPodReady, readiness diagnosis), kept as the PodRecord's
 * `scheduled*` and `ready*` fields. The others (Initialized, ContainersReady,
 * PodReadyToStartContainers) are validated but not kept.
 */
export const POD_CONDITIONS_KEPT: ReadonlySet<string> = new Set(['PodScheduled', 'Ready']);

function project(obj: unknown): Result<PodRecord, string> {
  const id = readIdentity(obj);
  if (!id.ok) return id;
  const o = obj as JsonObject;
  const kindOk = checkKind(o, 'Pod');
  if (!kindOk.ok) return kindOk;
  const spec = readObject(o, 'spec', '');
  if (!spec.ok) return spec;
  const status = readObject(o, 'status', '');
  if (!status.ok) return status;
  const f = all({
    nodeName: readString(spec.value, 'nodeName', 'spec'),
    restartPolicy: readString(spec.value, 'restartPolicy', 'spec'),
    containers: readContainers(spec.value),
    phase: readString(status.value, 'phase', 'status'),
    conditions: readConditions(status.value, 'status', POD_CONDITIONS_KEPT),
    initStatuses: readContainerStatuses(status.value, 'initContainerStatuses', true),
    statuses: readContainerStatuses(status.value, 'containerStatuses', false),
  });
  if (!f.ok) return f;
  const i = id.value;
  const v = f.value;
  const scheduled = v.conditions.find((c) => c.type === 'PodScheduled');
  const ready = v.conditions.find((c) => c.type === 'Ready');
  // One literal of fixed shape (no spreads): V8 then keeps every field inside the object instead
  // of in a separate property array, which is most of a pod record's own size.
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
      nodeName: v.nodeName,
      restartPolicy: v.restartPolicy,
      containers: v.containers,
      phase: internString(v.phase),
      scheduledStatus: scheduled?.status ?? '',
      scheduledReason: scheduled?.reason ?? '',
      scheduledMessage: scheduled?.message ?? '',
      scheduledTransitionTime: scheduled?.lastTransitionTime ?? null,
      readyStatus: ready?.status ?? '',
      readyTransitionTime: ready?.lastTransitionTime ?? null,
      kind: 'Pod' as const,
      templateHash: i.labels['pod-template-hash'] ?? i.labels['controller-revision-hash'] ?? '',
      containerStatuses: v.initStatuses.length === 0 ? v.statuses : frozenList([...v.initStatuses, ...v.statuses]),
    }),
  );
}

/** withPlaceholderIdentity fills a missing uid/resourceVersion with '-' so readIdentity accepts file objects. */
function withPlaceholderIdentity(obj: unknown): unknown {
  if (!isJsonObject(obj) || !isJsonObject(obj.metadata)) return obj;
  const m = obj.metadata;
  return { ...obj, metadata: { ...m, uid: m.uid || '-', resourceVersion: m.resourceVersion || '-' } };
}

/** containerLists shares equal container lists: every pod of a ReplicaSet runs the same containers. */
const containerLists = new Interner<readonly ContainerRecord[]>();

function readContainers(spec: JsonObject): Result<readonly ContainerRecord[], string> {
  const arr = readArray(spec, 'containers', 'spec');
  if (!arr.ok) return arr;
  const out: ContainerRecord[] = [];
  let key = '';
  for (const [i, c] of arr.value.entries()) {
    const p = `spec.containers[${i}]`;
    if (!isJsonObject(c)) return err(`${p} is ${describeType(c)}, expected object`);
    const name = readString(c, 'name', p);
    if (!name.ok) return name;
    const image = readString(c, 'image', p);
    if (!image.ok) return image;
    out.push(Object.freeze({ name: internString(name.value), image: image.value }));
    key += `${name.value}\u0000${image.value}\u0000`;
  }
  return ok(sharedContainers(out, key));
}

/**
 * sharedContainers is the frozen container list a PodRecord keeps: one shared list per distinct
 * `key` (each container's name and image, each followed by U+0000).
 */
export function sharedContainers(out: readonly ContainerRecord[], key: string): readonly ContainerRecord[] {
  if (out.length === 0) return frozenList(out);
  return containerLists.peek(key) ?? containerLists.intern(key, frozenList(out));
}

function readContainerStatuses(status: JsonObject, key: string, init: boolean): Result<readonly ContainerStatusRecord[], string> {
  const arr = readArray(status, key, 'status');
  if (!arr.ok) return arr;
  const out: ContainerStatusRecord[] = [];
  for (const [i, c] of arr.value.entries()) {
    const p = `status.${key}[${i}]`;
    if (!isJsonObject(c)) return err(`${p} is ${describeType(c)}, expected object`);
    const r = all({
      name: readString(c, 'name', p),
      image: readString(c, 'image', p),
      imageID: readString(c, 'imageID', p),
      ready: readBool(c, 'ready', p),
      started: readBool(c, 'started', p),
      restartCount: readInt(c, 'restartCount', p),
      state: readState(c, p),
      lastTerminated: readLastTerminated(c, p),
    });
    if (!r.ok) return r;
    const v = r.value;
    out.push(Object.freeze({ name: internString(v.name), image: v.image, imageID: v.imageID, ready: v.ready, started: v.started, restartCount: v.restartCount, state: v.state, lastTerminated: v.lastTerminated, init }));
  }
  return ok(frozenList(out));
}

function readState(c: JsonObject, p: string): Result<ContainerStatusRecord['state'], string> {
  const state = readObject(c, 'state', p);
  if (!state.ok) return state;
  const sp = `${p}.state`;
  const s = state.value;
  if (s.waiting !== undefined && s.waiting !== null) {
    const w = readObject(s, 'waiting', sp);
    if (!w.ok) return w;
    const r = all({ reason: readString(w.value, 'reason', `${sp}.waiting`), message: readString(w.value, 'message', `${sp}.waiting`) });
    return r.ok ? ok({ kind: 'waiting', reason: internString(r.value.reason), message: r.value.message }) : r;
  }
  if (s.running !== undefined && s.running !== null) {
    const run = readObject(s, 'running', sp);
    if (!run.ok) return run;
    const t = readTime(run.value, 'startedAt', `${sp}.running`);
    return t.ok ? ok({ kind: 'running', startedAt: t.value }) : t;
  }
  if (s.terminated !== undefined && s.terminated !== null) {
    const t = readTerminated(s, 'terminated', sp);
    if (!t.ok) return t;
    return ok({ kind: 'terminated', reason: internString(t.value.reason), message: t.value.message, exitCode: t.value.exitCode, finishedAt: t.value.finishedAt });
  }
  return ok({ kind: 'unknown' });
}

function readLastTerminated(c: JsonObject, p: string): Result<ContainerStatusRecord['lastTerminated'], string> {
  const last = readObject(c, 'lastState', p);
  if (!last.ok) return last;
  if (last.value.terminated === undefined || last.value.terminated === null) return ok(null);
  const t = readTerminated(last.value, 'terminated', `${p}.lastState`);
  return t.ok ? ok({ reason: internString(t.value.reason), exitCode: t.value.exitCode, finishedAt: t.value.finishedAt }) : t;
}

function readTerminated(parent: JsonObject, key: string, path: string): Result<{ reason: string; message: string; exitCode: number; finishedAt: number | null }, string> {
  const t = readObject(parent, key, path);
  if (!t.ok) return t;
  const tp = `${path}.${key}`;
  return all({
    reason: readString(t.value, 'reason', tp),
    message: readString(t.value, 'message', tp),
    exitCode: readInt(t.value, 'exitCode', tp),
    finishedAt: readTime(t.value, 'finishedAt', tp),
  });
}
