import { fieldNumber } from '../lib/kube-protobuf/decode.ts';
import { readVarint, skipField } from '../lib/kube-protobuf/wire.ts';
import { bail, bool, c, conditionFields, ended, orGeneric, int, istr, lenOf, readCondition, readMeta, str, time, type Meta } from './direct-protobuf.ts';
import { frozenList, sharedLabels } from './fields.ts';
import { POD_CONDITIONS_KEPT, sharedContainers } from './project-pod.ts';
import type { ConditionRecord, ContainerRecord, ContainerStatusRecord, PodRecord } from './records.ts';

/**
 * projectPodProtobuf projects a protobuf `core.Pod` message in [start, end) of `buf` straight into
 * the PodRecord that projectPod makes of the masked decode of the same bytes (RESOURCES.Pod in
 * kube/resources.ts), without building the intermediate JSON-form object: on the watch path that
 * tree was most of the garbage collected per event. It reads the same fields with the same rules
 * (zero scalars absent, last of a repeated singular field wins, wire types checked) and returns
 * undefined whenever the generic path might answer anything else — malformed bytes, a projection
 * error (no name, a condition status other than True/False/Unknown, and what direct-protobuf.ts's
 * readers step aside from) — so the caller then takes the generic path, which yields the record or
 * names the error exactly as before. `kind` is the envelope's (or the list's) kind; only `Pod` is
 * read here.
 */
export function projectPodProtobuf(buf: Uint8Array, start: number, end: number, kind: string): PodRecord | undefined {
  return kind === 'Pod' ? orGeneric(readPod, buf, start, end) : undefined;
}

const POD = { metadata: fieldNumber('core.Pod', 'metadata'), spec: fieldNumber('core.Pod', 'spec'), status: fieldNumber('core.Pod', 'status') };
const SPEC = { containers: fieldNumber('core.PodSpec', 'containers'), restartPolicy: fieldNumber('core.PodSpec', 'restartPolicy'), nodeName: fieldNumber('core.PodSpec', 'nodeName') };
const CONTAINER = { name: fieldNumber('core.Container', 'name'), image: fieldNumber('core.Container', 'image') };
const STATUS = {
  phase: fieldNumber('core.PodStatus', 'phase'), conditions: fieldNumber('core.PodStatus', 'conditions'),
  containerStatuses: fieldNumber('core.PodStatus', 'containerStatuses'), initContainerStatuses: fieldNumber('core.PodStatus', 'initContainerStatuses'),
};
const CONDITION = conditionFields('core.PodCondition', false);
const CSTATUS = {
  name: fieldNumber('core.ContainerStatus', 'name'), state: fieldNumber('core.ContainerStatus', 'state'), lastState: fieldNumber('core.ContainerStatus', 'lastState'),
  ready: fieldNumber('core.ContainerStatus', 'ready'), restartCount: fieldNumber('core.ContainerStatus', 'restartCount'), image: fieldNumber('core.ContainerStatus', 'image'),
  imageID: fieldNumber('core.ContainerStatus', 'imageID'), started: fieldNumber('core.ContainerStatus', 'started'),
};
const STATE = { waiting: fieldNumber('core.ContainerState', 'waiting'), running: fieldNumber('core.ContainerState', 'running'), terminated: fieldNumber('core.ContainerState', 'terminated') };
const WAITING = { reason: fieldNumber('core.ContainerStateWaiting', 'reason'), message: fieldNumber('core.ContainerStateWaiting', 'message') };
const RUNNING = { startedAt: fieldNumber('core.ContainerStateRunning', 'startedAt') };
const TERMINATED = {
  exitCode: fieldNumber('core.ContainerStateTerminated', 'exitCode'), reason: fieldNumber('core.ContainerStateTerminated', 'reason'),
  message: fieldNumber('core.ContainerStateTerminated', 'message'), finishedAt: fieldNumber('core.ContainerStateTerminated', 'finishedAt'),
};

interface Spec {
  nodeName: string;
  restartPolicy: string;
  containers: readonly ContainerRecord[];
}

interface Status {
  phase: string;
  /** The first PodScheduled and Ready conditions, as projectPod keeps them. */
  scheduled: ConditionRecord | undefined;
  ready: ConditionRecord | undefined;
  statuses: ContainerStatusRecord[];
  initStatuses: ContainerStatusRecord[];
}

const NO_META: Meta = { name: '', namespace: '', uid: '', resourceVersion: '', creationTimestamp: null, deletionTimestamp: null, labels: [], owner: null, generation: 0, annotations: [], managedFields: [] };
const NO_SPEC: Spec = { nodeName: '', restartPolicy: '', containers: frozenList([]) };
const NO_STATUS: Status = { phase: '', scheduled: undefined, ready: undefined, statuses: [], initStatuses: [] };

function readPod(buf: Uint8Array, start: number, end: number): PodRecord {
  c.pos = start;
  let meta = NO_META;
  let spec = NO_SPEC;
  let status = NO_STATUS;
  let sawMeta = false;
  while (c.pos < end) {
    const tag = readVarint(buf, c);
    const num = tag >>> 3;
    const wire = tag & 7;
    if (num === POD.metadata) {
      meta = readMeta(buf, lenOf(buf, wire), false);
      sawMeta = true;
    } else if (num === POD.spec) spec = readSpec(buf, lenOf(buf, wire));
    else if (num === POD.status) status = readStatus(buf, lenOf(buf, wire));
    else skipField(buf, c, wire);
  }
  ended(end);
  if (!sawMeta || meta.name === '' || meta.uid === '' || meta.resourceVersion === '') bail();
  const labels = sharedLabels(meta.labels);
  const init = frozenList(status.initStatuses);
  const statuses = frozenList(status.statuses);
  const { scheduled, ready } = status;
  // The same literal, in the same order, as projectPod's (project-pod.ts).
  return Object.freeze({
    namespace: meta.namespace,
    name: meta.name,
    uid: meta.uid,
    resourceVersion: meta.resourceVersion,
    creationTimestamp: meta.creationTimestamp,
    deletionTimestamp: meta.deletionTimestamp,
    labels,
    owner: meta.owner,
    nodeName: spec.nodeName,
    restartPolicy: spec.restartPolicy,
    containers: spec.containers,
    phase: status.phase,
    scheduledStatus: scheduled?.status ?? '',
    scheduledReason: scheduled?.reason ?? '',
    scheduledMessage: scheduled?.message ?? '',
    scheduledTransitionTime: scheduled?.lastTransitionTime ?? null,
    readyStatus: ready?.status ?? '',
    readyTransitionTime: ready?.lastTransitionTime ?? null,
    kind: 'Pod' as const,
    templateHash: labels['pod-template-hash'] ?? labels['controller-revision-hash'] ?? '',
    containerStatuses: init.length === 0 ? statuses : frozenList([...init, ...statuses]),
  });
}

function readSpec(buf: Uint8Array, end: number): Spec {
  let nodeName = '';
  let restartPolicy = '';
  const containers: ContainerRecord[] = [];
  while (c.pos < end) {
    const tag = readVarint(buf, c);
    const num = tag >>> 3;
    const wire = tag & 7;
    if (num === SPEC.nodeName) nodeName = istr(buf, wire) || nodeName;
    else if (num === SPEC.restartPolicy) restartPolicy = istr(buf, wire) || restartPolicy;
    else if (num === SPEC.containers) {
      const e = lenOf(buf, wire);
      let name = '';
      let image = '';
      while (c.pos < e) {
        const t = readVarint(buf, c);
        const n = t >>> 3;
        const w = t & 7;
        if (n === CONTAINER.name) name = istr(buf, w) || name;
        else if (n === CONTAINER.image) image = istr(buf, w) || image;
        else skipField(buf, c, w);
      }
      ended(e);
      containers.push(Object.freeze({ name, image }));
    } else skipField(buf, c, wire);
  }
  ended(end);
  return { nodeName, restartPolicy, containers: sameContainers(containers) };
}

/** The container list returned last, and what it was made of (consecutive events are often pods of one ReplicaSet). */
let lastContainers: readonly ContainerRecord[] = frozenList([]);

/**
 * sameContainers is sharedContainers of `read` (its key: each name and image followed by U+0000),
 * answered without building that key when the list equals the one returned last.
 */
function sameContainers(read: readonly ContainerRecord[]): readonly ContainerRecord[] {
  const last = lastContainers;
  if (read.length === last.length && read.length > 0) {
    let i = 0;
    while (i < read.length && (read[i] as ContainerRecord).name === (last[i] as ContainerRecord).name && (read[i] as ContainerRecord).image === (last[i] as ContainerRecord).image) i++;
    if (i === read.length) return last;
  }
  let key = '';
  for (const x of read) key += `${x.name}\u0000${x.image}\u0000`;
  const shared = sharedContainers(read, key);
  lastContainers = shared;
  return shared;
}

function readStatus(buf: Uint8Array, end: number): Status {
  const s: Status = { phase: '', scheduled: undefined, ready: undefined, statuses: [], initStatuses: [] };
  while (c.pos < end) {
    const tag = readVarint(buf, c);
    const num = tag >>> 3;
    const wire = tag & 7;
    if (num === STATUS.phase) s.phase = istr(buf, wire) || s.phase;
    else if (num === STATUS.conditions) {
      // Every condition is checked; projectPod keeps only POD_CONDITIONS_KEPT.
      const cond = readCondition(buf, lenOf(buf, wire), CONDITION);
      if (POD_CONDITIONS_KEPT.has(cond.type)) {
        if (cond.type === 'PodScheduled') s.scheduled ??= cond;
        else if (cond.type === 'Ready') s.ready ??= cond;
      }
    } else if (num === STATUS.containerStatuses) s.statuses.push(readContainerStatus(buf, lenOf(buf, wire), false));
    else if (num === STATUS.initContainerStatuses) s.initStatuses.push(readContainerStatus(buf, lenOf(buf, wire), true));
    else skipField(buf, c, wire);
  }
  ended(end);
  return s;
}

/** A terminated state as readTerminated reads it. */
interface Terminated {
  reason: string;
  message: string;
  exitCode: number;
  finishedAt: number | null;
}

/** A ContainerState: which members were present (the last of each wins) and what they held. */
interface State {
  waiting: { reason: string; message: string } | undefined;
  running: { startedAt: number | null } | undefined;
  terminated: Terminated | undefined;
}

function readState(buf: Uint8Array, end: number): State {
  const st: State = { waiting: undefined, running: undefined, terminated: undefined };
  while (c.pos < end) {
    const tag = readVarint(buf, c);
    const num = tag >>> 3;
    const wire = tag & 7;
    if (num === STATE.waiting) {
      const e = lenOf(buf, wire);
      const w = { reason: '', message: '' };
      while (c.pos < e) {
        const t = readVarint(buf, c);
        const n = t >>> 3;
        if (n === WAITING.reason) w.reason = istr(buf, t & 7) || w.reason;
        else if (n === WAITING.message) w.message = str(buf, t & 7) || w.message;
        else skipField(buf, c, t & 7);
      }
      ended(e);
      st.waiting = w;
    } else if (num === STATE.running) {
      const e = lenOf(buf, wire);
      const r = { startedAt: null as number | null };
      while (c.pos < e) {
        const t = readVarint(buf, c);
        if (t >>> 3 === RUNNING.startedAt) r.startedAt = time(buf, t & 7) ?? r.startedAt;
        else skipField(buf, c, t & 7);
      }
      ended(e);
      st.running = r;
    } else if (num === STATE.terminated) {
      const e = lenOf(buf, wire);
      const term: Terminated = { reason: '', message: '', exitCode: 0, finishedAt: null };
      while (c.pos < e) {
        const t = readVarint(buf, c);
        const n = t >>> 3;
        if (n === TERMINATED.reason) term.reason = istr(buf, t & 7) || term.reason;
        else if (n === TERMINATED.message) term.message = str(buf, t & 7) || term.message;
        else if (n === TERMINATED.exitCode) term.exitCode = int(buf, t & 7) || term.exitCode;
        else if (n === TERMINATED.finishedAt) term.finishedAt = time(buf, t & 7) ?? term.finishedAt;
        else skipField(buf, c, t & 7);
      }
      ended(e);
      st.terminated = term;
    } else skipField(buf, c, wire);
  }
  ended(end);
  return st;
}

const NO_STATE: State = { waiting: undefined, running: undefined, terminated: undefined };

function readContainerStatus(buf: Uint8Array, end: number, init: boolean): ContainerStatusRecord {
  let name = '';
  let image = '';
  let imageID = '';
  let ready = false;
  let started = false;
  let restartCount = 0;
  let state = NO_STATE;
  let last = NO_STATE;
  while (c.pos < end) {
    const tag = readVarint(buf, c);
    const num = tag >>> 3;
    const wire = tag & 7;
    if (num === CSTATUS.name) name = istr(buf, wire) || name;
    else if (num === CSTATUS.image) image = istr(buf, wire) || image;
    else if (num === CSTATUS.imageID) imageID = istr(buf, wire) || imageID;
    else if (num === CSTATUS.ready) ready = bool(buf, wire) || ready;
    else if (num === CSTATUS.started) started = bool(buf, wire);
    else if (num === CSTATUS.restartCount) restartCount = int(buf, wire) || restartCount;
    else if (num === CSTATUS.state) state = readState(buf, lenOf(buf, wire));
    else if (num === CSTATUS.lastState) last = readState(buf, lenOf(buf, wire));
    else skipField(buf, c, wire);
  }
  ended(end);
  // As project-pod.ts's readState and readLastTerminated: waiting, then running, then terminated.
  let s: ContainerStatusRecord['state'];
  if (state.waiting !== undefined) s = { kind: 'waiting', reason: state.waiting.reason, message: state.waiting.message };
  else if (state.running !== undefined) s = { kind: 'running', startedAt: state.running.startedAt };
  else if (state.terminated !== undefined) {
    const t = state.terminated;
    s = { kind: 'terminated', reason: t.reason, message: t.message, exitCode: t.exitCode, finishedAt: t.finishedAt };
  } else s = { kind: 'unknown' };
  const lt = last.terminated;
  const lastTerminated = lt === undefined ? null : { reason: lt.reason, exitCode: lt.exitCode, finishedAt: lt.finishedAt };
  return Object.freeze({ name, image, imageID, ready, started, restartCount, state: s, lastTerminated, init });
}
