import { err, ok, type Result } from '../lib/result.ts';
import { all, describeType, frozenList, isJsonObject, readArray, readString, readTime, type JsonObject } from './fields.ts';
import { internString } from './intern.ts';
import type { ManagerRecord } from './records.ts';

/**
 * projectManagers reduces `metadata.managedFields` to who wrote what: one ManagerRecord per entry,
 * in wire order. `touchesTemplate` / `touchesReplicas` walk the entry's fieldsV1 set
 * (`{"f:spec": {"f:template": {…}, "f:replicas": {}}}`); the tracker uses them to name the actor
 * of a template change and to tell scaling from releases. Unknown fieldsTypes or a missing
 * fieldsV1 touch nothing.
 */
export function projectManagers(meta: JsonObject): Result<readonly ManagerRecord[], string> {
  const entries = readArray(meta, 'managedFields', 'metadata');
  if (!entries.ok) return entries;
  const out: ManagerRecord[] = [];
  for (const [i, e] of entries.value.entries()) {
    const p = `metadata.managedFields[${i}]`;
    if (!isJsonObject(e)) return err(`${p} is ${describeType(e)}, expected object`);
    const r = all({
      manager: readString(e, 'manager', p),
      operation: readString(e, 'operation', p),
      time: readTime(e, 'time', p),
      subresource: readString(e, 'subresource', p),
    });
    if (!r.ok) return r;
    const spec = isJsonObject(e.fieldsV1) ? e.fieldsV1['f:spec'] : undefined;
    out.push(
      Object.freeze({
        manager: internString(r.value.manager),
        operation: internString(r.value.operation),
        time: r.value.time,
        subresource: internString(r.value.subresource),
        touchesTemplate: isJsonObject(spec) && spec['f:template'] !== undefined,
        touchesReplicas: isJsonObject(spec) && spec['f:replicas'] !== undefined,
      }),
    );
  }
  return ok(frozenList(out));
}
