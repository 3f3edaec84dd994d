import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger, type Logger } from '../../lib/log.ts';
import { Manager, type Elector, type ElectorStatus } from './manager.ts';
import type { Runnable } from './runnable.ts';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** recorder makes runnables that log start and stop (after a drain step) into one shared journal. */
function recorder(journal: string[]): (name: string, leaderOnly: boolean) => Runnable {
  return (name, leaderOnly) => ({
    name,
    leaderOnly,
    async run(signal) {
      journal.push(`start ${name}`);
      await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
      await tick(); // draining takes a moment
      journal.push(`stop ${name}`);
    },
  });
}

/** ScriptedElector grants and revokes leadership when the test says so, and logs the release. */
class ScriptedElector implements Elector {
  readonly identity = 'host_1';
  #win: (() => void) | null = null;
  #term: AbortController | null = null;
  #leading = false;
  readonly journal: string[];
  constructor(journal: string[]) {
    this.journal = journal;
  }
  status(): ElectorStatus {
    return { leading: this.#leading, holder: this.#leading ? this.identity : 'other' };
  }
  win(): void {
    this.#win?.();
  }
  lose(): void {
    this.#term?.abort();
  }
  async run(signal: AbortSignal, lead: (term: AbortSignal) => Promise<void>): Promise<void> {
    while (!signal.aborted) {
      await new Promise<void>((r) => {
        this.#win = r;
        signal.addEventListener('abort', () => r(), { once: true });
      });
      if (signal.aborted) break;
      this.#term = new AbortController();
      const term = AbortSignal.any([signal, this.#term.signal]);
      this.#leading = true;
      await lead(term);
      this.#leading = false;
      if (signal.aborted) this.journal.push('release lease');
    }
  }
}

test('without an elector, leader-only and always-on runnables run from start to stop', async () => {
  const journal: string[] = [];
  const r = recorder(journal);
  const m = new Manager({ logger: silentLogger }).add(r('api-cache', false)).add(r('tracker', true));
  m.start();
  await tick();
  assert.deepEqual(journal.sort(), ['start api-cache', 'start tracker']);
  assert.equal(m.leading, true);
  assert.deepEqual(m.status().running, ['api-cache', 'tracker']);
  await m.stop();
  assert.equal(m.leading, false);
  assert.deepEqual(m.status().running, []);
});

test('leader-only runnables run only during a term; they stop when it ends and start again on the next', async () => {
  const journal: string[] = [];
  const r = recorder(journal);
  const elector = new ScriptedElector(journal);
  const changes: boolean[] = [];
  const m = new Manager({ logger: silentLogger, elector, onLeading: (l) => changes.push(l) }).add(r('dispatcher', false)).add(r('tracker', true));
  m.start();
  await tick();
  assert.deepEqual(journal, ['start dispatcher'], 'a standby runs only always-on work');
  assert.deepEqual(m.status(), { leaderElection: true, identity: 'host_1', leading: false, holder: 'other', running: ['dispatcher'], failed: [] });
  elector.win();
  await tick();
  assert.deepEqual(journal.slice(1), ['start tracker']);
  assert.equal(m.leading, true);
  elector.lose();
  await tick();
  await tick();
  assert.deepEqual(journal.slice(2), ['stop tracker'], 'a lost term stops leader-only work, always-on work goes on');
  assert.equal(m.leading, false);
  elector.win();
  await tick();
  assert.deepEqual(journal.slice(3), ['start tracker'], 'the next term runs it again');
  assert.deepEqual(changes, [true, false, true]);
  await m.stop();
});

test('stop: leader-only work stops first, then the lease is released, then always-on work stops', async () => {
  const journal: string[] = [];
  const r = recorder(journal);
  const elector = new ScriptedElector(journal);
  const m = new Manager({ logger: silentLogger, elector }).add(r('dispatcher', false)).add(r('tracker', true)).add(r('migrations', true));
  m.start();
  elector.win();
  await tick();
  journal.length = 0;
  await m.stop();
  assert.deepEqual(journal.slice(0, 2).sort(), ['stop migrations', 'stop tracker']);
  assert.deepEqual(journal.slice(2), ['release lease', 'stop dispatcher']);
});

test('a runnable that fails is logged and does not take the others down', async () => {
  const journal: string[] = [];
  const r = recorder(journal);
  const errors: string[] = [];
  const logger: Logger = { ...silentLogger, error: (msg, f) => void errors.push(`${msg}: ${String(f?.['runnable'])}`), child: () => logger };
  const m = new Manager({ logger }).add({ name: 'broken', leaderOnly: true, run: () => Promise.reject(new Error('boom')) }).add(r('tracker', true));
  m.start();
  await tick();
  assert.deepEqual(errors, ['runnable stopped with an error: broken']);
  assert.deepEqual(m.status().running, ['tracker']);
  assert.deepEqual(m.status().failed, [{ name: 'broken', error: 'boom' }]);
  await m.stop();
  assert.deepEqual(journal, ['start tracker', 'stop tracker']);
  assert.deepEqual(m.status().failed, [{ name: 'broken', error: 'boom' }], 'a failure stays listed after the stop');
});

test('a runnable that returns on its own is failed; one that returns or throws because it was stopped is not', async () => {
  const quits: Runnable = { name: 'quits', leaderOnly: false, run: async () => {} };
  const throwsOnStop: Runnable = {
    name: 'throws-on-stop',
    leaderOnly: false,
    run: (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true })),
  };
  const m = new Manager({ logger: silentLogger }).add(quits).add(throwsOnStop);
  m.start();
  await tick();
  assert.deepEqual(m.status().failed, [{ name: 'quits', error: 'returned before it was stopped' }]);
  await m.stop();
  assert.deepEqual(m.status().failed.map((f) => f.name), ['quits']);
});

test("a leader-only runnable's failure lasts until a new term starts it again", async () => {
  const journal: string[] = [];
  const elector = new ScriptedElector(journal);
  let runs = 0;
  const flaky: Runnable = {
    name: 'migrations',
    leaderOnly: true,
    async run(signal) {
      if (++runs === 1) throw new Error('ledger unavailable');
      await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
    },
  };
  const m = new Manager({ logger: silentLogger, elector }).add(flaky);
  m.start();
  elector.win();
  await tick();
  assert.deepEqual(m.status().failed, [{ name: 'migrations', error: 'ledger unavailable' }]);
  elector.lose();
  await tick();
  elector.win();
  await tick();
  assert.deepEqual(m.status().failed, [], 'started again in the new term');
  assert.deepEqual(m.status().running, ['migrations']);
  await m.stop();
});
