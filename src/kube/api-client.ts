/**
 * kube/api-client.ts — the Kubernetes client every rollscope write goes through (reads for the tracker
 * stream through informers; see informer.ts). Contract:
 *
 *   createKubeClient(access, { clock? }) → KubeClient (no I/O until the first request)
 *   get(path, subject, signal)                          GET one object
 *   list(path, query, subject, signal)                  every page of a collection (items get `kind`)
 *   create(path, body, subject, signal, opts?)          POST to the collection path
 *   update(path, body, subject, signal, opts?)          PUT; body.metadata.resourceVersion gives optimistic concurrency
 *   patch(path, type, body, subject, signal, opts?)     PATCH: 'merge' | 'strategic' | 'json' | 'apply' (server-side apply)
 *   delete(path, subject, signal, opts?)                DELETE with propagationPolicy and preconditions (uid, resourceVersion)
 *   Scale and status subresources: append `/scale` or `/status` to the object path (objectPath(..., subresource)).
 *
 * Every write carries `fieldManager=rollscope` (WriteOptions.fieldManager overrides) and `dryRun=All` when
 * WriteOptions.dryRun is set; apply patches send `force` when WriteOptions.force is set.
 * Failures reject with a TrackerError mapped by httpFailure: 409 → CONFLICT (the object changed since it was
 * read, or already exists: read again and retry), 403 → KUBE_FORBIDDEN with the RBAC rule to grant, 404 → NOT_FOUND.
 * Aborting `signal` aborts the request; the promise rejects with the signal's reason.
 */
import { connectionFailure, createKubeHttp, type ClusterAccess, type KubeHttp } from './client.ts';
import { httpFailure, type RequestSubject } from './http-errors.ts';
import { realClock, type Clock } from '../lib/clock.ts';
import { TrackerError } from '../lib/errors.ts';
import { isUnstructured, stringField, type Unstructured } from '../track/status/fields.ts';

/** PatchType is a PATCH content type the write operations send, named as kubectl names them. */
export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const CONTENT_TYPE: Readonly<Record<PatchType, string>> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** WriteOptions are the query parameters of a write. */
export interface WriteOptions {
  /** managedFields manager; FIELD_MANAGER unless set. */
  readonly fieldManager?: string;
  /** Send dryRun=All: the server validates and admits but persists nothing. */
  readonly dryRun?: boolean;
  /** Server-side apply only: take ownership of conflicting fields. */
  readonly force?: boolean;
}

/** DeleteOptions are the body of a DELETE (meta/v1 DeleteOptions). */
export interface DeleteOptions {
  readonly propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  /** The delete fails with CONFLICT unless the object still has this uid / resourceVersion. */
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  readonly gracePeriodSeconds?: number;
  readonly dryRun?: boolean;
}

/** FIELD_MANAGER is the managedFields manager every rollscope write is recorded under. */
export const FIELD_MANAGER = 'rollscope';

/**
 * KubeClient reads and patches objects of one kubeconfig context, for the write operations.
 * - `get` resolves with the object; 404 and every other failure reject with a TrackerError mapped
 *   by httpFailure (403 → KUBE_FORBIDDEN with the RBAC rule to grant).
 * - `list` reads every page of a collection (items get `kind` filled in from the list kind).
 * - `patch` sends one PATCH with `fieldManager=rollscope` and resolves with the patched object.
 * - Aborting `signal` aborts the request; the promise rejects with the signal's reason.
 */
export interface KubeClient {
  readonly http: KubeHttp;
  get(path: string, subject: RequestSubject, signal: AbortSignal): Promise<Unstructured>;
  list(path: string, query: Readonly<Record<string, string>>, subject: RequestSubject, signal: AbortSignal): Promise<Unstructured[]>;
  patch(path: string, type: PatchType, body: unknown, subject: RequestSubject, signal: AbortSignal, opts?: WriteOptions): Promise<Unstructured>;
  create(path: string, body: unknown, subject: RequestSubject, signal: AbortSignal, opts?: WriteOptions): Promise<Unstructured>;
  update(path: string, body: unknown, subject: RequestSubject, signal: AbortSignal, opts?: WriteOptions): Promise<Unstructured>;
  /** Resolves with the server's answer (the object being deleted, or a Status). */
  delete(path: string, subject: RequestSubject, signal: AbortSignal, opts?: DeleteOptions): Promise<Unstructured>;
}

/** KubeClientOptions configures createKubeClient. */
export interface KubeClientOptions {
  /** Clock for Retry-After dates. If unset, the real clock. */
  readonly clock?: Clock;
}

/**
 * createKubeClient builds a KubeClient: GETs go through kube/client.ts's KubeHttp; PATCHes through
 * the same transport (TLS settings and credentials of the context).
 * No I/O happens until the first request.
 */
export function createKubeClient(kc: ClusterAccess, options: KubeClientOptions = {}): KubeClient {
  const clock = options.clock ?? realClock;
  const http = createKubeHttp(kc, { clock });
  const getJson = async (path: string, query: Readonly<Record<string, string>>, subject: RequestSubject, signal: AbortSignal): Promise<Unstructured> => {
    const res = await http.get(path, query, subject, signal);
    const body: unknown = await res.json();
    if (!isUnstructured(body)) throw malformed(path, subject);
    return body;
  };
  const send = async (method: string, path: string, query: URLSearchParams, contentType: string, body: unknown, subject: RequestSubject, signal: AbortSignal): Promise<Unstructured> => {
    const url = new URL(http.server + path);
    for (const [k, v] of query) url.searchParams.set(k, v);
    const headers = { Accept: 'application/json', 'Content-Type': contentType, 'User-Agent': 'rollscope' };
    let res;
    try {
      res = await http.transport.send(method, url, headers, JSON.stringify(body), signal);
    } catch (cause) {
      if (signal.aborted) throw signal.reason;
      if (cause instanceof TrackerError) throw cause;
      throw connectionFailure(http.server, subject, cause);
    }
    const text = await res.text();
    if (!res.ok) throw httpFailure({ status: res.status, body: text, subject, retryAfter: res.headers.get('retry-after'), now: clock.now() });
    const parsed: unknown = JSON.parse(text);
    if (!isUnstructured(parsed)) throw malformed(path, subject);
    return parsed;
  };
  return {
    http,
    get: (path, subject, signal) => getJson(path, {}, subject, signal),
    async list(path, query, subject, signal) {
      const items: Unstructured[] = [];
      let cont = '';
      do {
        const page = await getJson(path, { ...query, limit: '500', ...(cont === '' ? {} : { continue: cont }) }, subject, signal);
        const kind = stringField(page, 'kind').replace(/List$/, '');
        const apiVersion = stringField(page, 'apiVersion');
        if (Array.isArray(page.items)) for (const it of page.items) if (isUnstructured(it)) items.push({ kind, apiVersion, ...it });
        cont = stringField(page, 'metadata.continue');
      } while (cont !== '');
      return items;
    },
    patch: (path, type, body, subject, signal, opts = {}) => {
      const query = writeQuery(opts);
      if (type === 'apply' && opts.force === true) query.set('force', 'true');
      return send('PATCH', path, query, CONTENT_TYPE[type], body, subject, signal);
    },
    create: (path, body, subject, signal, opts = {}) => send('POST', path, writeQuery(opts), 'application/json', body, subject, signal),
    update: (path, body, subject, signal, opts = {}) => send('PUT', path, writeQuery(opts), 'application/json', body, subject, signal),
    delete: (path, subject, signal, opts = {}) => {
      const query = new URLSearchParams();
      if (opts.dryRun === true) query.set('dryRun', 'All');
      const body = {
        kind: 'DeleteOptions',
        apiVersion: 'v1',
        ...(opts.propagationPolicy === undefined ? {} : { propagationPolicy: opts.propagationPolicy }),
        ...(opts.preconditions === undefined ? {} : { preconditions: opts.preconditions }),
        ...(opts.gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds: opts.gracePeriodSeconds }),
      };
      return send('DELETE', path, query, 'application/json', body, subject, signal);
    },
  };
}

function writeQuery(opts: WriteOptions): URLSearchParams {
  const q = new URLSearchParams({ fieldManager: opts.fieldManager ?? FIELD_MANAGER });
  if (opts.dryRun === true) q.set('dryRun', 'All');
  return q;
}

function malformed(path: string, subject: RequestSubject): TrackerError {
  return new TrackerError('MALFORMED_OBJECT', `${subject.verb} ${subject.resource}: the API server answered ${path} with something that is not a JSON object`, {
    subject: path,
    hint: 'check that the kubeconfig points at a Kubernetes API server',
  });
}
