// The generic protobuf path a direct projection (model/project-*-protobuf.ts) stands in for, shared
// by the tests that hold the two equal.
import { RESOURCES, type RecordByKind, type TrackedKind } from '../../src/kube/resources.ts';
import { compileMask, decodeMasked, type Compiled } from '../../src/lib/kube-protobuf/decode.ts';
import type { Result } from '../../src/lib/result.ts';

const compiled = new Map<TrackedKind, Compiled>();

/**
 * genericRecord is what the reflector makes of one object's protobuf bytes without a direct
 * projection: the masked decode of RESOURCES[kind], typeMeta from the envelope, then the kind's
 * projection. 'malformed' when the bytes do not decode (the reflector skips the object with a warning).
 */
export function genericRecord<K extends TrackedKind>(kind: K, buf: Uint8Array): Result<RecordByKind[K], string> | 'malformed' {
  const spec = RESOURCES[kind];
  let mask = compiled.get(kind);
  if (mask === undefined) compiled.set(kind, (mask = compileMask(spec.protobuf.message, spec.protobuf.mask)));
  let obj: Record<string, unknown>;
  try {
    obj = decodeMasked(buf, 0, buf.length, mask);
  } catch {
    return 'malformed';
  }
  obj['apiVersion'] = spec.group === '' ? spec.version : `${spec.group}/${spec.version}`;
  obj['kind'] = kind;
  return spec.project(obj);
}
