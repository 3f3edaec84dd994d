// Peer conformance: every case in ../shared/peerdata must get exactly the verdict (and, where
// asserted, the message) that kstatus, Argo CD or kubectl's own test suites assert for it. All
// cases run in-process through the code path of `rollscope status --file F --as PEER -o json`
// (snapshotFromFile → evaluateStatus → renderStatus); a sample also runs the real CLI process.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, test } from 'node:test';
import { evaluateStatus, snapshotFromFile } from '../src/cli/commands/status.ts';
import { renderStatus } from '../src/cli/status-format.ts';

const PEERDATA = new URL('../../shared/peerdata/', import.meta.url);
const MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const PEERS = ['kstatus', 'argocd', 'kubectl'] as const;
type Peer = (typeof PEERS)[number];

interface PeerCase {
  readonly file: string;
  readonly kind: string;
  readonly expectedStatus?: string;
  readonly expectedConditions?: readonly { type: string; status: string; reason: string }[];
  readonly absentConditionTypes?: readonly string[];
  readonly expectedMessage?: string;
  readonly expectedHealth?: string;
  readonly expectedDone?: boolean;
  readonly expectError?: boolean;
  readonly doneAsserted?: boolean;
}

const casesOf = (peer: Peer): readonly PeerCase[] => JSON.parse(readFileSync(new URL(`${peer}/expected.json`, PEERDATA), 'utf8')) as PeerCase[];
const pathOf = (peer: Peer, c: PeerCase): string => fileURLToPath(new URL(`${peer}/${c.file}`, PEERDATA));

/** statusJson is what `rollscope status --file F --as PEER -o json` prints, parsed. */
function statusJson(peer: Peer, c: PeerCase, now: number): Record<string, unknown> {
  const snapshot = snapshotFromFile(pathOf(peer, c), undefined, undefined, now);
  assert.ok(snapshot.object, `${c.file} holds an object`);
  const out = evaluateStatus({ as: peer, object: snapshot.object, snapshot, now, revision: 0 });
  return JSON.parse(renderStatus(out, 'json')) as Record<string, unknown>;
}

/** assertAgrees checks one output against everything the peer's test asserts for the case. */
function assertAgrees(peer: Peer, c: PeerCase, got: Record<string, unknown>): void {
  switch (peer) {
    case 'kstatus': {
      assert.deepEqual(Object.keys(got).sort(), ['conditions', 'message', 'status']);
      assert.equal(got.status, c.expectedStatus);
      const conditions = got.conditions as { type: string; status: string; reason: string }[];
      if (c.expectedConditions) assert.deepEqual(conditions, c.expectedConditions);
      for (const t of c.absentConditionTypes ?? []) assert.ok(!conditions.some((x) => x.type === t), `condition ${t} must be absent`);
      if (c.expectedMessage !== undefined) assert.equal(got.message, c.expectedMessage);
      return;
    }
    case 'argocd':
      assert.deepEqual(Object.keys(got).sort(), ['health', 'message']);
      assert.equal(got.health, c.expectedHealth);
      if (c.expectedMessage !== undefined) assert.equal(got.message, c.expectedMessage);
      return;
    case 'kubectl':
      if (c.expectError === true) {
        assert.deepEqual(Object.keys(got), ['error']);
        assert.equal(typeof got.error, 'string');
        assert.equal(c.expectedMessage ?? '', ''); // kubectl returns an empty message with the error
        return;
      }
      assert.deepEqual(Object.keys(got).sort(), ['done', 'message']);
      assert.equal(got.message, c.expectedMessage);
      if (c.expectedDone !== undefined && c.doneAsserted !== false) assert.equal(got.done, c.expectedDone);
      return;
  }
}

describe('peer conformance (../shared/peerdata)', () => {
  test('the peer data is present and complete', () => {
    const counts = PEERS.map((p) => casesOf(p).length);
    assert.ok(counts.every((n) => n > 0), `cases per peer: ${counts.join(', ')}`);
    assert.ok(counts.reduce((a, b) => a + b) >= 60);
  });

  for (const peer of PEERS) {
    describe(`--as ${peer}`, () => {
      for (const c of casesOf(peer)) {
        test(`${c.file} (${c.kind})`, () => {
          const now = Date.now();
          assertAgrees(peer, c, statusJson(peer, c, now));
        });
      }
    });
  }
});

describe('peer conformance through the real CLI process', { concurrency: true }, () => {
  const run = promisify(execFile);
  // One case per peer and shape, plus the time-dependent case, a kubectl error and a duplicate key.
  const sample: readonly (readonly [Peer, string])[] = [
    ['kstatus', 'compute-podBeingScheduled.yaml'],
    ['kstatus', 'compute-depNotProgressing.yaml'],
    ['kstatus', 'watcher-deployment1Current.yaml'],
    ['argocd', 'job-suspended.yaml'],
    ['argocd', 'pod-running-restart-never-with-ignore-annotation.yaml'],
    ['kubectl', 'statefulset-ondelete-error.yaml'],
    ['kubectl', 'cmd-deployment-watch-disabled-unavailable.yaml'],
  ];
  for (const [peer, file] of sample) {
    test(`rollscope status --file ${peer}/${file} --as ${peer} -o json`, async () => {
      const c = casesOf(peer).find((x) => x.file === file);
      assert.ok(c, `${file} is a ${peer} case`);
      const { stdout } = await run(process.execPath, [MAIN, 'status', '--file', pathOf(peer, c), '--as', peer, '-o', 'json']).catch((e: { stdout: string; code: number }) => {
        // a Failed/Degraded/error verdict exits 1 but still prints its JSON
        assert.equal(e.code, 1);
        return { stdout: e.stdout };
      });
      assertAgrees(peer, c, JSON.parse(stdout) as Record<string, unknown>);
    });
  }
});
