#!/usr/bin/env node
// Entry point of the `rollscope` and `kubectl-rollscope` binaries.
// An installed package runs the bundled JavaScript in dist/ (Node 22 or newer), with Node's on-disk
// compile cache (V8 code for the bundle is reused across runs: a CLI called in every pipeline step
// should not recompile itself each time). A clone that has not run `npm run build` runs the
// TypeScript sources directly, which needs Node 24 (type stripping).
import { existsSync } from 'node:fs';
import module from 'node:module';

const compiled = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(compiled)) {
  module.enableCompileCache?.();
  await import(compiled.href);
} else {
  await import(new URL('../src/cli/main.ts', import.meta.url).href);
}
