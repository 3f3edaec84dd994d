import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { stripDeployment } from '../../migration/manifests.ts';
import { fieldAt, isUnstructured, stringField, type Unstructured } from '../../track/status/fields.ts';

/**
 * Backups of the objects a migration replaces, written before its first change: one YAML file per
 * object, re-appliable with `kubectl apply -f` (status, UID, resourceVersion and managedFields
 * dropped; the original UID is kept in a comment for the audit trail).
 */

/** defaultBackupDir is `.rollscope/backups/<UTC time>` under the working directory, e.g. `.rollscope/backups/20261205T114512Z`. */
export function defaultBackupDir(cwd: string, at: Date): string {
  return join(cwd, '.rollscope', 'backups', at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z'));
}

function stripGeneric(o: Unstructured): Unstructured {
  const meta = isUnstructured(o.metadata) ? o.metadata : {};
  const keep = Object.fromEntries(Object.entries(meta).filter(([k]) => ['name', 'namespace', 'labels', 'annotations'].includes(k)));
  return { apiVersion: o.apiVersion, kind: o.kind, metadata: keep, ...(o.spec === undefined ? {} : { spec: o.spec }) };
}

/** writeBackups writes each object to `dir/<namespace>.<kind>.<name>.yaml` and returns the paths. */
export function writeBackups(dir: string, objects: readonly Unstructured[]): string[] {
  mkdirSync(dir, { recursive: true });
  return objects.map((o) => {
    const kind = stringField(o, 'kind');
    const ns = stringField(o, 'metadata.namespace');
    const name = stringField(o, 'metadata.name');
    const body = kind === 'Deployment' ? stripDeployment(o) : stripGeneric(o);
    const uid = fieldAt(o, 'metadata.uid');
    const path = join(dir, `${ns}.${kind.toLowerCase()}.${name}.yaml`);
    writeFileSync(path, `# backup of ${kind.toLowerCase()}/${name} in ${ns} (uid ${typeof uid === 'string' ? uid : 'unknown'}) before rollscope migrate-selector\n${stringify(body)}`, { mode: 0o600 });
    return path;
  });
}
