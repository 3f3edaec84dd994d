import type { Instant } from '../lib/clock.ts';
import { TrackerError, type ErrorCode } from '../lib/errors.ts';
import { parseRetryAfter } from './backoff.ts';

/** RequestSubject says what a request was doing, for error messages and RBAC hints: `list deployments.apps in shop`. */
export interface RequestSubject {
  readonly verb: 'list' | 'watch' | 'get' | 'patch' | 'create' | 'update' | 'delete';
  /** Resource with its group, e.g. `deployments.apps`, `pods`. */
  readonly resource: string;
  /** Namespace, or '' for cluster-wide. */
  readonly namespace: string;
}

/** ApiFailure is the `cause` of a TrackerError made from an HTTP failure or a watch ERROR event. */
export interface ApiFailure {
  readonly kind: 'ApiFailure';
  readonly status: number;
  /** The Status reason (`Expired`, `Forbidden`, …), '' if the body had none. */
  readonly reason: string;
  /** How long the server asked us to wait (Retry-After header or Status details.retryAfterSeconds). */
  readonly retryAfterMs: number | undefined;
  /** A fresh continue token sent with a 410 for an expired continue (kubernetes.md §8.1), '' if none. */
  readonly continue: string;
}

/** apiFailureOf returns the ApiFailure behind a TrackerError, if it has one. */
export function apiFailureOf(e: unknown): ApiFailure | undefined {
  if (!(e instanceof TrackerError)) return undefined;
  const c = e.details.cause;
  return typeof c === 'object' && c !== null && (c as { kind?: unknown }).kind === 'ApiFailure' ? (c as ApiFailure) : undefined;
}

const where = (s: RequestSubject): string => (s.namespace === '' ? 'cluster-wide' : `in namespace ${s.namespace}`);

/** CODE_BY_STATUS maps HTTP statuses to error codes; everything else ≥ 500 (and 429) is KUBE_UNAVAILABLE. */
const CODE_BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  401: 'KUBE_UNAUTHORIZED',
  403: 'KUBE_FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  410: 'KUBE_WATCH_EXPIRED',
  429: 'KUBE_UNAVAILABLE',
};

/** HttpFailureInput is one failed response. */
export interface HttpFailureInput {
  readonly status: number;
  /** The response body: usually a JSON Status, plain text for 429s from priority & fairness. */
  readonly body: string;
  readonly subject: RequestSubject;
  readonly retryAfter?: string | null;
  readonly now: Instant;
}

/**
 * httpFailure turns a failed API response into a TrackerError whose message names the request
 * and whose hint says what to do: 401 → KUBE_UNAUTHORIZED, 403 → KUBE_FORBIDDEN with the RBAC
 * rule to grant (verb, resource, namespace), 404 → NOT_FOUND, 410 → KUBE_WATCH_EXPIRED,
 * 429 and 5xx → KUBE_UNAVAILABLE carrying Retry-After. The Status body, when present, supplies the message.
 */
export function httpFailure(input: HttpFailureInput): TrackerError {
  const st = parseStatus(input.body);
  const { subject } = input;
  const code = CODE_BY_STATUS[input.status] ?? (input.status >= 500 ? 'KUBE_UNAVAILABLE' : 'INTERNAL');
  const retryAfterMs = parseRetryAfter(input.retryAfter, input.now) ?? (st.retryAfterSeconds === undefined ? undefined : st.retryAfterSeconds * 1000);
  const cause: ApiFailure = { kind: 'ApiFailure', status: input.status, reason: st.reason, retryAfterMs, continue: st.continue };
  const text = st.message !== '' ? st.message : input.body.trim().slice(0, 200) || `HTTP ${input.status}`;
  const what = `${subject.verb} ${subject.resource} ${where(subject)}`;
  return new TrackerError(code, `${what} failed: ${text} (HTTP ${input.status}${st.reason ? ` ${st.reason}` : ''})`, {
    subject: `${subject.resource}${subject.namespace ? ` in ${subject.namespace}` : ''}`,
    hint: hintFor(code, subject),
    cause,
  });
}

/**
 * UNAUTHORIZED_HINT is the hint of a 401: authentication, not RBAC. rollscope reads credentials
 * the way kubectl does — the user of the kubeconfig context (token, tokenFile, client certificate,
 * exec plugin), from --kubeconfig, else $KUBECONFIG, else ~/.kube/config, or the service account
 * inside a pod — and has no token flag of its own.
 */
export const UNAUTHORIZED_HINT =
  'the API server rejected the credentials of the kubeconfig user: renew its token, tokenFile, client certificate or exec-plugin login in the kubeconfig in use (--kubeconfig, else $KUBECONFIG, else ~/.kube/config; another user: --context NAME); check with the same kubeconfig: kubectl auth can-i list deployments';

function hintFor(code: ErrorCode, s: RequestSubject): string {
  switch (code) {
    case 'KUBE_UNAUTHORIZED':
      return UNAUTHORIZED_HINT;
    case 'KUBE_FORBIDDEN': {
      const [resource, group = ''] = splitResource(s.resource);
      const scope = s.namespace === '' ? 'a ClusterRole bound with a ClusterRoleBinding' : `a Role in namespace ${s.namespace} (or a ClusterRole)`;
      return `grant verb "${s.verb}" on resource "${resource}" in apiGroup "${group}" via ${scope}; check with: kubectl auth can-i ${s.verb} ${s.resource}${s.namespace ? ` -n ${s.namespace}` : ' -A'}`;
    }
    case 'NOT_FOUND':
      return `the server does not serve ${s.resource}${s.namespace ? ` or namespace ${s.namespace} does not exist` : ''}; check the cluster version and the namespace`;
    case 'KUBE_WATCH_EXPIRED':
      return 'the resourceVersion is too old; relist (the reflector does this on its own)';
    case 'CONFLICT':
      return 'the object changed since it was read (resourceVersion/precondition mismatch) or already exists; read it again and retry';
    case 'KUBE_UNAVAILABLE':
      return 'the API server is overloaded or unavailable; retrying with backoff';
    default:
      return 'unexpected API response; rerun with debug logging and report it';
  }
}

function splitResource(r: string): [string, string?] {
  const i = r.indexOf('.');
  return i < 0 ? [r] : [r.slice(0, i), r.slice(i + 1)];
}

interface ParsedStatus {
  readonly message: string;
  readonly reason: string;
  readonly retryAfterSeconds: number | undefined;
  readonly continue: string;
}

/** parseStatus reads the fields we use from a Status body; anything unreadable yields empty fields. */
export function parseStatus(body: unknown): ParsedStatus {
  let v: unknown = body;
  if (typeof body === 'string') {
    try {
      v = JSON.parse(body);
    } catch {
      return { message: '', reason: '', retryAfterSeconds: undefined, continue: '' };
    }
  }
  const o = typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  const details = typeof o.details === 'object' && o.details !== null ? (o.details as Record<string, unknown>) : {};
  const meta = typeof o.metadata === 'object' && o.metadata !== null ? (o.metadata as Record<string, unknown>) : {};
  return {
    message: typeof o.message === 'string' ? o.message : '',
    reason: typeof o.reason === 'string' ? o.reason : '',
    retryAfterSeconds: typeof details.retryAfterSeconds === 'number' ? details.retryAfterSeconds : undefined,
    continue: typeof meta.continue === 'string' ? meta.continue : '',
  };
}

/**
 * watchErrorFailure turns the Status of a watch ERROR event into a TrackerError. 410, reason
 * `Expired`, or reason `Gone` (servers ≤ 1.17) → KUBE_WATCH_EXPIRED; otherwise by its code.
 */
export function watchErrorFailure(status: unknown, subject: RequestSubject, now: Instant): TrackerError {
  const o = typeof status === 'object' && status !== null ? (status as Record<string, unknown>) : {};
  const st = parseStatus(status);
  const code = typeof o.code === 'number' ? o.code : 500;
  const expired = code === 410 || st.reason === 'Expired' || st.reason === 'Gone';
  return httpFailure({ status: expired ? 410 : code, body: JSON.stringify(status ?? null), subject, now });
}
