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

/** authorize decides a resource request by RBAC; `system:masters` is always allowed. */
export function authorize(store: SimStore, user: UserInfo, a: ResourceAttributes): boolean {
  if (user.groups.includes('system:masters')) return true;
  const roleRules = (b: Binding, namespace: string | undefined): readonly Rule[] => {
    const ref = b.roleRef;
    if (ref?.name === undefined) return [];
    if (ref.kind === 'ClusterRole') return rulesOf(store.get('clusterroles.rbac.authorization.k8s.io', undefined, ref.name));
    return namespace === undefined ? [] : rulesOf(store.get('roles.rbac.authorization.k8s.io', namespace, ref.name));
  };
  for (const b of store.list('clusterrolebindings.rbac.authorization.k8s.io') as readonly (KubeObject & Binding)[])
    if (binds(b, user) && roleRules(b, undefined).some((r) => ruleAllows(r, a))) return true;
  if (a.namespace !== undefined)
    for (const b of store.list('rolebindings.rbac.authorization.k8s.io', { namespace: a.namespace }) as readonly (KubeObject & Binding)[])
      if (binds(b, user) && roleRules(b, a.namespace).some((r) => ruleAllows(r, a))) return true;
  return false;
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
