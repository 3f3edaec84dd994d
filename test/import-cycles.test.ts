// The import graph of src/ has no cycle: every folder can be read bottom-up (docs/architecture.md).
// KNOWN_CYCLES lists cycles being removed by their owners; a cycle not listed fails, and a listed
// one that no longer exists fails too (so the list only shrinks).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const root = resolve(import.meta.dirname, '..', 'src');

/** KNOWN_CYCLES: folders with a cycle that their owner is removing (none today: keep it that way). */
const KNOWN_CYCLES: readonly string[] = [];

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' || name === 'dist' ? [] : walk(p);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [p] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
const rel = (f: string): string => relative(root, f).split('\\').join('/');

/** graph maps each production file to the files it imports (type-only imports included: a cycle of types is a cycle of concepts too). */
function graph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const abs of walk(root)) {
    const out: string[] = [];
    for (const m of readFileSync(abs, 'utf8').matchAll(IMPORT)) out.push(rel(resolve(dirname(abs), (m[1] ?? m[2])!)));
    g.set(rel(abs), out.filter((t) => !t.startsWith('..')));
  }
  return g;
}

/** cycles returns one representative path per strongly connected component of more than one file (Tarjan). */
export function cycles(g: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of [...g.keys()].sort()) if (!idx.has(v)) visit(v);
  return out;
}

test('the cycle finder finds a cycle and accepts a chain', () => {
  assert.deepEqual(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]])), [['a', 'b', 'c']]);
  assert.deepEqual(cycles(new Map([['a', ['b']], ['b', []]])), []);
});

test('the import graph of src/ has no cycle (except the listed ones being removed)', () => {
  const found = cycles(graph());
  const unexpected = found.filter((c) => !KNOWN_CYCLES.some((k) => c.every((f) => f.startsWith(k))));
  assert.deepEqual(unexpected, [], 'import cycles');
  for (const k of KNOWN_CYCLES) assert.ok(found.some((c) => c.every((f) => f.startsWith(k))), `the known cycle in ${k} is gone: remove it from KNOWN_CYCLES`);
});
