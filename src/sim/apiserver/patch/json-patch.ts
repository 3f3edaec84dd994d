import { TrackerError } from '../../../lib/errors.ts';
import { deepEqual, isPlainObject } from '../../core/deep.ts';

/** JsonPatchOp is one RFC 6902 operation. */
export interface JsonPatchOp {
  readonly op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  readonly path: string;
  readonly from?: string;
  readonly value?: unknown;
}

/** JsonPatchError is a patch that cannot be applied (the server answers 422 / 500 with its message). */
function patchError(message: string): TrackerError {
  return new TrackerError('INVALID', message, { hint: 'check the JSON patch paths against the current object' });
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw patchError(`invalid JSON pointer ${JSON.stringify(pointer)}: must start with /`);
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = Record<string, unknown> | unknown[];

function clone<T>(v: T): T {
  return structuredClone(v);
}

function parentOf(doc: unknown, parts: readonly string[], pointer: string): { parent: Container; key: string } {
  let cur: unknown = doc;
  for (const p of parts.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else if (isPlainObject(cur)) cur = cur[p];
    else cur = undefined;
    if (cur === undefined) throw patchError(`doc is missing path: "${pointer}": missing value`);
  }
  if (!Array.isArray(cur) && !isPlainObject(cur)) throw patchError(`doc is missing path: "${pointer}": missing value`);
  return { parent: cur, key: parts[parts.length - 1] ?? '' };
}

function index(arr: unknown[], key: string, forAdd: boolean, pointer: string): number {
  if (forAdd && key === '-') return arr.length;
  const i = Number(key);
  if (!/^\d+$/.test(key) || i > arr.length || (!forAdd && i === arr.length)) throw patchError(`Unable to access invalid index: ${key} in ${pointer}`);
  return i;
}

function get(doc: unknown, pointer: string): unknown {
  const parts = parsePointer(pointer);
  if (parts.length === 0) return doc;
  const { parent, key } = parentOf(doc, parts, pointer);
  const v = Array.isArray(parent) ? parent[index(parent, key, false, pointer)] : parent[key];
  if (v === undefined) throw patchError(`doc is missing path: "${pointer}": missing value`);
  return v;
}

function remove(doc: unknown, pointer: string): unknown {
  const parts = parsePointer(pointer);
  const { parent, key } = parentOf(doc, parts, pointer);
  if (Array.isArray(parent)) return parent.splice(index(parent, key, false, pointer), 1)[0];
  if (!Object.hasOwn(parent, key)) throw patchError(`Unable to remove nonexistent key: ${key}: missing value`);
  const v = parent[key];
  delete parent[key];
  return v;
}

function add(doc: unknown, pointer: string, value: unknown): unknown {
  const parts = parsePointer(pointer);
  if (parts.length === 0) return value;
  const { parent, key } = parentOf(doc, parts, pointer);
  if (Array.isArray(parent)) parent.splice(index(parent, key, true, pointer), 0, value);
  else parent[key] = value;
  return doc;
}

/**
 * applyJsonPatch applies RFC 6902 operations (`application/json-patch+json`) to a copy of `doc`
 * and returns it. Throws TrackerError INVALID naming the failing path (missing path, bad index,
 * failed `test`).
 * Example: [{op:'replace', path:'/spec/replicas', value:3}] sets spec.replicas to 3.
 */
export function applyJsonPatch(doc: unknown, ops: readonly JsonPatchOp[]): unknown {
  let out = clone(doc);
  for (const op of ops) {
    switch (op.op) {
      case 'add':
        out = add(out, op.path, clone(op.value));
        break;
      case 'remove':
        remove(out, op.path);
        break;
      case 'replace':
        if (parsePointer(op.path).length === 0) out = clone(op.value);
        else {
          remove(out, op.path);
          out = add(out, op.path, clone(op.value));
        }
        break;
      case 'move': {
        const v = remove(out, op.from ?? '');
        out = add(out, op.path, v);
        break;
      }
      case 'copy':
        out = add(out, op.path, clone(get(out, op.from ?? '')));
        break;
      case 'test':
        if (!deepEqual(get(out, op.path), op.value)) throw patchError(`testing value ${op.path} failed: test failed`);
        break;
      default:
        throw patchError(`Unexpected kind: ${String((op as { op: unknown }).op)}`);
    }
  }
  return out;
}

/** parseJsonPatch checks that a decoded body is an array of operations. */
export function parseJsonPatch(body: unknown): JsonPatchOp[] {
  if (!Array.isArray(body)) throw patchError('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  return body.map((raw) => {
    if (!isPlainObject(raw) || typeof raw['op'] !== 'string' || typeof raw['path'] !== 'string') throw patchError('invalid JSON patch operation: op and path are required');
    const op = raw['op'];
    if (!['add', 'remove', 'replace', 'move', 'copy', 'test'].includes(op)) throw patchError(`Unexpected kind: ${op}`);
    return {
      op: op as JsonPatchOp['op'],
      path: raw['path'],
      ...(typeof raw['from'] === 'string' ? { from: raw['from'] } : {}),
      ...(Object.hasOwn(raw, 'value') ? { value: raw['value'] } : {}),
    };
  });
}
