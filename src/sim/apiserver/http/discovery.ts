import { DEFAULT_FEATURE_GATES, type SimFeatureGates } from '../feature-gates.ts';
import { openApiV3 } from './openapi.ts';
import { apiVersionOf, groupVersions, RESOURCES, type ResourceInfo } from '../resources.ts';

/**
 * SIM_VERSION is what `/version` reports before simVersion picks the minor: the simulator's objects,
 * kubelet and OpenAPI follow 1.32 (kubectl v1.32 is the client the tests drive; none of its commands
 * but `kubectl version` looks at the server's version).
 */
export const SIM_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-rollscope-sim',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.3',
  compiler: 'gc',
  platform: 'linux/amd64',
} as const;

/**
 * simVersion is the `/version` of a simulator with these gates: the release whose default behaviour
 * the gates model — 1.37 with WatchListCompression (on by default from 1.37), 1.36 without it — so a
 * client that decides by version (the tracker's streaming lists, src/kube/server-version.ts) meets
 * the server the gates describe.
 */
export function simVersion(gates: SimFeatureGates): Readonly<Record<keyof typeof SIM_VERSION, string>> {
  const minor = gates.WatchListCompression ? 37 : 36;
  return { ...SIM_VERSION, minor: String(minor), gitVersion: `v1.${minor}.0-rollscope-sim` };
}

function resourceEntries(r: ResourceInfo): unknown[] {
  const main = {
    name: r.resource,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.verbs,
    ...(r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length > 0 ? { categories: r.categories } : {}),
  };
  const subs = r.subresources.map((s) =>
    s === 'scale'
      ? { name: `${r.resource}/scale`, singularName: '', namespaced: r.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] }
      : { name: `${r.resource}/status`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'patch', 'update'] },
  );
  // pods/log (GET only), as /api/v1 lists it.
  const log = r.key === 'pods' ? [{ name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] }] : [];
  return [main, ...subs, ...log];
}

/** resourceList is the APIResourceList of one group version (`/api/v1`, `/apis/apps/v1`), or undefined if not served. */
export function resourceList(group: string, version: string): unknown {
  const rs = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (rs.length === 0) return undefined;
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources: rs.flatMap(resourceEntries) };
}

function apiGroup(group: string, version: string): unknown {
  const gv = { groupVersion: `${group}/${version}`, version };
  return { name: group, versions: [gv], preferredVersion: gv };
}

/**
 * discoveryDocument answers the legacy (unaggregated) discovery paths kubectl reads: `/version`,
 * `/api`, `/apis`, `/apis/<group>`, and the resource lists. Aggregated discovery is not offered:
 * answering plain JSON makes clients fall back to these. Undefined = 404.
 */
export function discoveryDocument(path: string, serverAddress: string, gates: SimFeatureGates = DEFAULT_FEATURE_GATES): unknown {
  if (path.startsWith('/openapi/v3')) return openApiV3(path);
  if (path === '/version' || path === '/version/') return simVersion(gates);
  if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
  if (path === '/apis') return { kind: 'APIGroupList', apiVersion: 'v1', groups: groupVersions().map((g) => apiGroup(g.group, g.version)) };
  const core = /^\/api\/([^/]+)$/.exec(path);
  if (core) return resourceList('', core[1] ?? '');
  const named = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
  if (named) return resourceList(named[1] ?? '', named[2] ?? '');
  const group = /^\/apis\/([^/]+)$/.exec(path);
  if (group) {
    const gv = groupVersions().find((g) => g.group === group[1]);
    return gv ? { kind: 'APIGroup', apiVersion: 'v1', ...(apiGroup(gv.group, gv.version) as object) } : undefined;
  }
  return undefined;
}
