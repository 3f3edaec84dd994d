// The harness every contract suite of the ledger shares: a store opened on a new, empty ledger per
// test, the means to reopen it (a restart), and named skips.
import { describe, it } from 'node:test';

/** Closable is what every store offers besides its concern. */
export interface Closable {
  close(): Promise<void>;
}

/** StoreFixture is a store open on a new, empty ledger, plus the means to reopen that same ledger. */
export interface StoreFixture<S> {
  readonly store: S & Closable;
  /** reopen opens another store on the same ledger (the first is closed by then): a restart. */
  reopen(): Promise<S & Closable>;
  /** forgeSchemaVersion records a migration version this code does not know, as a newer rollscope would. */
  forgeSchemaVersion(version: number): Promise<void>;
}

/** ContractSkip skips named tests of a suite, with the reason. */
export interface ContractSkip {
  readonly reason: string;
  readonly tests: readonly string[];
}

/** ContractTools are the per-suite helpers: `test` opens a fresh fixture and closes it after; `reopened` restarts. */
export interface ContractTools<S> {
  readonly test: (title: string, fn: (f: StoreFixture<S>) => Promise<void>) => void;
  readonly reopened: (f: StoreFixture<S>, fn: (s: S) => Promise<void>) => Promise<void>;
}

/** describeContract declares one suite named `<name> satisfies <concern>` and hands its body the tools. */
export function describeContract<S>(name: string, concern: string, open: () => Promise<StoreFixture<S>>, skip: readonly ContractSkip[], body: (t: ContractTools<S>) => void): void {
  void describe(`${name} satisfies ${concern}`, () => {
    const test = (title: string, fn: (f: StoreFixture<S>) => Promise<void>): void => {
      const skipped = skip.find((s) => s.tests.includes(title));
      if (skipped) {
        void it.skip(`${title} (${skipped.reason})`, () => {});
        return;
      }
      void it(title, async () => {
        const f = await open();
        try {
          await fn(f);
        } finally {
          await f.store.close();
        }
      });
    };
    const reopened = async (f: StoreFixture<S>, fn: (s: S) => Promise<void>): Promise<void> => {
      await f.store.close();
      const s = await f.reopen();
      try {
        await fn(s);
      } finally {
        await s.close();
      }
    };
    body({ test, reopened });
  });
}
