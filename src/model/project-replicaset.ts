import { err, ok, type Result } from '../lib/result.ts';
import { all, checkKind, exceedsDepth, MAX_DEPTH, objectSubject, readConditions, readIdentity, readInt, readObject, readStringMap, type JsonObject } from './fields.ts';
import { withoutDropped } from './project-workload.ts';
import type { ReplicaSetRecord } from './records.ts';
import { projectTemplate } from './template.ts';

/** REVISION_ANNOTATION is the Deployment revision a ReplicaSet stands for (deployment controller, util/deployment). */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

/** TEMPLATE_HASH_LABEL is the label the deployment controller adds to a ReplicaSet and its template. */
export const TEMPLATE_HASH_LABEL = 'pod-template-hash';

/**
 * projectReplicaSet projects a ReplicaSet to a ReplicaSetRecord. It never throws; the error names
 * the object and the field, e.g. `ReplicaSet shop/web-5d9c: status.replicas is string, expected integer`.
 * `templateHash` is the `pod-template-hash` label ('' for ReplicaSets not made by a Deployment);
 * `replicas` defaults to 1 as the API server defaults it.
 */
export function projectReplicaSet(obj: unknown): Result<ReplicaSetRecord, string> {
  const r = project(obj);
  return r.ok ? r : err(`${objectSubject('ReplicaSet', obj)}: ${r.error}`);
}

function project(obj: unknown): Result<ReplicaSetRecord, string> {
  const id = readIdentity(obj);
  if (!id.ok) return id;
  if (exceedsDepth(obj)) return err(`nested deeper than ${MAX_DEPTH} levels`);
  const o = obj as JsonObject;
  const kindOk = checkKind(o, 'ReplicaSet');
  if (!kindOk.ok) return kindOk;
  const meta = o.metadata as JsonObject;
  const spec = readObject(o, 'spec', '');
  if (!spec.ok) return spec;
  const st = readObject(o, 'status', '');
  if (!st.ok) return st;
  const annotations = readStringMap(meta, 'annotations', 'metadata');
  if (!annotations.ok) return annotations;
  const f = all({
    replicas: readInt(spec.value, 'replicas', 'spec', 1),
    template: projectTemplate(spec.value.template, 'spec.template'),
    status: readStatus(st.value),
  });
  if (!f.ok) return f;
  return ok(
    Object.freeze({
      ...id.value,
      kind: 'ReplicaSet' as const,
      annotations: withoutDropped(annotations.value),
      revision: annotations.value[REVISION_ANNOTATION] ?? '',
      templateHash: id.value.labels[TEMPLATE_HASH_LABEL] ?? '',
      ...f.value,
    }),
  );
}

function readStatus(st: JsonObject): Result<ReplicaSetRecord['status'], string> {
  const r = all({
    replicas: readInt(st, 'replicas', 'status'),
    readyReplicas: readInt(st, 'readyReplicas', 'status'),
    availableReplicas: readInt(st, 'availableReplicas', 'status'),
    conditions: readConditions(st, 'status'),
  });
  return r.ok ? ok(Object.freeze(r.value)) : r;
}
