import type { KubeObject } from '../../../kube/types.ts';
import { deepEqual, isPlainObject } from '../../core/deep.ts';
import { labelSelectorFromSpec, matchesLabels } from '../../core/selectors.ts';
import {
  asPod,
  asReplicaSet,
  controllerOf,
  controllerRefTo,
  creationOrder,
  isTerminating,
  type Deployment,
  type Pod,
  type PodTemplateSpec,
  type ReplicaSet,
} from '../apps.ts';
import { FIELD_MANAGER, Resource, type DeploymentEnv } from './env.ts';

/** POD_TEMPLATE_HASH is the label that ties a ReplicaSet and its pods to one template. */
export const POD_TEMPLATE_HASH = 'pod-template-hash';

/** normalise drops nulls and empty objects/arrays, as Kubernetes' semantic equality treats nil and empty alike. */
function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const n = normalise(x);
    if (n === null || n === undefined) continue;
    if (Array.isArray(n) && n.length === 0) continue;
    if (isPlainObject(n) && Object.keys(n).length === 0) continue;
    out[k] = n;
  }
  return out;
}

/** withoutHashLabel returns the template without the `pod-template-hash` label. */
export function withoutHashLabel(t: PodTemplateSpec): PodTemplateSpec {
  const labels = t.metadata?.labels;
  if (labels === undefined || !(POD_TEMPLATE_HASH in labels)) return t;
  const rest = Object.fromEntries(Object.entries(labels).filter(([k]) => k !== POD_TEMPLATE_HASH));
  return { ...t, metadata: { ...t.metadata, labels: rest } };
}

/** equalIgnoreHash compares two pod templates ignoring the `pod-template-hash` label (`EqualIgnoreHash`). */
export function equalIgnoreHash(a: PodTemplateSpec, b: PodTemplateSpec): boolean {
  return deepEqual(normalise(withoutHashLabel(a)), normalise(withoutHashLabel(b)));
}

/**
 * findNewReplicaSet returns the oldest ReplicaSet whose template equals the Deployment's (ignoring
 * the hash label). Matching is by content, so restoring an earlier template reuses its ReplicaSet.
 */
export function findNewReplicaSet(d: Deployment, rsList: readonly ReplicaSet[]): ReplicaSet | undefined {
  return [...rsList].sort(creationOrder).find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
}

/** findOldReplicaSets returns every owned ReplicaSet except the new one. */
export function findOldReplicaSets(rsList: readonly ReplicaSet[], newRS: ReplicaSet | undefined): ReplicaSet[] {
  return rsList.filter((rs) => rs.metadata.uid !== newRS?.metadata.uid);
}

function selects(d: Deployment, obj: KubeObject): boolean {
  const selector = labelSelectorFromSpec(d.spec.selector);
  return selector.length > 0 && matchesLabels(selector, obj.metadata.labels);
}

/**
 * getReplicaSetsForDeployment lists the Deployment's ReplicaSets, adopting orphans its selector
 * matches and releasing owned ones it no longer matches (client-go's ControllerRefManager).
 */
export function getReplicaSetsForDeployment(env: DeploymentEnv, d: Deployment): ReplicaSet[] {
  const uid = d.metadata.uid;
  const out: ReplicaSet[] = [];
  const candidates = [...env.replicaSets.ownedBy(uid ?? ''), ...env.replicaSets.orphans(d.metadata.namespace ?? '')];
  for (const obj of candidates) {
    const rs = asReplicaSet(obj);
    const ref = controllerOf(rs);
    if (ref) {
      if (ref.uid !== uid) continue;
      if (selects(d, rs) || isTerminating(d)) {
        out.push(rs);
        continue;
      }
      const owners = (rs.metadata.ownerReferences ?? []).filter((o) => o.uid !== uid);
      env.store.update(Resource.replicaSets, { ...rs, metadata: { ...rs.metadata, ownerReferences: owners } }, { fieldManager: FIELD_MANAGER });
      continue;
    }
    if (isTerminating(d) || isTerminating(rs) || !selects(d, rs)) continue;
    const owners = [...(rs.metadata.ownerReferences ?? []), controllerRefTo(d, 'apps/v1', 'Deployment')];
    const adopted = env.store.update(Resource.replicaSets, { ...rs, metadata: { ...rs.metadata, ownerReferences: owners } }, { fieldManager: FIELD_MANAGER });
    out.push(asReplicaSet(adopted));
  }
  return out;
}

/** getPodMapForDeployment groups the pods the Deployment selects by the UID of their owning ReplicaSet. */
export function getPodMapForDeployment(env: DeploymentEnv, d: Deployment, rsList: readonly ReplicaSet[]): Map<string, Pod[]> {
  const map = new Map<string, Pod[]>();
  for (const rs of rsList) {
    const uid = rs.metadata.uid ?? '';
    map.set(uid, env.pods.ownedBy(uid).filter((p) => selects(d, p)).map(asPod));
  }
  return map;
}
