#!/usr/bin/env node
// Entry point for the `rollscope` and `kubectl-rollscope` binaries. Needs Node 24 (type stripping).
await import('../src/cli/main.ts');
