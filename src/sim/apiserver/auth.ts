import type { KubeObject } from '../../kube/types.ts';
import { failureStatus, SimApiError } from '../core/api-error.ts';
import type { SimStore } from '../core/store-api.ts';

/**
 * Authentication and authorization of the simulated API server, when enabled (`rollscope sim` enables
 * it; in-process test clusters run without it unless asked). As kube-apiserver does it:
 * - a bearer token maps to a user: the kubeconfig's admin token is `kubernetes-admin` in group
 *   `system:masters` (allowed everything); service-account tokens minted by `serviceAccountToken` are
 *   `system:serviceaccount:NS:NAME` in `system:serviceaccounts`, `system:serviceaccounts:NS`;
 *   everyone authenticated is in `system:authenticated`. No or an unknown token → 401 Unauthorized.
 * - RBAC: a request is allowed when a ClusterRoleBinding (any namespace) or a RoleBinding in the
 *   request's namespace binds the user, one of its groups, or its service account to a
 *   (Cluster)Role with a rule matching the verb, API group, resource (with `/subresource`) and name;
 *   `*` matches anything. Otherwise 403 Forbidden with kube-apiserver's message
 *   (plugin/pkg/auth/authorizer/rbac and staging/src/k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go).
 * Non-resource paths (discovery, /version, /healthz) are open to every authenticated user, as the
 * default `system:discovery` and `system:public-info-viewer` roles make them.
 */

/** UserInfo is who a request comes from. */
export interface UserInfo {
  readonly name: string;
  readonly groups: readonly string[];
}

/** ResourceAttributes are what RBAC decides on. */
export interface ResourceAttributes {
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string | undefined;
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
}

/** SimAuth holds the tokens the server accepts. */
export interface SimAuth {
  /** The admin token written into the kubeconfig. */
  readonly adminToken: string;
  /** serviceAccountToken mints (once per account) the token a pod of that ServiceAccount would get. */
  serviceAccountToken(namespace: string, name: string): string;
  /** authenticate maps an Authorization header to a user; throws 401 for none or an unknown token. */
  authenticate(authorization: string | undefined): UserInfo;
}

function token(random: () => number): string {
  return Array.from({ length: 40 }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(random() * 36)]).join('');
}

/** createSimAuth makes the token table; `random` is the simulator's random source. */
export function createSimAuth(random: () => number): SimAuth {
  const users = new Map<string, UserInfo>();
  const adminToken = token(random);
  users.set(adminToken, { name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] });
  const minted = new Map<string, string>();
  return {
    adminToken,
    serviceAccountToken(namespace, name) {
      const key = `${namespace}/${name}`;
      let t = minted.get(key);
      if (t === undefined) {
        t = token(random);
        minted.set(key, t);
        users.set(t, { name: `system:serviceaccount:${namespace}:${name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'] });
      }
      return t;
    },
    authenticate(authorization) {
      const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
      const user = m?.[1] === undefined ? undefined : users.get(m[1]);
      if (user === undefined) throw new SimApiError(failureStatus({ code: 401, reason: 'Unauthorized', message: 'Unauthorized' }), 'send a bearer token from the simulator\'s kubeconfig');
      return user;
    },
  };
}

interface Rule {
  readonly verbs?: readonly string[];
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
}

const matches = (list: readonly string[] | undefined, value: string): boolean => list !== undefined && (list.includes('*') || list.includes(value));

function ruleAllows(rule: Rule, a: ResourceAttributes): boolean {
  const resource = a.subresource === undefined ? a.resource : `${a.resource}/${a.subresource}`;
  if (!matches(rule.verbs, a.verb) || !matches(rule.apiGroups, a.group)) return false;
  if (!(matches(rule.resources, resource) || (a.subresource !== undefined && rule.resources?.includes(`*/${a.subresource}`)))) return false;
  return rule.resourceNames === undefined || rule.resourceNames.length === 0 || (a.name !== undefined && rule.resourceNames.includes(a.name));
}

interface Binding {
  readonly roleRef?: { readonly kind?: string; readonly name?: string };
  readonly subjects?: readonly { readonly kind?: string; readonly name?: string; readonly namespace?: string }[];
}

function binds(b: Binding, user: UserInfo): boolean {
  return (b.subjects ?? []).some((s) => {
    if (s.kind === 'User') return s.name === user.name;
    if (s.kind === 'Group') return s.name !== undefined && user.groups.includes(s.name);
    if (s.kind === 'ServiceAccount') return user.name === `system:serviceaccount:${s.namespace ?? ''}:${s.name ?? ''}`;
    return false;
  });
}

function rulesOf(role: KubeObject | undefined): readonly Rule[] {
  return ((role as { rules?: readonly Rule[] } | undefined)?.rules ?? []);
}

/** Decision is an authorizer's answer; `reason` says which binding allowed it (RBAC's wording), '' if none. */
export interface Decision {
  readonly allowed: boolean;
  readonly reason: string;
}

type Subject = NonNullable<Binding['subjects']>[number];

function subjectOf(b: Binding, user: UserInfo): Subject | undefined {
  return (b.subjects ?? []).find((s) => binds({ subjects: [s] }, user));
}

/** describeSubject is RBAC's rendering of a binding subject (plugin/pkg/auth/authorizer/rbac/rbac.go). */
function describeSubject(s: Subject, bindingNamespace: string): string {
  const name = s.kind === 'ServiceAccount' ? `${s.name ?? ''}/${s.namespace ?? bindingNamespace}` : (s.name ?? '');
  return `${s.kind ?? ''} ${JSON.stringify(name)}`;
}

/**
 * BASIC_USER_RULES are the default `system:basic-user` ClusterRole's rules, bound to every
 * authenticated user: anyone may ask what they themselves may do.
 */
const BASIC_USER_RULES: readonly Rule[] = [{ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] }];

/**
 * decide is the authorizer chain of kube-apiserver for a resource request: members of
 * `system:masters` are allowed (no reason given), then RBAC — ClusterRoleBindings, then
 * RoleBindings of the request's namespace — whose reason names the binding as rbac.go words it:
 * `RBAC: allowed by ClusterRoleBinding "NAME" of ClusterRole "ROLE" to User "NAME"`.
 */
export function decide(store: SimStore, user: UserInfo, a: ResourceAttributes): Decision {
  if (user.groups.includes('system:masters')) return { allowed: true, reason: '' };
  if (user.groups.includes('system:authenticated') && BASIC_USER_RULES.some((r) => ruleAllows(r, a)))
    return { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "system:basic-user" of ClusterRole "system:basic-user" to Group "system:authenticated"' };
  const roleRules = (b: Binding, namespace: string | undefined): readonly Rule[] => {
    const ref = b.roleRef;
    if (ref?.name === undefined) return [];
    if (ref.kind === 'ClusterRole') return rulesOf(store.get('clusterroles.rbac.authorization.k8s.io', undefined, ref.name));
    return namespace === undefined ? [] : rulesOf(store.get('roles.rbac.authorization.k8s.io', namespace, ref.name));
  };
  for (const b of store.list('clusterrolebindings.rbac.authorization.k8s.io') as readonly (KubeObject & Binding)[]) {
    const s = subjectOf(b, user);
    if (s && roleRules(b, undefined).some((r) => ruleAllows(r, a)))
      return { allowed: true, reason: `RBAC: allowed by ClusterRoleBinding ${JSON.stringify(b.metadata.name ?? '')} of ${b.roleRef?.kind ?? ''} ${JSON.stringify(b.roleRef?.name ?? '')} to ${describeSubject(s, '')}` };
  }
  if (a.namespace !== undefined)
    for (const b of store.list('rolebindings.rbac.authorization.k8s.io', { namespace: a.namespace }) as readonly (KubeObject & Binding)[]) {
      const s = subjectOf(b, user);
      if (s && roleRules(b, a.namespace).some((r) => ruleAllows(r, a)))
        return { allowed: true, reason: `RBAC: allowed by RoleBinding ${JSON.stringify(`${b.metadata.name ?? ''}/${a.namespace}`)} of ${b.roleRef?.kind ?? ''} ${JSON.stringify(b.roleRef?.name ?? '')} to ${describeSubject(s, a.namespace)}` };
    }
  return { allowed: false, reason: '' };
}

/** authorize decides a resource request by RBAC; `system:masters` is always allowed. */
export function authorize(store: SimStore, user: UserInfo, a: ResourceAttributes): boolean {
  return decide(store, user, a).allowed;
}

/** forbidden is kube-apiserver's 403 for a denied resource request. */
export function forbidden(user: UserInfo, a: ResourceAttributes): SimApiError {
  const resource = a.subresource === undefined ? a.resource : `${a.resource}/${a.subresource}`;
  const qualified = `${a.resource}${a.group === '' ? '' : `.${a.group}`}`;
  const what = a.name === undefined ? qualified : `${qualified} "${a.name}"`;
  const scope = a.namespace === undefined ? 'at the cluster scope' : `in the namespace "${a.namespace}"`;
  const message = `${what} is forbidden: User "${user.name}" cannot ${a.verb} resource "${resource}" in API group "${a.group}" ${scope}`;
  return new SimApiError(failureStatus({ code: 403, reason: 'Forbidden', message, details: { ...(a.name === undefined ? {} : { name: a.name }), ...(a.group === '' ? {} : { group: a.group }), kind: a.resource } }), `grant ${a.verb} on ${resource} to ${user.name} with a Role or ClusterRole binding`);
}

/**
 * impersonated applies `Impersonate-User`/`Impersonate-Group` headers (kubectl `--as`/`--as-group`)
 * as the impersonation filter does (staging/src/k8s.io/apiserver/pkg/endpoints/filters/impersonation.go):
 * the requester needs `impersonate` on `users` (or `serviceaccounts` for `system:serviceaccount:NS:NAME`,
 * `groups` for each group); the request then runs as that user, in `system:authenticated` (and, for a
 * service account, `system:serviceaccounts` and `system:serviceaccounts:NS`). Throws 403 when not allowed.
 */
export function impersonated(store: SimStore, user: UserInfo, headers: Readonly<Record<string, string | string[] | undefined>>): UserInfo {
  const asUser = headers['impersonate-user'];
  const name = Array.isArray(asUser) ? asUser[0] : asUser;
  if (name === undefined || name === '') return user;
  const rawGroups = headers['impersonate-group'];
  const groups = (Array.isArray(rawGroups) ? rawGroups : rawGroups === undefined ? [] : [rawGroups]).flatMap((g) => g.split(',')).map((g) => g.trim()).filter(Boolean);
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(name);
  const checks: ResourceAttributes[] = [
    sa ? { verb: 'impersonate', group: '', resource: 'serviceaccounts', namespace: sa[1], name: sa[2] } : { verb: 'impersonate', group: '', resource: 'users', name },
    ...groups.map((g) => ({ verb: 'impersonate', group: '', resource: 'groups', name: g })),
  ];
  for (const a of checks) if (!authorize(store, user, a)) throw forbidden(user, a);
  const saGroups = sa ? ['system:serviceaccounts', `system:serviceaccounts:${sa[1] ?? ''}`] : [];
  return { name, groups: [...new Set([...groups, ...saGroups, 'system:authenticated'])] };
}
