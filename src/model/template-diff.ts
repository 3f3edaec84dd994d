/** TemplateChange is one difference between two templates, at a JSON path like `spec.containers[web].image`. */
export interface TemplateChange {
  readonly path: string;
  readonly op: 'added' | 'removed' | 'changed';
  readonly before?: unknown;
  readonly after?: unknown;
}

type Json = unknown;

const isObject = (v: Json): v is Readonly<Record<string, Json>> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** keyOf names an array element by its `name` (containers, env, volumes) when it has one, else by index. */
function keyOf(item: Json, index: number): string {
  return isObject(item) && typeof item.name === 'string' ? item.name : String(index);
}

function walk(path: string, a: Json, b: Json, out: TemplateChange[]): void {
  if (Object.is(a, b)) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    const left = new Map(a.map((x, i) => [keyOf(x, i), x] as const));
    const right = new Map(b.map((x, i) => [keyOf(x, i), x] as const));
    for (const [k, v] of left) walk(`${path}[${k}]`, v, right.has(k) ? right.get(k) : undefined, out);
    for (const [k, v] of right) if (!left.has(k)) out.push({ path: `${path}[${k}]`, op: 'added', after: v });
    return;
  }
  if (isObject(a) && isObject(b)) {
    for (const k of Object.keys(a).sort()) walk(path ? `${path}.${k}` : k, a[k], b[k], out);
    for (const k of Object.keys(b).sort()) if (!(k in a)) out.push({ path: path ? `${path}.${k}` : k, op: 'added', after: b[k] });
    return;
  }
  if (a === undefined) out.push({ path, op: 'added', after: b });
  else if (b === undefined) out.push({ path, op: 'removed', before: a });
  else out.push({ path, op: 'changed', before: a, after: b });
}

/**
 * diffTemplates lists what changed from `before` to `after` (two redacted pod templates). Arrays
 * of named items (containers, env, volumes) are matched by name, so reordering is not a change.
 * Pure. Example: image web:1 → web:2 gives
 * [{path: 'spec.containers[web].image', op: 'changed', before: 'web:1', after: 'web:2'}].
 */
export function diffTemplates(before: Json, after: Json): TemplateChange[] {
  const out: TemplateChange[] = [];
  walk('', before, after, out);
  return out;
}
