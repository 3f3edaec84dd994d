import { deepEqual, isPlainObject } from '../../core/deep.ts';

/** ListStrategy is how a strategic merge patch treats one list field. */
export type ListStrategy = { readonly kind: 'merge'; readonly key: string } | { readonly kind: 'set' } | { readonly kind: 'replace' };

const POD_CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/**
 * listStrategy returns the patch strategy of a list field as the Kubernetes Go types declare it
 * (`patchStrategy:"merge" patchMergeKey:"…"`). `parent` is the name of the field holding the list's
 * parent object (to tell container ports, keyed by containerPort, from Service ports, keyed by port).
 * Lists not named here (args, command, tolerations, envFrom…) are replaced whole.
 */
export function listStrategy(field: string, parent: string | undefined): ListStrategy {
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
    case 'resourceClaims':
      return { kind: 'merge', key: 'name' };
    case 'volumeMounts':
      return { kind: 'merge', key: 'mountPath' };
    case 'volumeDevices':
      return { kind: 'merge', key: 'devicePath' };
    case 'ports':
      return { kind: 'merge', key: parent !== undefined && POD_CONTAINER_LISTS.has(parent) ? 'containerPort' : 'port' };
    case 'conditions':
      return { kind: 'merge', key: 'type' };
    case 'ownerReferences':
      return { kind: 'merge', key: 'uid' };
    case 'topologySpreadConstraints':
      return { kind: 'merge', key: 'topologyKey' };
    case 'hostAliases':
      return { kind: 'merge', key: 'ip' };
    case 'finalizers':
      return { kind: 'set' };
    default:
      return { kind: 'replace' };
  }
}

const SET_ORDER = '$setElementOrder/';
const DELETE_FROM = '$deleteFromPrimitiveList/';

/** stripDirectives removes `$patch`/`$retainKeys`/`$setElementOrder`/`$deleteFromPrimitiveList` keys from a new value. */
function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => !(isPlainObject(x) && x['$patch'] !== undefined && Object.keys(x).length === 1)).map(stripDirectives);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$') && x !== null) out[k] = stripDirectives(x);
  return out;
}

function mergeList(orig: unknown, patch: readonly unknown[], key: string, field: string): unknown[] {
  const replace = patch.some((p) => isPlainObject(p) && p['$patch'] === 'replace');
  const result: unknown[] = replace ? [] : Array.isArray(orig) ? [...(orig as unknown[])] : [];
  for (const item of patch) {
    if (!isPlainObject(item)) {
      result.push(item);
      continue;
    }
    if (item['$patch'] === 'replace' && Object.keys(item).length === 1) continue;
    const at = result.findIndex((r) => isPlainObject(r) && item[key] !== undefined && deepEqual(r[key], item[key]));
    if (item['$patch'] === 'delete') {
      if (at >= 0) result.splice(at, 1);
      continue;
    }
    if (at >= 0) result[at] = applyStrategicPatch(result[at], item, field);
    else result.push(stripDirectives(item));
  }
  return result;
}

function reorder(list: unknown[], order: readonly unknown[], key: string | undefined): unknown[] {
  const pos = (x: unknown): number =>
    order.findIndex((o) => (key === undefined ? deepEqual(o, x) : isPlainObject(o) && isPlainObject(x) && deepEqual(o[key], x[key])));
  const listed = list.filter((x) => pos(x) >= 0).sort((a, b) => pos(a) - pos(b));
  return [...listed, ...list.filter((x) => pos(x) < 0)];
}

function mergeField(original: unknown, value: unknown, field: string, parent: string | undefined): unknown {
  if (Array.isArray(value)) {
    const strategy = listStrategy(field, parent);
    if (strategy.kind === 'merge') return mergeList(original, value, strategy.key, field);
    if (strategy.kind === 'set') {
      const base: unknown[] = Array.isArray(original) ? (original as unknown[]) : [];
      const added: unknown[] = (value as unknown[]).filter((v) => !base.some((b) => deepEqual(b, v)));
      return [...base, ...added];
    }
    return stripDirectives(value);
  }
  if (isPlainObject(value)) return applyStrategicPatch(original, value, field);
  return value;
}

/**
 * applyStrategicPatch applies a Kubernetes strategic merge patch
 * (`application/strategic-merge-patch+json`) to `original` and returns the result (pure; undefined
 * means "delete this map"). Maps merge, `null` deletes; lists merge by key per listStrategy (an
 * item `{"$patch":"delete", name}` deletes by key; `{"$patch":"replace"}` replaces the list);
 * `$patch: replace|delete` on a map; `$retainKeys`; `$setElementOrder/<list>`;
 * `$deleteFromPrimitiveList/<list>`. `field` is the name of the field being patched, if any.
 * Example (what `kubectl set image deploy/web app=web:2` sends):
 * {spec:{template:{spec:{containers:[{name:'app',image:'web:2'}]}}}} changes only that container's image.
 */
export function applyStrategicPatch(original: unknown, patch: unknown, field?: string): unknown {
  if (!isPlainObject(patch)) return patch;
  if (patch['$patch'] === 'delete') return undefined;
  if (patch['$patch'] === 'replace') return stripDirectives(patch);
  const out: Record<string, unknown> = isPlainObject(original) ? { ...original } : {};
  const orders: [string, unknown[]][] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys') continue;
    if (k.startsWith(SET_ORDER)) {
      if (Array.isArray(v)) orders.push([k.slice(SET_ORDER.length), v]);
      continue;
    }
    if (k.startsWith(DELETE_FROM)) {
      const target = k.slice(DELETE_FROM.length);
      const cur = out[target];
      if (Array.isArray(cur) && Array.isArray(v)) out[target] = cur.filter((x) => !v.some((d) => deepEqual(d, x)));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const merged = mergeField(out[k], v, k, field);
    if (merged === undefined) delete out[k];
    else out[k] = merged;
  }
  for (const [list, order] of orders) {
    const cur = out[list];
    if (!Array.isArray(cur)) continue;
    const strategy = listStrategy(list, field);
    out[list] = reorder(cur, order, strategy.kind === 'merge' ? strategy.key : undefined);
  }
  const retain = patch['$retainKeys'];
  if (Array.isArray(retain)) for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  return out;
}
