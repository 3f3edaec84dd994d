import { TrackerError } from '../lib/errors.ts';

/** ObjectKey identifies an object within one resource type: `namespace/name`, or `name` when cluster-scoped. */
export type ObjectKey = string & { readonly __brand: 'ObjectKey' };

/** keyOf builds the key for a namespace (possibly '') and a name. */
export function keyOf(namespace: string, name: string): ObjectKey {
  return (namespace === '' ? name : `${namespace}/${name}`) as ObjectKey;
}

/**
 * objectKey returns the key of a wire object (or a record with namespace/name fields). If the
 * object cannot be keyed (no name), it throws a TrackerError carrying the object as its cause,
 * as client-go's KeyError{Obj, Err} does.
 */
export function objectKey(obj: unknown): ObjectKey {
  const meta = metaOf(obj);
  const name = meta?.name;
  if (typeof name !== 'string' || name === '')
    throw new TrackerError('MALFORMED_OBJECT', 'cannot key an object without metadata.name', {
      hint: 'the API server sent an object without a name; report it with the raw watch event',
      cause: obj,
    });
  const ns = meta?.namespace;
  return keyOf(typeof ns === 'string' ? ns : '', name);
}

/** tryObjectKey is objectKey that answers undefined instead of throwing. */
export function tryObjectKey(obj: unknown): ObjectKey | undefined {
  const meta = metaOf(obj);
  if (typeof meta?.name !== 'string' || meta.name === '') return undefined;
  return keyOf(typeof meta.namespace === 'string' ? meta.namespace : '', meta.name);
}

function metaOf(obj: unknown): { readonly name?: unknown; readonly namespace?: unknown } | undefined {
  if (typeof obj !== 'object' || obj === null) return undefined;
  const o = obj as { readonly metadata?: unknown; readonly name?: unknown; readonly namespace?: unknown };
  if (typeof o.metadata === 'object' && o.metadata !== null) return o.metadata;
  return o;
}

/** splitKey splits a key into namespace ('' when cluster-scoped) and name. */
export function splitKey(key: ObjectKey): { readonly namespace: string; readonly name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
