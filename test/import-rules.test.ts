// Enforces the dependency rules of STYLE.md over every source file under src/:
// 1. lib/ imports nothing else from src/.
// 2. The pure core (model/, track/, migration/, canary/) imports only the pure core and
//    lib/ (not lib/log.ts), no node: modules, and calls no clock, randomness, environment, console or fetch.
// 3. Shell folders may import the core, never the reverse (covered by 2).
// 4. sim/ never imports our list-watch client (kube/reflector, kube/informer, kube/http-list-watch…).
// 5. Nothing imports daemon/ (except cli/, which starts it).
// 6. The dashboard (web/) imports from the rest of src/ only types (erased at build time) and model/ modules
//    (pure, no node: import — Vite bundles them), so a rule such as how a trigger reads is written once.
// 7. controllers/runtime/ is generic: it imports only lib/, kube/ and itself (it knows no controller, ledger or API).
// 8. Inside sim/, parts depend downwards only: core/ ← apiserver/ ← node/ ← controllers/ ← scenarios/ (a part never
//    imports one to its right; network/ sits beside node/).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const root = resolve(import.meta.dirname, '..', 'src');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' || name === 'dist' ? [] : walk(p);
    return /\.(ts|tsx)$/.test(name) ? [p] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(IMPORT)) out.push((m[1] ?? m[2])!);
  return out;
}

const rel = (file: string): string => relative(root, file).split('\\').join('/');
const isTest = (f: string): boolean => /\.test\.tsx?$/.test(f) || f.includes('/testing/') || f.endsWith('.contract.ts');
const isPure = (f: string): boolean =>
  f.startsWith('model/') || f.startsWith('track/') || f.startsWith('migration/') || f.startsWith('canary/');

// sim/ parts in dependency order: each may import only itself and the parts before it.
const SIM_PARTS = ['core', 'apiserver', 'node', 'network', 'controllers', 'scenarios'];

const files = walk(root).map((abs) => ({ abs, path: rel(abs), source: readFileSync(abs, 'utf8') }));

test('source tree is not empty (the rules below check something)', () => {
  assert.ok(files.length > 5, `expected source files under ${root}`);
});

const violations: string[] = [];
for (const f of files) {
  if (isTest(f.path)) continue;
  for (const spec of importsOf(f.source)) {
    const target = spec.startsWith('.') ? rel(resolve(dirname(f.abs), spec)) : spec;
    if (f.path.startsWith('lib/') && spec.startsWith('.') && !target.startsWith('lib/'))
      violations.push(`${f.path}: lib/ must not import ${target}`);
    if (isPure(f.path)) {
      if (spec.startsWith('node:')) violations.push(`${f.path}: pure core must not import ${spec}`);
      if (spec.startsWith('.') && !(isPure(target) || (target.startsWith('lib/') && target !== 'lib/log.ts')))
        violations.push(`${f.path}: pure core must not import shell module ${target}`);
    }
    if (f.path.startsWith('sim/') && /^kube\/(reflector|informer|http-list-watch|list-watch|delta|store)\.ts$/.test(target))
      violations.push(`${f.path}: sim/ must not import our list-watch client (${target})`);
    const simPart = (p: string): number => SIM_PARTS.indexOf(p.split('/')[1] ?? '');
    if (f.path.startsWith('sim/') && target.startsWith('sim/') && simPart(f.path) >= 0 && simPart(target) > simPart(f.path))
      violations.push(`${f.path}: sim/${f.path.split('/')[1]}/ must not import ${target} (sim parts depend downwards only)`);
    if (f.path.startsWith('controllers/runtime/') && spec.startsWith('.') && !/^(lib|kube|controllers\/runtime)\//.test(target))
      violations.push(`${f.path}: controllers/runtime/ imports only lib/, kube/ and itself (${target})`);
    const typeOnly = new RegExp(`(?:^|\\n)\\s*(?:import|export)\\s+type\\s[^'"]*?from\\s*['"]${spec.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"]`).test(f.source);
    if (f.path.startsWith('web/') && spec.startsWith('.') && !target.startsWith('web/') && !typeOnly && !target.startsWith('model/'))
      violations.push(`${f.path}: web/ imports only types, or model/ modules, from the rest of src/ (${target})`);
    if (target.startsWith('daemon/') && !f.path.startsWith('daemon/') && !f.path.startsWith('cli/'))
      violations.push(`${f.path}: nothing but cli/ imports daemon/ (${target})`);
  }
  if (isPure(f.path)) {
    const code = f.source.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
    for (const banned of ['Date.now', 'new Date()', 'Math.random', 'process.', 'console.', 'fetch(', 'setTimeout', 'setInterval'])
      if (code.includes(banned)) violations.push(`${f.path}: pure core must not use ${banned}`);
  }
}

test('every source file follows the import rules of STYLE.md', () => {
  assert.deepEqual(violations, []);
});

test('the checker itself detects a violation', () => {
  const sample = "import { x } from '../kube/reflector.ts';\nimport y from 'node:fs';";
  assert.deepEqual(importsOf(sample), ['../kube/reflector.ts', 'node:fs']);
  assert.ok(isPure('track/status/compute.ts') && !isPure('kube/reflector.ts'));
});
