// Loads real-shaped API objects from test/fixtures/objects/ (YAML) for table tests of the projections.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..', 'fixtures', 'objects');

/** loadObject parses one fixture file, e.g. loadObject('deployment/web.yaml'); the result is a fresh object each call. */
export function loadObject(path: string): Record<string, unknown> {
  return parse(readFileSync(join(root, path), 'utf8')) as Record<string, unknown>;
}

/** withPath returns a deep copy of `obj` with the field at dotted `path` set to `value` (undefined deletes it). */
export function withPath(obj: unknown, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(obj) as Record<string, unknown>;
  const parts = path.split('.');
  let at: Record<string, unknown> = copy;
  for (const p of parts.slice(0, -1)) {
    if (typeof at[p] !== 'object' || at[p] === null) at[p] = {};
    at = at[p] as Record<string, unknown>;
  }
  const last = parts[parts.length - 1]!;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}
