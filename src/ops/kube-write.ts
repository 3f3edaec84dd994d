import { connectionFailure, createKubeHttp, type ClusterAccess, type KubeHttp } from '../kube/client.ts';
import { httpFailure, type RequestSubject } from '../kube/http-errors.ts';
import { realClock, type Clock } from '../lib/clock.ts';
import { TrackerError } from '../lib/errors.ts';
import { isUnstructured, stringField, type Unstructured } from '../track/status/fields.ts';

/** PatchType is a PATCH content type the write operations send, named as kubectl names them. */
export type PatchType = 'json' | 'merge' | 'strategic';

const CONTENT_TYPE: Readonly<Record<PatchType, string>> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

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
  patch(path: string, type: PatchType, body: unknown, subject: RequestSubject, signal: AbortSignal): Promise<Unstructured>;
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
    async patch(path, type, body, subject, signal) {
      const url = new URL(http.server + path);
      url.searchParams.set('fieldManager', FIELD_MANAGER);
      const headers = { Accept: 'application/json', 'Content-Type': CONTENT_TYPE[type], 'User-Agent': 'rollscope' };
      let res;
      try {
        res = await http.transport.send('PATCH', url, headers, JSON.stringify(body), signal);
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
    },
  };
}

function malformed(path: string, subject: RequestSubject): TrackerError {
  return new TrackerError('MALFORMED_OBJECT', `${subject.verb} ${subject.resource}: the API server answered ${path} with something that is not a JSON object`, {
    subject: path,
    hint: 'check that the kubeconfig points at a Kubernetes API server',
  });
}
