import type { Verb } from './faults.ts';
import type { ResourceName } from '../core/store-api.ts';

/** UsageRow is the traffic of one verb on one resource. */
export interface UsageRow {
  readonly verb: Verb;
  readonly resource: ResourceName;
  readonly requests: number;
  /** Response body bytes sent (for watches: every byte streamed so far). */
  readonly bytes: number;
  /** Responses sent as Kubernetes protobuf (for watches: streams), the rest being JSON or text. */
  readonly protobuf: number;
  /** Responses (for watches: streams) whose objects were sent without managedFields (`drop=metadata.managedFields`, ManagedFieldsOptOut). */
  readonly droppedManagedFields: number;
}

/**
 * RequestAccounting counts the simulated API server's requests and response bytes by verb and
 * resource (issue 2, item 6), so tests can assert how much a client asked for (e.g. "one LIST,
 * then only WATCHes"). Non-resource requests (discovery, /version) are counted under resource ''.
 */
export class RequestAccounting {
  readonly #rows = new Map<string, { -readonly [K in keyof UsageRow]: UsageRow[K] }>();

  #row(verb: Verb, resource: ResourceName): { -readonly [K in keyof UsageRow]: UsageRow[K] } {
    const key = `${verb} ${resource}`;
    let row = this.#rows.get(key);
    if (!row) this.#rows.set(key, (row = { verb, resource, requests: 0, bytes: 0, protobuf: 0, droppedManagedFields: 0 }));
    return row;
  }

  /** countRequest records one request. */
  countRequest(verb: Verb, resource: ResourceName): void {
    this.#row(verb, resource).requests++;
  }

  /** countBytes adds response bytes to a verb and resource. */
  countBytes(verb: Verb, resource: ResourceName, bytes: number): void {
    this.#row(verb, resource).bytes += bytes;
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
