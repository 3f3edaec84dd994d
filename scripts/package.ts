// `npm run package`: build, `npm pack` into pkg/, and write pkg/rollscope.krew.yaml pinned to that tarball's SHA-256.
// Prints the tarball's path (the only stdout line), so scripts and tests can install exactly what was packed.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { krewManifest, npmTarballUri } from './krew-manifest.ts';

const root = join(import.meta.dirname, '..');
const out = join(root, 'pkg');
if (process.argv.includes('--skip-build')) process.stderr.write('package: using the existing dist/\n');
else execFileSync(process.execPath, [join(root, 'scripts', 'build.ts')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
mkdirSync(out, { recursive: true });
const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })) as { filename: string; version: string }[];
const entry = packed[0];
if (entry === undefined) throw new Error('npm pack wrote nothing');
const tarball = join(out, entry.filename);
const sha256 = createHash('sha256').update(readFileSync(tarball)).digest('hex');
writeFileSync(join(out, 'rollscope.krew.yaml'), krewManifest({ version: entry.version, uri: npmTarballUri(entry.version), sha256 }));
process.stdout.write(`${tarball}\n`);
