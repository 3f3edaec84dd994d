import { isPlainObject } from '../../core/deep.ts';

/**
 * applyMergePatch applies an RFC 7386 JSON merge patch (`application/merge-patch+json`): objects
 * merge recursively, `null` deletes a member, anything else (arrays included) replaces. Pure:
 * returns a new value, never mutates its inputs.
 * Example: {a:{b:1,c:2}} + {a:{c:null,d:3}} → {a:{b:1,d:3}}.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}
