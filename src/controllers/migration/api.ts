import { connectionFailure } from '../../kube/client.ts';
import { apiFailureOf, httpFailure, type RequestSubject } from '../../kube/http-errors.ts';
import { realClock, type Clock } from '../../lib/clock.ts';
import { TrackerError } from '../../lib/errors.ts';
import type { ApiCall } from '../../migration/steps.ts';
import { FIELD_MANAGER, type KubeClient } from '../../kube/api-client.ts';
import type { Unstructured } from '../../track/status/fields.ts';

/**
 * MigrationApi is the migration controller's port to the API server: reads, and the planner's
 * write calls sent as they are (steps.ts builds them). Kept narrow so the controller moves to the
 * shared typed client of kube/ without changes to the planner.
 */
export interface MigrationApi {
  readonly client: KubeClient;
  /** get reads one object; null on 404. */
  get(path: string, subject: RequestSubject, signal: AbortSignal): Promise<Unstructured | null>;
  /** list reads a collection; [] when the server does not serve the resource (404), e.g. no EndpointSlices. */
  list(path: string, subject: RequestSubject, signal: AbortSignal, query?: Readonly<Record<string, string>>): Promise<Unstructured[]>;
  /**
   * send performs one planner write. The answers a rerun after a crash can get are results, not
   * errors: `exists` (409 AlreadyExists on create), `gone` (404 on delete or patch), `conflict`
   * (409 Conflict: resourceVersion or UID precondition) — the controller observes again. Other
   * failures reject with a TrackerError (403 with the RBAC rule, unreachable, 422 invalid).
   */
  send(call: ApiCall, signal: AbortSignal): Promise<'ok' | 'exists' | 'gone' | 'conflict'>;
}

const CONTENT_TYPE = { merge: 'application/merge-patch+json' } as const;

function subjectOf(call: ApiCall): RequestSubject {
  const parts = call.path.split('/');
  const ns = parts[parts.indexOf('namespaces') + 1] ?? '';
  const resource = parts[parts.indexOf('namespaces') + 2] ?? '';
  const group = call.path.startsWith('/apis/') ? parts[2] ?? '' : '';
  const verb = call.method === 'POST' ? 'create' : call.method === 'DELETE' ? 'delete' : call.method === 'PATCH' ? 'patch' : 'get';
  return { verb, resource: group === '' ? resource : `${resource}.${group}`, namespace: ns };
}

/** migrationApi builds the port over the write client of ops/ (same transport, same field manager). */
export function migrationApi(client: KubeClient, clock: Clock = realClock): MigrationApi {
  return {
    client,
    async get(path, subject, signal) {
      try {
        return await client.get(path, subject, signal);
      } catch (e) {
        if (apiFailureOf(e)?.status === 404) return null;
        throw e;
      }
    },
    async list(path, subject, signal, query = {}) {
      try {
        return await client.list(path, query, subject, signal);
      } catch (e) {
        if (apiFailureOf(e)?.status === 404) return [];
        throw e;
      }
    },
    async send(call, signal) {
      const subject = subjectOf(call);
      const url = new URL(client.http.server + call.path);
      if (call.method !== 'DELETE') url.searchParams.set('fieldManager', FIELD_MANAGER);
      const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'rollscope', 'Content-Type': call.patchType === 'merge' ? CONTENT_TYPE.merge : 'application/json' };
      let res;
      try {
        res = await client.http.transport.send(call.method, url, headers, call.body === undefined ? undefined : JSON.stringify(call.body), signal);
      } catch (cause) {
        if (signal.aborted) throw signal.reason;
        if (cause instanceof TrackerError) throw cause;
        throw connectionFailure(client.http.server, subject, cause);
      }
      const text = await res.text();
      if (res.ok) return 'ok';
      const failure = httpFailure({ status: res.status, body: text, subject, retryAfter: res.headers.get('retry-after'), now: clock.now() });
      const reason = apiFailureOf(failure)?.reason ?? '';
      if (res.status === 409 && (reason === 'AlreadyExists' || call.method === 'POST')) return 'exists';
      if (res.status === 409) return 'conflict';
      if (res.status === 404 && call.method !== 'POST') return 'gone';
      throw failure;
    },
  };
}
