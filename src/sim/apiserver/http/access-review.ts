import { decide, type Decision, type UserInfo } from '../auth.ts';
import { badRequest, methodNotAllowed } from '../../core/api-error.ts';
import { isPlainObject } from '../../core/deep.ts';
import { record, text } from '../../core/fields.ts';
import { parseBody } from './body.ts';
import type { ApiCall } from './context.ts';
import { sendJson } from './respond.ts';

/**
 * `POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews` (what `kubectl auth can-i` sends)
 * and `subjectaccessreviews`: the request's attributes are decided by the same authorizer that
 * guards every request (auth.ts `decide`) and answered with 201 and `status.allowed`/`reason`;
 * nothing is stored (pkg/registry/authorization/selfsubjectaccessreview/rest.go and
 * subjectaccessreview/rest.go). A server started without authentication allows everything, so
 * every review is allowed there. Non-resource paths: discovery, version and health endpoints are
 * open to every authenticated user (the default `system:discovery`/`system:public-info-viewer`
 * roles); anything else needs `system:masters`.
 */

const OPEN_NON_RESOURCE = /^\/(api|apis|version|healthz|livez|readyz|openapi)(\/.*)?$/;

function nonResourceDecision(user: UserInfo, path: string, verb: string): Decision {
  if (user.groups.includes('system:masters')) return { allowed: true, reason: '' };
  if (verb === 'get' && OPEN_NON_RESOURCE.test(path) && user.groups.includes('system:authenticated'))
    return { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"' };
  return { allowed: false, reason: '' };
}

function reviewDecision(call: ApiCall, user: UserInfo | undefined, spec: Record<string, unknown>): Decision {
  const resource = spec['resourceAttributes'];
  const nonResource = spec['nonResourceAttributes'];
  if (isPlainObject(resource) === isPlainObject(nonResource))
    throw badRequest(`${call.route.info.kind}.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified`);
  if (user === undefined) return { allowed: true, reason: '' };
  if (isPlainObject(nonResource)) return nonResourceDecision(user, text(nonResource['path']) ?? '', text(nonResource['verb']) ?? '');
  const r = record(resource);
  const namespace = text(r.namespace);
  const subresource = text(r.subresource);
  const name = text(r.name);
  return decide(call.state.store, user, {
    verb: text(r.verb) ?? '',
    group: text(r.group) ?? '',
    resource: text(r.resource) ?? '',
    ...(subresource ? { subresource } : {}),
    ...(namespace ? { namespace } : {}),
    ...(name ? { name } : {}),
  });
}

/** serveAccessReview answers a POST of a SelfSubjectAccessReview or SubjectAccessReview. */
export function serveAccessReview(call: ApiCall): void {
  if (call.verb !== 'create' || call.route.name !== undefined) throw methodNotAllowed('the server does not allow this method on the requested resource');
  const body = parseBody(call);
  const spec = record(record(body).spec) as Record<string, unknown>;
  let user = call.user;
  if (call.route.info.kind === 'SubjectAccessReview') {
    const name = text(spec['user']) ?? '';
    const groups = Array.isArray(spec['groups']) ? (spec['groups'] as unknown[]).filter((g): g is string => typeof g === 'string') : [];
    if (name === '' && groups.length === 0) throw badRequest('SubjectAccessReview.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified');
    user = call.user === undefined ? undefined : { name, groups };
  }
  const decision = reviewDecision(call, user, spec);
  sendJson(call, 201, {
    kind: call.route.info.kind,
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec,
    status: { allowed: decision.allowed, ...(decision.reason === '' ? {} : { reason: decision.reason }) },
  });
}
