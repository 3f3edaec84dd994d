import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { TrackerError } from '../lib/errors.ts';
import { rfc3339 } from '../lib/timestamps.ts';
import { isUnstructured, type Unstructured } from '../track/status/fields.ts';

/**
 * NOW_PLACEHOLDER is replaced by the current time (RFC 3339, seconds) when a file is read: the
 * peer conformance data (../shared/peerdata) writes time-dependent objects with it.
 */
export const NOW_PLACEHOLDER = '__NOW_RFC3339__';

/**
 * loadObjectsFromFile reads every Kubernetes object in a YAML or JSON file (multi-document YAML
 * and `kind: List` are flattened). Duplicate keys are accepted, the last one winning, as Go's YAML
 * parser does. Throws a USAGE TrackerError naming the file when it cannot be read or parsed, or
 * holds no object.
 */
export function loadObjectsFromFile(path: string, now: number): readonly Unstructured[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new TrackerError('USAGE', `cannot read file ${path}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      subject: path,
      hint: 'pass --file with the path of a YAML or JSON manifest',
      cause,
    });
  }
  const objects = parseObjects(text.replaceAll(NOW_PLACEHOLDER, rfc3339(now)), path);
  if (objects.length === 0)
    throw new TrackerError('USAGE', `file ${path} holds no Kubernetes object`, { subject: path, hint: 'the file needs at least one document with apiVersion, kind and metadata' });
  return objects;
}

/** parseObjects parses YAML/JSON text into objects; exported for tests. */
export function parseObjects(text: string, path: string): Unstructured[] {
  const docs = parseAllDocuments(text, { uniqueKeys: false });
  const out: Unstructured[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    const first = doc.errors[0];
    if (first)
      throw new TrackerError('USAGE', `file ${path} is not valid YAML or JSON: ${first.message.split('\n')[0] ?? ''}`, {
        subject: path,
        hint: 'fix the syntax error at the position shown',
      });
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    if (!isUnstructured(value))
      throw new TrackerError('USAGE', `file ${path} holds a ${Array.isArray(value) ? 'list' : typeof value}, not a Kubernetes object`, {
        subject: path,
        hint: 'each document must be a mapping with apiVersion, kind and metadata',
      });
    if (value.kind === 'List' && Array.isArray(value.items)) out.push(...value.items.filter(isUnstructured));
    else out.push(value);
  }
  return out;
}
