// End to end: write releases into a temp SQLite ledger, then run the real CLI (`node src/cli/main.ts
// history …`) as a child process and check its output and exit codes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { Command } from 'commander';
import { isTrackerError } from '../../lib/errors.ts';
import type { ReleaseId } from '../../model/release.ts';
import { makeRelease, workloadRef } from '../../store/ledger-fixtures.ts';
import { openSqliteLedger } from '../../store/sqlite/store.ts';
import { fetchNewest, parseHistoryRequest, registerHistoryFlags, type HistoryFlags, type HistoryRequest } from './history.ts';

const MAIN = resolve(import.meta.dirname, '..', 'main.ts');
const dir = mkdtempSync(join(tmpdir(), 'rollscope-history-'));
const db = `sqlite:${join(dir, 'ledger.db')}`;
const NOW = Date.now();
const H = 3600_000;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function rollscope(...args: string[]): Promise<Run> {
  return new Promise((done) => {
    // HOME and KUBECONFIG point at the temp dir, so the user's own ledger and kubeconfig never leak in.
    const env = { ...process.env, HOME: dir, KUBECONFIG: join(dir, 'no-kubeconfig'), ROLLSCOPE_DB: '' };
    execFile(process.execPath, [MAIN, ...args], { env, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      done({ code, stdout, stderr });
    });
  });
}

interface Item {
  id: string;
  releaseNumber: number;
  namespace: string;
  name: string;
  kind: string;
  startedAt: string;
  finishedAt: string | null;
  outcome: string;
  failure: { code: string; reason: string; message: string } | null;
  [k: string]: unknown;
}
/** flagsOf turns flag arguments (in the order the table above writes them) into HistoryFlags. */
function flagsOf(args: readonly string[]): Partial<HistoryFlags> {
  const names: Readonly<Record<string, keyof HistoryFlags>> = { '--since': 'since', '--until': 'until', '--outcome': 'outcome', '-o': 'output', '--limit': 'limit' };
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const key = names[args[i] ?? ''];
    if (key !== undefined) out[key] = args[++i] ?? '';
  }
  return out;
}

const ids = (rs: readonly { id: string }[]): string[] => rs.map((r) => r.id);
const items = (r: Run): Item[] => (JSON.parse(r.stdout) as { items: Item[] }).items;
const idsOf = (r: Run): string[] => items(r).map((i) => i.id);

before(async () => {
  const store = openSqliteLedger({ path: join(dir, 'ledger.db') });
  const web = workloadRef('shop', 'web');
  const at = (hoursAgo: number) => NOW - hoursAgo * H;
  await store.upsertRelease(makeRelease(web, 1, { startedAt: at(50), finishedAt: at(50) + 92_000, outcome: 'succeeded', changeCause: 'first deploy' }));
  await store.upsertRelease(
    makeRelease(web, 2, {
      startedAt: at(5),
      finishedAt: at(4.9),
      outcome: 'failed',
      actor: { manager: 'kubectl-set', user: 'alice' },
      failure: { code: 'ImagePullFailed', reason: 'ImagePullBackOff', message: 'Back-off pulling image "registry.example/web:v2"', object: 'Pod shop/web-2-abc' },
    }),
  );
  await store.upsertRelease(makeRelease(web, 3, { startedAt: at(1), trigger: 'rollback', images: [{ container: 'app', image: 'registry.example/web:v1' }] }));
  await store.upsertRelease(makeRelease(workloadRef('batch', 'db', { kind: 'StatefulSet' }), 1, { startedAt: at(3), finishedAt: at(2.5), outcome: 'succeeded', id: 'r-db-1' as ReleaseId }));
  await store.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('rollscope history (end to end)', () => {
  it('prints one workload as JSON, newest first, with RFC 3339 times and the failure', async () => {
    const r = await rollscope('history', 'deployment/web', '-n', 'shop', '-o', 'json', '--db', db);
    assert.equal(r.code, 0, r.stderr);
    const got = items(r);
    assert.deepEqual(got.map((i) => i.releaseNumber), [3, 2, 1]);
    const failed = got[1]!;
    for (const key of ['id', 'releaseNumber', 'cluster', 'namespace', 'kind', 'name', 'revision', 'trigger', 'images', 'actor', 'changeCause', 'startedAt', 'finishedAt', 'outcome', 'failure'])
      assert.ok(key in failed, `item has ${key}`);
    assert.equal(failed.startedAt, new Date(NOW - 5 * H).toISOString());
    assert.match(failed.startedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    assert.deepEqual({ code: failed.failure?.code, reason: failed.failure?.reason }, { code: 'ImagePullFailed', reason: 'ImagePullBackOff' });
    assert.equal(got[0]?.finishedAt, null);
    assert.equal(got[0]?.failure, null);
  });

  it('maps every filter flag onto the ledger query', async () => {
    const rows = [
      { args: ['-A'], want: ['r-shop-web-003', 'r-db-1', 'r-shop-web-002', 'r-shop-web-001'] },
      { args: ['-n', 'batch'], want: ['r-db-1'] },
      { args: ['-A', '--image', 'web:v1'], want: ['r-shop-web-003', 'r-shop-web-001'] },
      { args: ['-A', '--outcome', 'failed,succeeded'], want: ['r-db-1', 'r-shop-web-002', 'r-shop-web-001'] },
      { args: ['-A', '--since', '6h'], want: ['r-shop-web-003', 'r-db-1', 'r-shop-web-002'] },
      { args: ['-A', '--since', '6h', '--until', '2h'], want: ['r-db-1', 'r-shop-web-002'] },
      { args: ['-A', '--until', new Date(NOW - 10 * H).toISOString()], want: ['r-shop-web-001'] },
      { args: ['-A', '--limit', '2'], want: ['r-shop-web-003', 'r-db-1'] },
      { args: ['sts/db', '-A'], want: ['r-db-1'] },
      { args: ['-A', '--cluster', 'elsewhere'], want: [] },
    ];
    const ledger = openSqliteLedger({ path: join(dir, 'ledger.db'), mustExist: true });
    try {
      for (const row of rows) {
        const program = new Command().exitOverride();
        let request: HistoryRequest | undefined;
        registerHistoryFlags(program.command('history')).action(async (args: string[], flags: HistoryFlags) => {
          request = await parseHistoryRequest(args, flags, NOW, async () => 'default');
        });
        await program.parseAsync(['history', ...row.args, '--db', db], { from: 'user' });
        assert.ok(request, row.args.join(' '));
        assert.deepEqual(ids(await fetchNewest(ledger, request.filter, request.limit)), row.want, row.args.join(' '));
      }
    } finally {
      await ledger.close();
    }
    const r = await rollscope('history', '-A', '--image', 'web', '--outcome', 'failed,succeeded', '--since', '72h', '-o', 'json', '--db', db);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(idsOf(r), ['r-shop-web-002', 'r-shop-web-001'], 'the flags reach the query through the real CLI too');
  });

  it('says when more exist and how to page: --limit, --continue with nextCursor, --all', async () => {
    // Four releases in all (-A): the newest 2, then the rest from the cursor, then everything.
    const first = await rollscope('history', '-A', '--limit', '2', '-o', 'json', '--db', db);
    assert.equal(first.code, 0, first.stderr);
    const page1 = JSON.parse(first.stdout) as { items: { id: string }[]; nextCursor: string | null };
    assert.deepEqual(page1.items.map((i) => i.id), ['r-shop-web-003', 'r-db-1']);
    assert.equal(typeof page1.nextCursor, 'string', 'more exist: a cursor');
    const second = await rollscope('history', '-A', '--limit', '2', '--continue', page1.nextCursor!, '-o', 'json', '--db', db);
    const page2 = JSON.parse(second.stdout) as { items: { id: string }[]; nextCursor: string | null };
    assert.deepEqual(page2.items.map((i) => i.id), ['r-shop-web-002', 'r-shop-web-001']);
    const all = await rollscope('history', '-A', '--all', '-o', 'json', '--db', db);
    const every = JSON.parse(all.stdout) as { items: { id: string }[]; nextCursor: string | null };
    assert.equal(every.items.length, 4);
    assert.equal(every.nextCursor, null, 'nothing more: null');
    const table = await rollscope('history', '-A', '--limit', '3', '--db', db);
    assert.equal(table.code, 0);
    assert.match(table.stderr, /Showing the newest 3; older releases exist: --limit N for more, --all for every one, or --continue \S+ for the next 3\./);
    const complete = await rollscope('history', '-A', '--limit', '4', '--db', db);
    assert.doesNotMatch(complete.stderr, /older releases exist/, 'no hint when nothing was cut off');
    const both = await rollscope('history', '-A', '--all', '--limit', '3', '--db', db);
    assert.equal(both.code, 3);
    assert.match(both.stderr, /--all and --limit contradict each other/);
  });

  it('rejects bad flags as usage errors before opening the ledger', async () => {
    const bad = [['--since', 'yesterday'], ['--outcome', 'done'], ['-o', 'xml'], ['pod/web'], ['--limit', '0'], ['--since', '1h', '--until', '2h']];
    for (const args of bad) {
      const target = args[0]?.includes('/') ? [args[0]] : [];
      const flags = { limit: '100', output: 'table', allNamespaces: true, db: 'sqlite:/nonexistent/ledger.db', ...flagsOf(args) };
      await assert.rejects(parseHistoryRequest(target, flags, NOW, async () => 'default'), (e: unknown) => isTrackerError(e) && e.code === 'USAGE' && e.details.hint !== undefined, args.join(' '));
    }
  });

  it('prints a kubectl-like table: header line, oldest first, aligned columns', async () => {
    const r = await rollscope('history', 'deploy/web', '-n', 'shop', '--db', db);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'deployment.apps/web');
    assert.match(lines[1] ?? '', /^RELEASE +REVISION +TRIGGER +IMAGES +ACTOR +STARTED +DURATION +OUTCOME +REASON$/);
    assert.equal(lines.length, 5);
    assert.match(lines[2] ?? '', /^1 +1 +create +registry\.example\/web:v1 +kubectl-set +2d2h ago +1m32s +succeeded$/);
    assert.match(lines[3] ?? '', /^2 +2 +image +registry\.example\/web:v2 +alice \(kubectl-set\) +5h ago +6m +failed +ImagePullBackOff$/);
    assert.match(lines[4] ?? '', /^3 +3 +rollback +registry\.example\/web:v1 +kubectl-set +60m ago +\S+ +progressing$/);
    const col = (line: string) => line.indexOf('TRIGGER');
    assert.equal(lines[2]?.indexOf('create'), col(lines[1] ?? ''), 'columns align');
  });

  it('-o wide adds namespace, kind, name, id and change cause; -A adds a workload column', async () => {
    const wide = await rollscope('history', '-A', '-o', 'wide', '--db', db);
    assert.equal(wide.code, 0, wide.stderr);
    const [head, ...rest] = wide.stdout.trimEnd().split('\n');
    assert.match(head ?? '', /^NAMESPACE +KIND +NAME +RELEASE .* REASON +ID +CHANGE-CAUSE$/);
    assert.match(rest[0] ?? '', /^shop +Deployment +web +1 .* r-shop-web-001 +first deploy$/);
    const table = await rollscope('history', '-A', '--db', db);
    assert.match(table.stdout.split('\n')[0] ?? '', /^NAMESPACE +WORKLOAD +RELEASE /);
    assert.match(table.stdout, /\nbatch +statefulset\/db +1 /);
  });

  it('-o yaml prints the same items', async () => {
    const r = await rollscope('history', '-n', 'batch', '-o', 'yaml', '--db', db);
    assert.equal(r.code, 0, r.stderr);
    const doc = parseYaml(r.stdout) as { items: Item[] };
    assert.deepEqual(doc.items.map((i) => [i.id, i.kind, i.outcome]), [['r-db-1', 'StatefulSet', 'succeeded']]);
  });

  it('without -n uses the default namespace when there is no kubeconfig', async () => {
    const r = await rollscope('history', '--db', db);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /No releases found in namespace default/);
  });

  it('bad flags exit 3 with a hint', async () => {
    for (const args of [['--since', 'yesterday'], ['--bogus']]) {
      const r = await rollscope('history', '-A', ...args, '--db', db);
      assert.equal(r.code, 3, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^error: .+\n(hint: |\(run with --help)/, args.join(' '));
    }
  });

  it('a workload the ledger never saw exits 4', async () => {
    const r = await rollscope('history', 'deploy/nope', '-n', 'shop', '--db', db);
    assert.equal(r.code, 4);
    assert.match(r.stderr, /deployment shop\/nope/);
  });

  it('an unreachable database exits 5 naming the URL without the password', async () => {
    const port = await new Promise<number>((res) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const a = srv.address();
        srv.close(() => res(typeof a === 'object' && a ? a.port : 1));
      });
    });
    const r = await rollscope('history', '-A', '--db', `postgres://rollscope:hunter2@127.0.0.1:${port}/ledger`);
    assert.equal(r.code, 5);
    assert.match(r.stderr, new RegExp(`postgres://rollscope:\\*\\*\\*@127\\.0\\.0\\.1:${port}/ledger`));
    assert.doesNotMatch(r.stderr, /hunter2/);
    assert.match(r.stderr, /\nhint: /);
    const missing = await rollscope('history', '-A', '--db', `sqlite:${join(dir, 'missing.db')}`);
    assert.equal(missing.code, 5);
    assert.match(missing.stderr, /no ledger file at .*missing\.db\nhint: .*rollscope serve/);
  });
});
