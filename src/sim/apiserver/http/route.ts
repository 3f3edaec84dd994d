import { resourceByPath, type ResourceInfo } from '../resources.ts';

/** ResourceRoute is a request for a resource collection, object or subresource. */
export interface ResourceRoute {
  readonly kind: 'resource';
  readonly info: ResourceInfo;
  /** Namespace from the URL (undefined for cluster-scoped or all-namespaces requests). */
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly subresource: string | undefined;
}

/** Route is what a request path addresses: a resource, a discovery document, or nothing we serve. */
export type Route =
  | ResourceRoute
  | { readonly kind: 'discovery'; readonly path: string }
  | { readonly kind: 'unknown' };

/**
 * routeOf parses an API path: `/api/v1/namespaces/shop/pods/web/status`,
 * `/apis/apps/v1/deployments`, `/api/v1/namespaces/shop` (the Namespace object itself)…
 */
export function routeOf(pathname: string): Route {
  const nsSub = /^\/api\/v1\/namespaces\/([^/]+)\/(status|finalize)$/.exec(pathname);
  const nsInfo = resourceByPath('', 'v1', 'namespaces');
  if (nsSub && nsInfo) return { kind: 'resource', info: nsInfo, namespace: undefined, name: decodeURIComponent(nsSub[1] ?? ''), subresource: nsSub[2] };
  const parts = pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) {
    group = '';
    version = parts[1] ?? '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1] ?? '';
    version = parts[2] ?? '';
    rest = parts.slice(3);
  } else {
    return { kind: 'discovery', path: `/${parts.join('/')}` };
  }
  if (rest.length === 0) return { kind: 'discovery', path: `/${parts.join('/')}` };
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const info = resourceByPath(group, version, rest[0] ?? '');
  if (!info || rest.length > 3) return { kind: 'unknown' };
  if (namespace !== undefined && !info.namespaced) return { kind: 'unknown' };
  return { kind: 'resource', info, namespace: info.namespaced ? namespace : undefined, name: rest[1], subresource: rest[2] };
}
