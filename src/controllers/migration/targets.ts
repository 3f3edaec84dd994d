import { labelsOf, nameOfObj } from '../../migration/manifests.ts';
import { COPY_LABEL, MIGRATION_LABEL, recordOf, type MigrationRecord } from '../../migration/record.ts';
import { stringField, type Unstructured } from '../../track/status/fields.ts';
import type { MigrationApi } from './api.ts';

/** Target is a Deployment by namespace and name. */
export interface Target {
  readonly namespace: string;
  readonly name: string;
}

/** InProgress is a migration found on the cluster by its record. */
export interface InProgress extends Target {
  readonly record: MigrationRecord;
}

const key = (t: Target): string => `${t.namespace}/${t.name}`;

/**
 * inProgress finds every migration whose record is on the cluster — on a Deployment (the original,
 * the copy or the recreated one) or on a ReplicaSet (the one carrying the pods while no Deployment
 * of that name exists) — in one namespace, or in all when `namespace` is null.
 */
export function inProgress(deployments: readonly Unstructured[], replicaSets: readonly Unstructured[]): InProgress[] {
  const out = new Map<string, InProgress>();
  for (const o of [...deployments, ...replicaSets]) {
    const record = recordOf(o);
    if (record !== null && !out.has(key(record))) out.set(key(record), { namespace: record.namespace, name: record.name, record });
  }
  return [...out.values()].sort((a, b) => (key(a) < key(b) ? -1 : 1));
}

/**
 * listScope lists the Deployments matching `selector` (all when undefined) and the ReplicaSets that
 * carry a migration (MIGRATION_LABEL), in a namespace or in all with null.
 */
export async function listScope(api: MigrationApi, namespace: string | null, selector: string | undefined, signal: AbortSignal): Promise<{ deployments: Unstructured[]; replicaSets: Unstructured[] }> {
  const scope = namespace === null ? '' : `/namespaces/${namespace}`;
  const ns = namespace ?? '';
  const [deployments, replicaSets] = await Promise.all([
    api.list(`/apis/apps/v1${scope}/deployments`, { verb: 'list', resource: 'deployments.apps', namespace: ns }, signal, selector === undefined ? {} : { labelSelector: selector }),
    api.list(`/apis/apps/v1${scope}/replicasets`, { verb: 'list', resource: 'replicasets.apps', namespace: ns }, signal, { labelSelector: MIGRATION_LABEL }),
  ]);
  return { deployments, replicaSets };
}

/**
 * selectedTargets is what `--all` means: the Deployments listed (a temporary copy counts as its
 * original), plus every migration in progress (a rerun after a crash while no Deployment of that
 * name existed), sorted.
 */
export function selectedTargets(deployments: readonly Unstructured[], replicaSets: readonly Unstructured[]): Target[] {
  const out = new Map<string, Target>();
  for (const d of deployments) {
    const ns = stringField(d, 'metadata.namespace');
    const name = labelsOf(d)[COPY_LABEL] ?? recordOf(d)?.name ?? nameOfObj(d);
    out.set(`${ns}/${name}`, { namespace: ns, name });
  }
  for (const p of inProgress([], replicaSets)) out.set(key(p), { namespace: p.namespace, name: p.name });
  return [...out.values()].sort((a, b) => (key(a) < key(b) ? -1 : 1));
}
