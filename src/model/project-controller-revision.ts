import { err, ok, type Result } from '../lib/result.ts';
import { checkKind, clip, describeType, exceedsDepth, MAX_DEPTH, isJsonObject, objectSubject, readIdentity, type JsonObject } from './fields.ts';
import type { ControllerRevisionRecord } from './records.ts';
import { projectTemplate } from './template.ts';

/**
 * projectControllerRevision projects a ControllerRevision (one revision of a StatefulSet or
 * DaemonSet) to a ControllerRevisionRecord. `revision` is required (a positive integer). The
 * template is read from `data.spec.template`, where both controllers store it as a strategic-merge
 * patch (`"$patch": "replace"`, dropped by projectTemplate); a revision whose data holds no
 * template gets `template: null`. Never throws; errors name the object and the field.
 */
export function projectControllerRevision(obj: unknown): Result<ControllerRevisionRecord, string> {
  const r = project(obj);
  return r.ok ? r : err(`${objectSubject('ControllerRevision', obj)}: ${r.error}`);
}

function project(obj: unknown): Result<ControllerRevisionRecord, string> {
  const id = readIdentity(obj);
  if (!id.ok) return id;
  if (exceedsDepth(obj)) return err(`nested deeper than ${MAX_DEPTH} levels`);
  const o = obj as JsonObject;
  const kindOk = checkKind(o, 'ControllerRevision');
  if (!kindOk.ok) return kindOk;
  const revision = o.revision;
  if (typeof revision !== 'number' || !Number.isSafeInteger(revision) || revision < 0)
    return err(`revision is ${typeof revision === 'number' || typeof revision === 'string' ? `${describeType(revision)} ${clip(JSON.stringify(revision))}` : describeType(revision)}, expected a non-negative integer`);
  const data = o.data;
  if (data !== undefined && data !== null && !isJsonObject(data)) return err(`data is ${describeType(data)}, expected object`);
  const template = isJsonObject(data) && isJsonObject(data.spec) && data.spec.template !== undefined ? projectTemplate(data.spec.template, 'data.spec.template') : ok(null);
  if (!template.ok) return template;
  return ok(Object.freeze({ ...id.value, kind: 'ControllerRevision' as const, revision, template: template.value }));
}
