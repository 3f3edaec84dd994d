import type { Unstructured } from '../track/status/fields.ts';
import { describeChange, type SelectorChange } from './change.ts';
import { controllerUidOf, copyManifest, labelsOf, nameOfObj, recreatedManifest, replicasOf, uidOf } from './manifests.ts';
import type { ServiceSpec } from './preflight.ts';
import { COPY_LABEL, RECORD_ANNOTATION } from './record.ts';
import { formatSelector, mapSelectorMatches, selectorMatches } from './selector.ts';
import { createDeployment, deleteDeployment, deleteReplicaSet, patchDeployment, patchReplicaSet, wait, type ApiCall, type Step } from './steps.ts';
import { markBody, startStep, unmark } from './plan.ts';
import type { Proposal } from './propose.ts';

/**
 * outline lists, in order, every step the planner will take for a proposal on an undisturbed
 * cluster — the `--dry-run` output. It is built from the same step constructors as plan.ts, so
 * each API call (method, path, body) is the one the planner sends; objects that do not exist yet
 * (the rolled ReplicaSet, the new UIDs) are named by placeholders in angle brackets.
 */
export function outline(p: Proposal, d: Unstructured, replicaSets: readonly Unstructured[], services: readonly ServiceSpec[]): Step[] {
  const r = p.record;
  const ns = r.namespace;
  const dep = `deployment/${r.name}`;
  const replicas = replicasOf(d);
  const affected = services.filter((s) => mapSelectorMatches(s.selector, r.toTemplateLabels));
  const steps: Step[] = [startStep(r, d)];
  if (r.path === 'adopt') {
    const owned = replicaSets.filter((rs) => controllerUidOf(rs) === uidOf(d));
    const current = owned.find((rs) => replicasOf(rs) > 0) ?? owned[0];
    const carrier = r.rollsTemplate ? '<ReplicaSet of the rolled template>' : current === undefined ? '<current ReplicaSet>' : nameOfObj(current);
    if (r.rollsTemplate) steps.push(wait('rollout', dep, 'the template rollout finishes (rolling update, maxUnavailable honoured)'));
    steps.push(
      patchReplicaSet('mark-carrier', ns, carrier, markBody(r), `record the migration on replicaset/${carrier}`),
      deleteDeployment('orphan-original', ns, r.name, r.originalUid, 'Orphan', 'delete the original Deployment, orphaning its ReplicaSets and pods'),
      wait('released', dep, 'the original is gone and its ReplicaSets are released'),
      createDeployment('recreate', ns, recreatedManifest(r, replicas), `create the Deployment with selector ${formatSelector(r.toSelector)}; it adopts replicaset/${carrier}`),
      wait('rollout', dep, 'the recreated Deployment reports the adopted ReplicaSet rolled out (no new ReplicaSet)'),
    );
    const leftovers = owned.filter((rs) => (r.rollsTemplate || nameOfObj(rs) !== carrier) && !selectorMatches(r.toSelector, labelsOf(rs)));
    for (const rs of leftovers) steps.push(deleteReplicaSet(ns, nameOfObj(rs), uidOf(rs), `delete replicaset/${nameOfObj(rs)}: an older revision the new selector does not adopt`));
    steps.push(patchDeployment('finalize', ns, r.name, unmark, 'take the migration record off the Deployment'), patchReplicaSet('finalize', ns, carrier, unmark, `take the migration record off replicaset/${carrier}`));
    return steps;
  }
  const copy = copyManifest(r, replicas);
  steps.push(createDeployment('create-copy', ns, copy, `create the temporary copy deployment/${r.copyName} (${replicas} replicas)`), wait('rollout', `deployment/${r.copyName}`, 'the copy is ready'));
  for (const s of affected) steps.push(wait('endpoints', `service/${s.name}`, `the copy's pods are ready endpoints of service/${s.name}`));
  for (const s of affected) steps.push(wait('min-ready', `service/${s.name}`, `service/${s.name} keeps ${r.minReady} ready endpoints without the original's pods`));
  steps.push(
    deleteDeployment('delete-original', ns, r.name, r.originalUid, 'Background', 'delete the original Deployment and its pods'),
    wait('gone', dep, 'the original is deleted'),
    createDeployment('recreate', ns, recreatedManifest(r, replicas), `create the Deployment with selector ${formatSelector(r.toSelector)}`),
    wait('rollout', dep, 'the recreated Deployment is ready'),
  );
  for (const s of affected) steps.push(wait('endpoints', `service/${s.name}`, `the recreated Deployment's pods are ready endpoints of service/${s.name}`));
  for (const s of affected) steps.push(wait('min-ready', `service/${s.name}`, `service/${s.name} keeps ${r.minReady} ready endpoints without the copy's pods`));
  steps.push(
    deleteDeployment('delete-copy', ns, r.copyName, '<uid of the copy>', 'Background', `delete the temporary copy deployment/${r.copyName}`),
    wait('cleanup', `deployment/${r.copyName}`, `the copy's ReplicaSets and pods (${COPY_LABEL}=${r.name}) are gone`),
    patchDeployment('finalize', ns, r.name, unmark, 'take the migration record off the Deployment'),
    patchReplicaSet('finalize', ns, '<new ReplicaSet>', unmark, 'take the migration record off the new ReplicaSet'),
  );
  return steps;
}

/** renderCall prints one API call on one line: `DELETE /apis/... propagationPolicy=Orphan preconditions.uid=…`. */
export function renderCall(c: ApiCall): string {
  const body = c.body as { propagationPolicy?: string; preconditions?: { uid?: string }; metadata?: { name?: string } } | undefined;
  if (c.method === 'DELETE') return `DELETE ${c.path} (propagationPolicy=${body?.propagationPolicy ?? 'Background'}, preconditions.uid=${body?.preconditions?.uid ?? ''})`;
  if (c.method === 'POST') return `POST ${c.path} (${body?.metadata?.name ?? ''})`;
  if (c.method === 'PATCH') return `PATCH ${c.path} (merge patch ${summarisePatch(c.body)})`;
  return `${c.method} ${c.path}`;
}

function summarisePatch(body: unknown): string {
  const text = JSON.stringify(body, (k, v: unknown) => (k === RECORD_ANNOTATION && typeof v === 'string' ? '<record>' : v));
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** renderOutline prints a dry run: the path, why, and the numbered steps with their API calls. */
export function renderOutline(p: Proposal, change: SelectorChange, steps: readonly Step[]): string {
  const r = p.record;
  const lines = [
    `deployment ${r.namespace}/${r.name}: ${describeChange(change)} — selector ${formatSelector(r.fromSelector)} → ${formatSelector(r.toSelector)}`,
    `path: ${r.path} (${p.choice.reason})`,
    `min-ready: ${r.minReady} ready endpoints per affected Service`,
  ];
  steps.forEach((s, i) => {
    const n = String(i + 1).padStart(2, ' ');
    if (s.kind === 'write') lines.push(`${n}. ${s.name}: ${s.describe}`, `      ${renderCall(s.call)}`);
    else if (s.kind === 'wait') lines.push(`${n}. wait ${s.on} ${s.object}: ${s.describe}`);
  });
  return lines.join('\n');
}
