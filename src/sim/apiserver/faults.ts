import type { ResourceName } from '../core/store-api.ts';

/** Verb is an API request verb as the simulator accounts and scopes faults. */
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/** FaultScope selects requests: by resource store key (`pods`, `deployments.apps`) and/or verb. Unset = all. */
export interface FaultScope {
  readonly resource?: ResourceName;
  readonly verb?: Verb | readonly Verb[];
}

/** FaultOptions bounds a fault. */
export interface FaultOptions {
  /** How many matching requests it affects. If unset, every one until removed. */
  readonly times?: number;
}

/** Rejection is what the server answers instead of serving a request. */
export type Rejection =
  | { readonly kind: 'throttle'; readonly retryAfterSeconds: number }
  | { readonly kind: 'error'; readonly code: number };

interface Rule {
  readonly scope: FaultScope;
  readonly effect: { readonly kind: 'latency'; readonly ms: number } | Rejection;
  remaining: number;
}

/** Decision is the faults that apply to one request. */
export interface Decision {
  readonly delayMs: number;
  readonly reject?: Rejection;
}

function matches(scope: FaultScope, verb: Verb, resource: ResourceName | undefined): boolean {
  if (scope.resource !== undefined && scope.resource !== resource) return false;
  if (scope.verb === undefined) return true;
  return typeof scope.verb === 'string' ? scope.verb === verb : scope.verb.includes(verb);
}

/**
 * SimFaults injects API server faults on demand, in-process (issue 2, item 7): 429 with
 * `Retry-After`, 5xx, added latency (each scoped by resource and verb, optionally for N requests),
 * dropping open watch connections, and expiring the next watch resume (410). Every add returns a
 * function that removes the fault. Decisions are taken in the order faults were added.
 */
export class SimFaults {
  #rules: Rule[] = [];
  readonly #watches = new Set<{ resource: ResourceName; close: () => void }>();
  // '*' arms every resource.
  readonly #expire = new Map<string, number>();

  /** throttle answers 429 `Too many requests, please try again later.` with `Retry-After` (1 s if unset). */
  throttle(scope: FaultScope, opts: FaultOptions & { readonly retryAfterSeconds?: number } = {}): () => void {
    return this.#add(scope, { kind: 'throttle', retryAfterSeconds: opts.retryAfterSeconds ?? 1 }, opts);
  }

  /** fail answers a 5xx Status (500 InternalError if `code` is unset; 503 ServiceUnavailable, 504 Timeout…). */
  fail(scope: FaultScope, opts: FaultOptions & { readonly code?: number } = {}): () => void {
    return this.#add(scope, { kind: 'error', code: opts.code ?? 500 }, opts);
  }

  /** delay adds `ms` of real latency before the request is served. */
  delay(scope: FaultScope, ms: number, opts: FaultOptions = {}): () => void {
    return this.#add(scope, { kind: 'latency', ms }, opts);
  }

  /** dropWatches closes every open watch connection (of one resource, if given) abruptly; returns how many. */
  dropWatches(resource?: ResourceName): number {
    let n = 0;
    for (const w of [...this.#watches]) {
      if (resource !== undefined && w.resource !== resource) continue;
      this.#watches.delete(w);
      w.close();
      n++;
    }
    return n;
  }

  /** expireNextWatch makes the next `times` (1 if unset) watches that resume from a resourceVersion get 410 Expired. */
  expireNextWatch(resource?: ResourceName, times = 1): void {
    this.#expire.set(resource ?? '*', (this.#expire.get(resource ?? '*') ?? 0) + times);
  }

  /** clear removes every fault. */
  clear(): void {
    this.#rules = [];
    this.#expire.clear();
  }

  /** decide returns the faults for one request and consumes bounded ones (called by the server). */
  decide(verb: Verb, resource: ResourceName | undefined): Decision {
    let delayMs = 0;
    let reject: Rejection | undefined;
    for (const r of this.#rules) {
      if (r.remaining <= 0 || !matches(r.scope, verb, resource)) continue;
      if (r.effect.kind === 'latency') delayMs += r.effect.ms;
      else if (reject) continue;
      else reject = r.effect;
      r.remaining--;
    }
    this.#rules = this.#rules.filter((r) => r.remaining > 0);
    return reject ? { delayMs, reject } : { delayMs };
  }

  /** takeExpiredResume tells (once per armed expiry) whether a resuming watch must get 410 (called by the server). */
  takeExpiredResume(resource: ResourceName): boolean {
    for (const key of [resource, '*'] as const) {
      const n = this.#expire.get(key) ?? 0;
      if (n > 0) {
        this.#expire.set(key, n - 1);
        return true;
      }
    }
    return false;
  }

  /** registerWatch tracks an open watch so dropWatches can close it; returns the unregister function. */
  registerWatch(resource: ResourceName, close: () => void): () => void {
    const entry = { resource, close };
    this.#watches.add(entry);
    return () => this.#watches.delete(entry);
  }

  /** openWatches counts the open watch connections (of one resource, if given). */
  openWatches(resource?: ResourceName): number {
    return [...this.#watches].filter((w) => resource === undefined || w.resource === resource).length;
  }

  #add(scope: FaultScope, effect: Rule['effect'], opts: FaultOptions): () => void {
    const rule: Rule = { scope, effect, remaining: opts.times ?? Number.POSITIVE_INFINITY };
    this.#rules.push(rule);
    return () => {
      rule.remaining = 0;
    };
  }
}
