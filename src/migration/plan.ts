import { computeVerdict } from '../track/status/compute.ts';
import type { Unstructured } from '../track/status/fields.ts';
import { annotationsOf, controllerUidOf, copyManifest, isTerminating, labelsOf, nameOfObj, recreatedManifest, replicasOf, selectorOf, templateLabelsOf, uidOf } from './manifests.ts';
import { podDeploymentUids, readyOf, readyOutside, servicesSelecting, type Observed } from './observed.ts';
import { COPY_LABEL, encodeRecord, MIGRATION_LABEL, RECORD_ANNOTATION, recordOf, type MigrationRecord } from './record.ts';
import { formatSelector, selectorMatches, selectorsEqual, type Labels } from './selector.ts';
import { createDeployment, deleteDeployment, deleteReplicaSet, patchDeployment, patchReplicaSet, wait, type Step } from './steps.ts';

/**
 * The level-triggered migration planner: `nextStep(observed) → step`, pure. It never remembers
 * anything between calls — the record (record.ts) says what the migration is for, and which step
 * comes next follows from which objects exist and in what state (path.ts explains the paths):
 *
 * adopt: start (record on the Deployment, + new template labels when the template must roll) →
 *        wait rollout → mark-carrier (record on the current ReplicaSet) → orphan-original
 *        (DELETE, propagationPolicy Orphan) → wait gone, ReplicaSets released → recreate →
 *        wait rollout (adoption, no new ReplicaSet) → delete-leftovers (older ReplicaSets the new
 *        selector does not adopt, 0 replicas) → finalize (record off) → done.
 * copy:  start (record on the Deployment) → create-copy → wait rollout, endpoints → wait min-ready →
 *        delete-original (Background) → wait gone → recreate → wait rollout, endpoints → wait
 *        min-ready → delete-copy → wait cleanup (copy's ReplicaSets and pods gone) → finalize → done.
 *
 * With `abort` set (a wait failed) it steers to a state with full coverage instead and then
 * answers `failed`: before the original is deleted that means undoing (revert the template / delete
 * the copy, take the record off); after it, the pods that serve stay (the copy, or the orphaned
 * ReplicaSet), the record stays, and a rerun continues.
 */
export interface PlanInput {
  readonly observed: Observed;
  /** The record to start with when the cluster holds none yet (a new migration); null to only resume. */
  readonly proposed: MigrationRecord | null;
  /** Why the last wait failed; the planner then recovers and stops. */
  readonly abort: string | null;
}

/** findRecord returns this Deployment's migration record from whichever object holds it. */
export function findRecord(obs: Observed): MigrationRecord | null {
  for (const o of [obs.deployment, obs.copy, ...obs.replicaSets]) {
    const r = recordOf(o);
    if (r !== null && r.name === obs.name && r.namespace === obs.namespace) return r;
  }
  return null;
}

const includes = (have: Labels, want: Labels): boolean => Object.entries(want).every(([k, v]) => have[k] === v);
const isCurrent = (o: Unstructured, now: number): boolean => {
  const v = computeVerdict({ object: o, now });
  return v.ok && v.value.state === 'Current';
};
const revisionOf = (o: Unstructured): number => Number(annotationsOf(o)['deployment.kubernetes.io/revision'] ?? '0') || 0;
const hasRecord = (o: unknown): boolean => Object.hasOwn(annotationsOf(o), RECORD_ANNOTATION) || Object.hasOwn(labelsOf(o), MIGRATION_LABEL);
const dep = (name: string): string => `deployment/${name}`;
/** unmark takes the record and its label off an object. */
export const unmark = { metadata: { annotations: { [RECORD_ANNOTATION]: null }, labels: { [MIGRATION_LABEL]: null } } };
/** markBody puts the record and its label on an object. */
export const markBody = (r: MigrationRecord): Unstructured => ({ metadata: { labels: { [MIGRATION_LABEL]: r.id }, annotations: { [RECORD_ANNOTATION]: encodeRecord(r) } } });

/** nextStep computes the one next step of a migration (see the file comment). */
export function nextStep(input: PlanInput): Step {
  const obs = input.observed;
  const rec = findRecord(obs);
  if (rec === null) {
    if (input.abort !== null) return { kind: 'failed', reason: input.abort, hint: 'the Deployment is back as it was; fix the cause and rerun' };
    return begin(obs, input.proposed);
  }
  if (input.proposed !== null && !selectorsEqual(input.proposed.toSelector, rec.toSelector))
    return {
      kind: 'blocked',
      reason: `deployment ${obs.namespace}/${obs.name} is already being migrated to ${formatSelector(rec.toSelector)} (migration ${rec.id})`,
      hint: `finish that migration first: rerun with the flags that give ${formatSelector(rec.toSelector)}`,
    };
  const d = obs.deployment;
  if (d !== null && uidOf(d) !== rec.originalUid && !selectorsEqual(selectorOf(d), rec.toSelector))
    return {
      kind: 'blocked',
      reason: `deployment ${obs.namespace}/${obs.name} was replaced during migration ${rec.id} by a Deployment with selector ${formatSelector(selectorOf(d))}`,
      hint: 'something else recreated it (a GitOps sync?); stop that, delete the foreign Deployment, and rerun — or restore the backup',
    };
  if (input.abort !== null) return recover(obs, rec, input.abort);
  return rec.path === 'adopt' ? adoptStep(obs, rec) : copyStep(obs, rec);
}

function begin(obs: Observed, p: MigrationRecord | null): Step {
  const d = obs.deployment;
  if (d === null)
    return p === null
      ? { kind: 'done', outcome: 'unchanged', describe: 'no such Deployment and no migration in progress' }
      : { kind: 'blocked', reason: `deployment ${obs.namespace}/${obs.name} not found`, hint: 'check the name and namespace (-n)' };
  if (p === null || selectorsEqual(selectorOf(d), p.toSelector)) return { kind: 'done', outcome: 'unchanged', describe: `selector is ${formatSelector(selectorOf(d))}` };
  if (uidOf(d) !== p.originalUid) return { kind: 'blocked', reason: `deployment ${obs.namespace}/${obs.name} changed since it was planned`, hint: 'rerun to plan again' };
  return startStep(p, d);
}

/** startStep writes the record on the original (and, for the adopt path with a roll, the new template labels), guarded by resourceVersion. */
export function startStep(p: MigrationRecord, d: Unstructured | null): Step {
  const rv = d === null ? undefined : (d.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
  const body = {
    metadata: { ...(rv === undefined ? {} : { resourceVersion: rv }), labels: { [MIGRATION_LABEL]: p.id }, annotations: { [RECORD_ANNOTATION]: encodeRecord(p) } },
    ...(p.path === 'adopt' && p.rollsTemplate ? { spec: { template: { metadata: { labels: { ...p.toTemplateLabels } } } } } : {}),
  };
  const what = p.path === 'adopt' && p.rollsTemplate ? 'record the migration and roll the pod template to carry the new labels' : 'record the migration on the Deployment';
  return patchDeployment('start', p.namespace, p.name, body, what);
}

/** carrierOf is the ReplicaSet that carries the pods across the orphaning: owned by `ownerUid`, on the new template, highest revision. */
function carrierOf(obs: Observed, rec: MigrationRecord, ownerUid: string): Unstructured | null {
  const owned = obs.replicaSets.filter((rs) => controllerUidOf(rs) === ownerUid && includes(templateLabelsOf(rs), rec.toTemplateLabels) && !isTerminating(rs));
  owned.sort((a, b) => revisionOf(b) - revisionOf(a));
  return owned[0] ?? null;
}

function adoptStep(obs: Observed, rec: MigrationRecord): Step {
  const ns = rec.namespace;
  const d = obs.deployment;
  if (d !== null && uidOf(d) === rec.originalUid) {
    if (isTerminating(d)) return wait('gone', dep(rec.name), 'the original Deployment is being deleted (orphaning its ReplicaSets)');
    if (rec.rollsTemplate && !includes(templateLabelsOf(d), rec.toTemplateLabels))
      return patchDeployment('roll-template', ns, rec.name, { spec: { template: { metadata: { labels: { ...rec.toTemplateLabels } } } } }, 'roll the pod template to carry the new labels');
    if (!isCurrent(d, obs.now)) return wait('rollout', dep(rec.name), 'the template rollout finishes');
    const carrier = carrierOf(obs, rec, uidOf(d));
    if (carrier === null) return wait('rollout', dep(rec.name), 'a ReplicaSet on the new template exists');
    // The controller copies the Deployment's annotations (the record) onto its new ReplicaSet, but not its labels.
    if (recordOf(carrier)?.id !== rec.id || labelsOf(carrier)[MIGRATION_LABEL] !== rec.id)
      return patchReplicaSet('mark-carrier', ns, nameOfObj(carrier), markBody(rec), `record the migration on replicaset/${nameOfObj(carrier)}, which keeps the pods while no Deployment exists`);
    return deleteDeployment('orphan-original', ns, rec.name, rec.originalUid, 'Orphan', 'delete the original Deployment, orphaning its ReplicaSets and pods (they keep running)');
  }
  if (d === null) {
    const held = obs.replicaSets.filter((rs) => controllerUidOf(rs) === rec.originalUid);
    if (held.length > 0) return wait('released', dep(rec.name), `the garbage collector releases ${held.length} ReplicaSet(s) of the original`);
    const carrier = obs.replicaSets.find((rs) => controllerUidOf(rs) === '' && recordOf(rs)?.id === rec.id && includes(labelsOf(rs), rec.toTemplateLabels));
    const replicas = carrier === undefined ? rec.replicas : replicasOf(carrier);
    return createDeployment('recreate', ns, recreatedManifest(rec, replicas), `create the Deployment with selector ${formatSelector(rec.toSelector)} (${replicas} replicas); it adopts the orphaned ReplicaSet`);
  }
  // The recreated Deployment.
  if (!isCurrent(d, obs.now)) return wait('rollout', dep(rec.name), 'the recreated Deployment adopts the ReplicaSet and reports it rolled out');
  const unadopted = obs.replicaSets.find((rs) => controllerUidOf(rs) === '' && !isTerminating(rs) && selectorMatches(rec.toSelector, labelsOf(rs)) && replicasOf(rs) > 0);
  if (unadopted !== undefined) return wait('released', `replicaset/${nameOfObj(unadopted)}`, `the recreated Deployment adopts replicaset/${nameOfObj(unadopted)}`);
  const leftovers = obs.replicaSets.filter(
    (rs) => controllerUidOf(rs) === '' && nameOfObj(rs) === `${rec.name}-${labelsOf(rs)['pod-template-hash'] ?? ''}` && selectorMatches(rec.fromSelector, labelsOf(rs)) && !selectorMatches(rec.toSelector, labelsOf(rs)),
  );
  const busy = leftovers.find((rs) => replicasOf(rs) !== 0);
  if (busy !== undefined)
    return { kind: 'blocked', reason: `replicaset/${nameOfObj(busy)} of the original is orphaned with ${replicasOf(busy)} replicas`, hint: `scale it to 0 (kubectl scale rs/${nameOfObj(busy)} --replicas=0 -n ${ns}) and rerun` };
  const leftover = leftovers[0];
  if (leftover !== undefined) return deleteReplicaSet(ns, nameOfObj(leftover), uidOf(leftover), `delete replicaset/${nameOfObj(leftover)}: an older revision the new selector does not adopt (0 replicas)`);
  return finalize(obs, rec, d);
}

function copyStep(obs: Observed, rec: MigrationRecord): Step {
  const ns = rec.namespace;
  const d = obs.deployment;
  const c = obs.copy;
  if (c !== null && recordOf(c)?.id !== rec.id)
    return { kind: 'blocked', reason: `deployment ${ns}/${rec.copyName} exists and is not this migration's copy`, hint: `rename or delete deployment/${rec.copyName}, then rerun` };
  const owners = podDeploymentUids(obs);
  const affected = servicesSelecting(obs, [rec.toTemplateLabels]);
  if (d !== null && uidOf(d) === rec.originalUid) {
    if (isTerminating(d)) return wait('gone', dep(rec.name), 'the original Deployment is deleted');
    if (c === null) return createDeployment('create-copy', ns, copyManifest(rec, replicasOf(d)), `create the temporary copy deployment/${rec.copyName} with the new labels (${replicasOf(d)} replicas)`);
    if (isTerminating(c)) return wait('gone', dep(rec.copyName), 'the copy is deleted');
    if (!isCurrent(c, obs.now)) return wait('rollout', dep(rec.copyName), 'the copy is ready');
    const copyLabels = templateLabelsOf(c);
    const unserved = servicesSelecting(obs, [copyLabels]).find((s) => readyOf(s, owners, uidOf(c)) < replicasOf(c));
    if (unserved !== undefined) return wait('endpoints', `service/${unserved.name}`, `the copy's ${replicasOf(c)} pods are ready endpoints of service/${unserved.name}`);
    const thin = affected.find((s) => readyOutside(s, owners, uidOf(d)) < rec.minReady);
    if (thin !== undefined) return wait('min-ready', `service/${thin.name}`, `service/${thin.name} keeps ${rec.minReady} ready endpoints without the original's pods`);
    return deleteDeployment('delete-original', ns, rec.name, rec.originalUid, 'Background', 'delete the original Deployment and its pods (the copy serves meanwhile)');
  }
  if (d === null) {
    if (c === null || isTerminating(c))
      return { kind: 'blocked', reason: `both deployment/${rec.name} and its copy are gone`, hint: 'recreate the Deployment from the backup (kubectl apply -f the backup file), then rerun' };
    return createDeployment('recreate', ns, recreatedManifest(rec, replicasOf(c)), `create the Deployment with selector ${formatSelector(rec.toSelector)} (${replicasOf(c)} replicas)`);
  }
  // The recreated Deployment.
  if (!isCurrent(d, obs.now)) return wait('rollout', dep(rec.name), 'the recreated Deployment is ready');
  const unserved = affected.find((s) => readyOf(s, owners, uidOf(d)) < replicasOf(d));
  if (unserved !== undefined) return wait('endpoints', `service/${unserved.name}`, `the recreated Deployment's pods are ready endpoints of service/${unserved.name}`);
  if (c !== null && !isTerminating(c)) {
    const thin = affected.find((s) => readyOutside(s, owners, uidOf(c)) < rec.minReady);
    if (thin !== undefined) return wait('min-ready', `service/${thin.name}`, `service/${thin.name} keeps ${rec.minReady} ready endpoints without the copy's pods`);
    return deleteDeployment('delete-copy', ns, rec.copyName, uidOf(c), 'Background', `delete the temporary copy deployment/${rec.copyName}`);
  }
  if (c !== null) return wait('gone', dep(rec.copyName), 'the copy is deleted');
  const rest = obs.replicaSets.filter((rs) => labelsOf(rs)[COPY_LABEL] === rec.name).length + obs.pods.filter((p) => p.labels[COPY_LABEL] === rec.name).length;
  if (rest > 0) return wait('cleanup', dep(rec.copyName), `the copy's ${rest} ReplicaSet(s) and pod(s) are gone`);
  return finalize(obs, rec, d);
}

/** finalize takes the record off the recreated Deployment, then off its ReplicaSets (the controller copies Deployment annotations onto them). */
function finalize(obs: Observed, rec: MigrationRecord, d: Unstructured): Step {
  if (hasRecord(d)) return patchDeployment('finalize', rec.namespace, rec.name, unmark, 'take the migration record off the Deployment');
  const marked = obs.replicaSets.find((rs) => controllerUidOf(rs) === uidOf(d) && hasRecord(rs));
  if (marked !== undefined) return patchReplicaSet('finalize', rec.namespace, nameOfObj(marked), unmark, `take the migration record off replicaset/${nameOfObj(marked)}`);
  return { kind: 'done', outcome: 'migrated', describe: `selector is ${formatSelector(rec.toSelector)}` };
}

function recover(obs: Observed, rec: MigrationRecord, reason: string): Step {
  const ns = rec.namespace;
  const d = obs.deployment;
  const keep = (why: string): Step => ({ kind: 'failed', reason, hint: `${why}; fix the cause and rerun the same command to continue` });
  if (d === null || uidOf(d) !== rec.originalUid || isTerminating(d))
    return keep(rec.path === 'copy' ? `the copy deployment/${rec.copyName} keeps serving` : 'the orphaned ReplicaSet keeps serving');
  if (rec.path === 'adopt' && rec.rollsTemplate && !includes(templateLabelsOf(d), rec.fromTemplateLabels)) {
    const labels: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(rec.toTemplateLabels)) if (rec.fromTemplateLabels[k] !== v) labels[k] = rec.fromTemplateLabels[k] ?? null;
    return patchDeployment('revert-template', ns, rec.name, { ...unmark, spec: { template: { metadata: { labels } } } }, 'roll the pod template back to its old labels');
  }
  const c = obs.copy;
  if (c !== null && recordOf(c)?.id === rec.id) {
    if (isTerminating(c)) return wait('gone', dep(rec.copyName), 'the copy is deleted');
    return deleteDeployment('delete-copy', ns, rec.copyName, uidOf(c), 'Background', `delete the temporary copy deployment/${rec.copyName}`);
  }
  if (hasRecord(d)) return patchDeployment('unmark-original', ns, rec.name, unmark, 'take the migration record off the Deployment');
  const marked = obs.replicaSets.find((rs) => controllerUidOf(rs) === uidOf(d) && hasRecord(rs));
  if (marked !== undefined) return patchReplicaSet('unmark-original', ns, nameOfObj(marked), unmark, `take the migration record off replicaset/${nameOfObj(marked)}`);
  const copyRest = obs.replicaSets.filter((rs) => labelsOf(rs)[COPY_LABEL] === rec.name && hasRecord(rs));
  if (copyRest.length > 0) return wait('cleanup', dep(rec.copyName), "the copy's ReplicaSets are gone");
  return { kind: 'failed', reason, hint: 'the Deployment is back as it was; fix the cause and rerun' };
}
