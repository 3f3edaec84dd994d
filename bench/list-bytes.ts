// The anchor of `ledger-load`, measured exactly: the body bytes kube-apiserver (here the simulator)
// sends for a LIST of a whole collection as JSON, computed from the store with the server's own
// serialiser (sim/apiserver/http/serialize.ts), so a poller "every simulated minute" costs what it
// would without having to keep up in real time. ledger-load checks it against real HTTP lists.
// gzipNow gives the same list as a client accepting gzip receives it (kubectl, client-go).
import { gzipSync } from 'node:zlib';
import type { KubeObject } from '../src/kube/types.ts';
import { GZIP_LEVEL, GZIP_THRESHOLD_BYTES } from '../src/sim/apiserver/http/respond.ts';
import { listItemJson, listJson } from '../src/sim/apiserver/http/serialize.ts';
import type { Sim } from '../src/sim/index.ts';

/**
 * ListBytes computes the byte length of `GET <collection>` (no selector, no limit, JSON) as served
 * now. Stored objects are frozen and shared, so each item's JSON length is computed once per
 * object version and cached by identity.
 */
export class ListBytes {
  readonly #sim: Sim;
  readonly #resource: string;
  readonly #kind: string;
  readonly #apiVersion: string;
  readonly #items = new WeakMap<KubeObject, number>();

  constructor(sim: Sim, resource: string, kind: string, apiVersion: string) {
    this.#sim = sim;
    this.#resource = resource;
    this.#kind = kind;
    this.#apiVersion = apiVersion;
  }

  /** now is the body length of the list the server would send at this instant. */
  now(): number {
    const items = this.#sim.store.list(this.#resource);
    const envelope = Buffer.byteLength(listJson(this.#kind, this.#apiVersion, { resourceVersion: this.#sim.store.currentResourceVersion() }, []));
    let bytes = envelope + Math.max(0, items.length - 1); // the commas between items
    for (const o of items) {
      let n = this.#items.get(o);
      if (n === undefined) this.#items.set(o, (n = Buffer.byteLength(listItemJson(o))));
      bytes += n;
    }
    return bytes;
  }

  /**
   * gzipNow is the list the server would send at this instant to a client sending
   * `Accept-Encoding: gzip`: its length as JSON and as sent (gzip level 1 above 128 KiB, as
   * sim/apiserver/http/respond.ts and kube-apiserver do). It serialises and compresses the whole
   * list (tens of ms for a few MB), so a bench samples it rather than calling it every minute.
   */
  gzipNow(): { readonly bytes: number; readonly wireBytes: number } {
    const body = listJson(this.#kind, this.#apiVersion, { resourceVersion: this.#sim.store.currentResourceVersion() }, this.#sim.store.list(this.#resource));
    const bytes = Buffer.byteLength(body);
    return { bytes, wireBytes: bytes > GZIP_THRESHOLD_BYTES ? gzipSync(body, { level: GZIP_LEVEL }).length : bytes };
  }
}
