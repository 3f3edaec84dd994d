import type { Verb } from './faults.ts';
import type { ResourceName } from '../core/store-api.ts';

/** UsageRow is the traffic of one verb on one resource. */
export interface UsageRow {
  readonly verb: Verb;
  readonly resource: ResourceName;
  readonly requests: number;
  /** Response body bytes sent on the wire, compressed where the server gzipped the answer (for watches: every byte streamed so far). */
  readonly bytes: number;
  /** The same bodies before compression (equal to `bytes` where nothing was compressed). */
  readonly decodedBytes: number;
  /** Responses sent gzip-compressed (`Content-Encoding: gzip`; never a watch). */
  readonly gzip: number;
  /** Responses sent as Kubernetes protobuf (for watches: streams), the rest being JSON or text. */
  readonly protobuf: number;
  /** Responses (for watches: streams) whose objects were sent without managedFields (`drop=metadata.managedFields`, ManagedFieldsOptOut). */
  readonly droppedManagedFields: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * RequestAccounting counts the simulated API server's requests and response bytes by verb and
 * resource (issue 2, item 6), so tests can assert how much a client asked for (e.g. "one LIST,
 * then only WATCHes"), both as sent on the wire and before compression (sim/apiserver/http/respond.ts
 * gzips large non-watch answers as kube-apiserver does). Non-resource requests (discovery, /version) are counted under resource ''.
 */
export class RequestAccounting {
  readonly #rows = new Map<string, Mutable<UsageRow>>();

  #row(verb: Verb, resource: ResourceName): Mutable<UsageRow> {
    const key = `${verb} ${resource}`;
    let row = this.#rows.get(key);
    if (!row) this.#rows.set(key, (row = { verb, resource, requests: 0, bytes: 0, decodedBytes: 0, gzip: 0, protobuf: 0, droppedManagedFields: 0 }));
    return row;
  }

  /** countRequest records one request. */
  countRequest(verb: Verb, resource: ResourceName): void {
    this.#row(verb, resource).requests++;
  }

  /** countBytes adds response bytes to a verb and resource: `bytes` as sent on the wire, `decodedBytes` before compression (if unset, the same). */
  countBytes(verb: Verb, resource: ResourceName, bytes: number, decodedBytes: number = bytes): void {
    const row = this.#row(verb, resource);
    row.bytes += bytes;
    row.decodedBytes += decodedBytes;
  }

  /** countGzip records one response sent gzip-compressed. */
  countGzip(verb: Verb, resource: ResourceName): void {
    this.#row(verb, resource).gzip++;
  }

  /** countProtobuf records one response (or watch stream) sent as Kubernetes protobuf. */
  countProtobuf(verb: Verb, resource: ResourceName): void {
    this.#row(verb, resource).protobuf++;
  }

  /** countDroppedManagedFields records one response (or watch stream) whose objects were sent without managedFields. */
  countDroppedManagedFields(verb: Verb, resource: ResourceName): void {
    this.#row(verb, resource).droppedManagedFields++;
  }

  /** droppedManagedFields sums the responses sent without managedFields, optionally of one verb and/or resource. */
  droppedManagedFields(filter: { readonly verb?: Verb; readonly resource?: ResourceName } = {}): number {
    return this.rows(filter).reduce((n, r) => n + r.droppedManagedFields, 0);
  }

  /** protobuf sums the responses sent as protobuf, optionally of one verb and/or resource. */
  protobuf(filter: { readonly verb?: Verb; readonly resource?: ResourceName } = {}): number {
    return this.rows(filter).reduce((n, r) => n + r.protobuf, 0);
  }

  /** requests sums requests, optionally of one verb and/or resource. */
  requests(filter: { readonly verb?: Verb; readonly resource?: ResourceName } = {}): number {
    return this.rows(filter).reduce((n, r) => n + r.requests, 0);
  }

  /** bytes sums response bytes, optionally of one verb and/or resource. */
  bytes(filter: { readonly verb?: Verb; readonly resource?: ResourceName } = {}): number {
    return this.rows(filter).reduce((n, r) => n + r.bytes, 0);
  }

  /** decodedBytes sums response bytes before compression, optionally of one verb and/or resource. */
  decodedBytes(filter: { readonly verb?: Verb; readonly resource?: ResourceName } = {}): number {
    return this.rows(filter).reduce((n, r) => n + r.decodedBytes, 0);
  }

  /** gzip sums the responses sent gzip-compressed, optionally of one verb and/or resource. */
  gzip(filter: { readonly verb?: Verb; readonly resource?: ResourceName } = {}): number {
    return this.rows(filter).reduce((n, r) => n + r.gzip, 0);
  }

  /** rows lists the counters (copies), sorted by resource then verb. */
  rows(filter: { readonly verb?: Verb; readonly resource?: ResourceName } = {}): UsageRow[] {
    return [...this.#rows.values()]
      .filter((r) => (filter.verb === undefined || r.verb === filter.verb) && (filter.resource === undefined || r.resource === filter.resource))
      .map((r) => ({ ...r }))
      .sort((a, b) => a.resource.localeCompare(b.resource) || a.verb.localeCompare(b.verb));
  }

  /** reset zeroes every counter. */
  reset(): void {
    this.#rows.clear();
  }
}
