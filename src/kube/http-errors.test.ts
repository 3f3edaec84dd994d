import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiFailureOf, httpFailure, watchErrorFailure, type RequestSubject } from './http-errors.ts';

const now = Date.parse('2026-01-01T00:00:00Z');
const shop: RequestSubject = { verb: 'watch', resource: 'deployments.apps', namespace: 'shop' };
const all: RequestSubject = { verb: 'list', resource: 'pods', namespace: '' };
const status = (code: number, reason: string, message: string, extra: object = {}): string =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code, ...extra });

const rows: readonly { name: string; status: number; body: string; subject: RequestSubject; retryAfter?: string; code: string; message: RegExp; hint: RegExp; retryAfterMs?: number }[] = [
  { name: '401', status: 401, body: status(401, 'Unauthorized', 'Unauthorized'), subject: shop, code: 'KUBE_UNAUTHORIZED', message: /^watch deployments.apps in namespace shop failed: Unauthorized \(HTTP 401 Unauthorized\)$/, hint: /^the API server rejected the credentials of the kubeconfig user: renew its token, tokenFile, client certificate or exec-plugin login .*--kubeconfig, else \$KUBECONFIG, else ~\/\.kube\/config; another user: --context NAME\); check with the same kubeconfig: kubectl auth can-i list deployments$/ },
  {
    name: '403 names the RBAC rule',
    status: 403,
    body: status(403, 'Forbidden', 'deployments.apps is forbidden: User "system:serviceaccount:ops:rollscope" cannot watch resource "deployments" in API group "apps" in the namespace "shop"'),
    subject: shop,
    code: 'KUBE_FORBIDDEN',
    message: /cannot watch resource "deployments"/,
    hint: /^grant verb "watch" on resource "deployments" in apiGroup "apps" via a Role in namespace shop .*kubectl auth can-i watch deployments.apps -n shop$/,
  },
  { name: '403 cluster-wide asks for a ClusterRole', status: 403, body: status(403, 'Forbidden', 'forbidden'), subject: all, code: 'KUBE_FORBIDDEN', message: /^list pods cluster-wide failed/, hint: /apiGroup "" via a ClusterRole bound with a ClusterRoleBinding.*can-i list pods -A/ },
  { name: '404', status: 404, body: status(404, 'NotFound', 'the server could not find the requested resource'), subject: shop, code: 'NOT_FOUND', message: /could not find/, hint: /namespace shop does not exist/ },
  { name: '410 on a list', status: 410, body: status(410, 'Expired', 'The provided continue parameter is too old', { metadata: { continue: 'fresh' } }), subject: all, code: 'KUBE_WATCH_EXPIRED', message: /too old/, hint: /relist/ },
  { name: '429 plain text with Retry-After', status: 429, body: 'Too many requests, please try again later.\n', subject: all, retryAfter: '1', code: 'KUBE_UNAVAILABLE', message: /Too many requests, please try again later\. \(HTTP 429\)$/, hint: /backoff/, retryAfterMs: 1000 },
  { name: '503 with retryAfterSeconds in the Status', status: 503, body: status(503, 'ServiceUnavailable', 'etcd leader changed', { details: { retryAfterSeconds: 3 } }), subject: shop, code: 'KUBE_UNAVAILABLE', message: /etcd leader changed/, hint: /backoff/, retryAfterMs: 3000 },
  { name: '500 with an empty body', status: 500, body: '', subject: shop, code: 'KUBE_UNAVAILABLE', message: /failed: HTTP 500 \(HTTP 500\)$/, hint: /backoff/ },
];
for (const row of rows) {
  test(`httpFailure: ${row.name} → ${row.code}`, () => {
    const e = httpFailure({ status: row.status, body: row.body, subject: row.subject, retryAfter: row.retryAfter ?? null, now });
    assert.equal(e.code, row.code);
    assert.match(e.message, row.message);
    assert.match(e.details.hint ?? '', row.hint);
    assert.equal(apiFailureOf(e)?.status, row.status);
    assert.equal(apiFailureOf(e)?.retryAfterMs, row.retryAfterMs);
  });
}

test('httpFailure keeps the fresh continue token of an expired list', () => {
  const e = httpFailure({ status: 410, body: status(410, 'Expired', 'too old', { metadata: { continue: 'abc' } }), subject: all, now });
  assert.equal(apiFailureOf(e)?.continue, 'abc');
});

const watchRows: readonly { name: string; status: unknown; code: string }[] = [
  { name: 'the pinned 410 Expired payload', status: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 12345 (12400)', reason: 'Expired', code: 410 }, code: 'KUBE_WATCH_EXPIRED' },
  { name: 'reason Gone from servers ≤ 1.17', status: { kind: 'Status', status: 'Failure', message: 'gone', reason: 'Gone', code: 500 }, code: 'KUBE_WATCH_EXPIRED' },
  { name: 'a 500 internal error', status: { kind: 'Status', status: 'Failure', message: 'boom', reason: 'InternalError', code: 500 }, code: 'KUBE_UNAVAILABLE' },
  { name: 'garbage', status: 'nope', code: 'KUBE_UNAVAILABLE' },
];
for (const row of watchRows) {
  test(`watchErrorFailure: ${row.name} → ${row.code}`, () => {
    assert.equal(watchErrorFailure(row.status, shop, now).code, row.code);
  });
}
