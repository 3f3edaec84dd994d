#!/usr/bin/env node
// Entry point of the `rollscope` and `kubectl-rollscope` binaries.
// An installed package runs the compiled JavaScript in dist/ (Node 22 or newer). A clone that has not run
// `npm run build` runs the TypeScript sources directly, which needs Node 24 (type stripping).
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/main.js', import.meta.url);
await import(existsSync(compiled) ? compiled.href : new URL('../src/cli/main.ts', import.meta.url).href);
