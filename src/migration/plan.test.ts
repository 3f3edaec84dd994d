import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseChange, type ChangeFlags } from './change.ts';
import { annotationsOf, controllerUidOf, labelsOf, selectorOf, templateLabelsOf, uidOf } from './manifests.ts';
import { findRecord, nextStep } from './plan.ts';
import { propose } from './propose.ts';
import { COPY_SUFFIX, RECORD_ANNOTATION } from './record.ts';
import { formatSelector } from './selector.ts';
import type { Step } from './steps.ts';
import { ModelCluster } from './testing/model-cluster.ts';

interface Run {
  readonly writes: string[];
  readonly end: Step;
  readonly minEndpoints: number;
}

function cluster(): ModelCluster {
  const m = new ModelCluster();
  m.services.set('web', { app: 'web' });
  m.addDeployment('web', { app: 'web', version: 'v1' }, { app: 'web', version: 'v1' }, 3, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
  return m;
}

/**
 * drive runs the planner as the shell does — observe, plan, act (a wait lets the model advance) —
 * starting a fresh "process" (a new intent id, no memory) whenever `crashAt` says so, which is
 * exactly what a rerun after SIGKILL does. Returns the writes in order and the fewest ready
 * endpoints the Service ever had.
 */
function drive(m: ModelCluster, flags: ChangeFlags, crashAt: ReadonlySet<number> = new Set(), abortAfter?: number): Run {
  const change = parseChange(flags);
  if (!change.ok) throw new Error(change.error);
  let run = 0;
  const writes: string[] = [];
  let minEndpoints = m.readyEndpoints('web');
  let abort: string | null = null;
  for (let i = 0; i < 400; i++) {
    const obs = m.observe('web', `web${COPY_SUFFIX}`);
    const proposed = findRecord(obs) === null && obs.deployment !== null ? propose(obs.deployment, { id: `run-${run}`, change: change.value }).record : null;
    const step = nextStep({ observed: obs, proposed, abort });
    if (step.kind === 'done' || step.kind === 'failed' || step.kind === 'blocked') return { writes, end: step, minEndpoints };
    if (step.kind === 'write') {
      m.apply(step.call);
      writes.push(step.name);
      if (crashAt.has(writes.length)) run++; // the process dies after this write; the next loop is a rerun
      if (abortAfter !== undefined && writes.length === abortAfter) abort = 'the copy failed: ImagePullBackOff';
    }
    m.tick();
    minEndpoints = Math.min(minEndpoints, m.readyEndpoints('web'));
  }
  throw new Error(`no end after 400 steps; writes: ${writes.join(', ')}`);
}

function assertMigrated(m: ModelCluster, selector: string, templateHas: Record<string, string>): void {
  const d = m.deployments.get('web');
  assert.ok(d, 'the Deployment exists under its name');
  assert.equal(formatSelector(selectorOf(d)), selector);
  for (const [k, v] of Object.entries(templateHas)) assert.equal(templateLabelsOf(d)[k], v);
  assert.equal(m.deployments.has(`web${COPY_SUFFIX}`), false, 'no copy left');
  assert.equal(annotationsOf(d)[RECORD_ANNOTATION], undefined, 'record taken off the Deployment');
  assert.equal(labelsOf(d)['rollscope.io/migration'], undefined, 'label taken off the Deployment');
  for (const rs of m.replicaSets.values()) {
    assert.equal(annotationsOf(rs)[RECORD_ANNOTATION], undefined, `record taken off ${String(rs.metadata.name)}`);
    assert.equal(labelsOf(rs)['rollscope.io/migration'], undefined, `label taken off ${String(rs.metadata.name)}`);
    assert.equal(controllerUidOf(rs), uidOf(d), `replicaset ${String(rs.metadata.name)} is owned by the new Deployment (no orphans left)`);
  }
  const ready = [...m.pods.values()].filter((p) => p.ready && m.replicaSets.get([...m.replicaSets.keys()].find((k) => uidOf(m.replicaSets.get(k)) === p.ownerUid) ?? '') !== undefined);
  assert.equal(ready.length, 3, 'three ready pods');
}

test('remove a key: orphan and recreate, every ReplicaSet adopted, no pod created or deleted', () => {
  const m = cluster();
  const podsBefore = [...m.pods.keys()].sort();
  const r = drive(m, { addLabel: [], removeLabel: ['version'] });
  assert.equal(r.end.kind, 'done');
  // mark-carrier although the controller copied the record annotation: it does not copy the label.
  assert.deepEqual(r.writes, ['start', 'mark-carrier', 'orphan-original', 'recreate', 'finalize', 'finalize']);
  assertMigrated(m, 'app=web', { version: 'v1' });
  assert.deepEqual([...m.pods.keys()].sort(), podsBefore, 'the same pods serve throughout');
  assert.equal(r.minEndpoints, 3);
  assert.equal(annotationsOf(m.deployments.get('web'))['deployment.kubernetes.io/revision'], '1', 'the adopted ReplicaSet keeps its revision');
});

test('add a key: roll the template, orphan, recreate adopting the rolled ReplicaSet, delete the older one', () => {
  const m = cluster();
  const r = drive(m, { addLabel: ['tier=frontend'], removeLabel: [] });
  assert.equal(r.end.kind, 'done');
  assert.deepEqual(r.writes, ['start', 'mark-carrier', 'orphan-original', 'recreate', 'delete-leftovers', 'finalize', 'finalize']);
  assertMigrated(m, 'app=web,tier=frontend,version=v1', { tier: 'frontend' });
  assert.equal(r.minEndpoints, 3, 'the rolling update (maxUnavailable 0) keeps 3 ready');
  assert.equal(annotationsOf(m.deployments.get('web'))['deployment.kubernetes.io/revision'], '2', 'revision continues from the rolled ReplicaSet');
  assert.equal(m.writes.filter((w) => w.startsWith('create replicasets/')).length, 2, 'one ReplicaSet for the roll, none for the recreate');
});

test('change a value: temporary copy; the Service never drops below 3 ready endpoints', () => {
  const m = cluster();
  const r = drive(m, { addLabel: [], removeLabel: [], setSelector: 'app=web,version=v2' });
  assert.equal(r.end.kind, 'done');
  assert.deepEqual(r.writes, ['start', 'create-copy', 'delete-original', 'recreate', 'delete-copy', 'finalize', 'finalize']);
  assertMigrated(m, 'app=web,version=v2', { version: 'v2' });
  assert.equal(r.minEndpoints, 3);
  for (const p of m.pods.values()) assert.equal(labelsOf({ metadata: { labels: p.labels } })['rollscope.io/migration-copy'], undefined, 'no copy pod left');
});

test('a crash after any write, then a rerun, ends in the same state with the same writes', () => {
  for (const flags of [{ addLabel: [], removeLabel: ['version'] }, { addLabel: ['tier=frontend'], removeLabel: [] }, { addLabel: [], removeLabel: [], setSelector: 'app=web,version=v2' }]) {
    const clean = drive(cluster(), flags);
    for (let k = 1; k <= clean.writes.length; k++) {
      const m = cluster();
      const r = drive(m, flags, new Set([k]));
      assert.equal(r.end.kind, 'done', `${JSON.stringify(flags)} crash after write ${k}`);
      assert.deepEqual(r.writes, clean.writes, `${JSON.stringify(flags)} crash after write ${k}`);
      assert.equal(r.minEndpoints, 3);
    }
  }
});

test('a write repeated after a crash (the process died before seeing its answer) is harmless', () => {
  const m = cluster();
  const change = parseChange({ addLabel: [], removeLabel: [], setSelector: 'app=web,version=v2' });
  assert.ok(change.ok);
  const obs = m.observe('web', 'web-migrating');
  const first = nextStep({ observed: obs, proposed: propose(obs.deployment!, { id: 'a', change: change.value }).record, abort: null });
  assert.equal(first.kind, 'write');
  if (first.kind !== 'write') return;
  m.apply(first.call);
  assert.throws(() => m.apply(first.call), /409 Conflict/, 'the start patch carries resourceVersion, so a stale repeat is refused, not applied twice');
  m.tick();
  const again = nextStep({ observed: m.observe('web', 'web-migrating'), proposed: null, abort: null });
  assert.ok(again.kind === 'write' && again.name === 'create-copy');
});

test('a failure before the original is deleted rolls back to the untouched Deployment', () => {
  const m = cluster();
  const r = drive(m, { addLabel: [], removeLabel: [], setSelector: 'app=web,version=v2' }, new Set(), 2);
  assert.equal(r.end.kind, 'failed');
  assert.deepEqual(r.writes, ['start', 'create-copy', 'delete-copy', 'unmark-original', 'unmark-original']);
  const d = m.deployments.get('web');
  assert.equal(formatSelector(selectorOf(d)), 'app=web,version=v1');
  assert.equal(annotationsOf(d)[RECORD_ANNOTATION], undefined);
  assert.equal(m.deployments.has('web-migrating'), false);
  assert.equal(r.minEndpoints, 3);
});

test('a rerun with a different change while one is in progress is refused, naming the migration', () => {
  const m = cluster();
  drive(m, { addLabel: [], removeLabel: [], setSelector: 'app=web,version=v2' }, new Set(), undefined);
  const m2 = cluster();
  const c1 = parseChange({ addLabel: ['tier=x'], removeLabel: [] });
  const c2 = parseChange({ addLabel: ['tier=y'], removeLabel: [] });
  assert.ok(c1.ok && c2.ok);
  const obs = m2.observe('web', 'web-migrating');
  const s = nextStep({ observed: obs, proposed: propose(obs.deployment!, { id: 'one', change: c1.value }).record, abort: null });
  assert.ok(s.kind === 'write');
  if (s.kind === 'write') m2.apply(s.call);
  m2.tick();
  const obs2 = m2.observe('web', 'web-migrating');
  const blocked = nextStep({ observed: obs2, proposed: propose(obs2.deployment!, { id: 'two', change: c2.value }).record, abort: null });
  assert.equal(blocked.kind, 'blocked');
  assert.match(blocked.kind === 'blocked' ? blocked.reason : '', /already being migrated to app=web,tier=x,version=v1 \(migration one\)/);
});

test('the carrier ReplicaSet gets the record explicitly when the controller has not copied it yet', () => {
  const m = cluster();
  const change = parseChange({ addLabel: [], removeLabel: ['version'] });
  assert.ok(change.ok);
  const obs = m.observe('web', 'web-migrating');
  const start = nextStep({ observed: obs, proposed: propose(obs.deployment!, { id: 'a', change: change.value }).record, abort: null });
  assert.ok(start.kind === 'write');
  if (start.kind === 'write') m.apply(start.call);
  const d = m.deployments.get('web')!;
  d.status = { ...(d.status as object), observedGeneration: d.metadata.generation }; // status caught up, annotations not yet copied
  const next = nextStep({ observed: m.observe('web', 'web-migrating'), proposed: null, abort: null });
  assert.ok(next.kind === 'write' && next.name === 'mark-carrier', JSON.stringify(next));
});

test('an unchanged selector is done without a write', () => {
  const m = cluster();
  const r = drive(m, { addLabel: ['app=web'], removeLabel: [] });
  assert.deepEqual([r.end.kind, r.writes], ['done', []]);
  assert.equal(r.end.kind === 'done' ? r.end.outcome : '', 'unchanged');
});
