import { isCanaryNotification, type Notification, type NotificationState } from './message.ts';

/**
 * Route selects which notifications go to which sinks. Every field present must match; an absent
 * field matches everything. Names and namespaces accept `*` globs (`shop-*`).
 */
export interface Route {
  readonly sinks: readonly string[];
  readonly namespaces?: readonly string[];
  readonly names?: readonly string[];
  /** Workload labels that must all be present with these values. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly states?: readonly NotificationState[];
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

function matchesAny(value: string, globs: readonly string[] | undefined): boolean {
  return globs === undefined || globs.some((g) => globToRegExp(g).test(value));
}

/** routeMatches tells whether one route selects a notification. */
export function routeMatches(route: Route, n: Notification): boolean {
  const w = isCanaryNotification(n) ? { namespace: n.canary.namespace, name: n.canary.name } : n.release.workload;
  if (!matchesAny(w.namespace, route.namespaces)) return false;
  if (!matchesAny(w.name, route.names)) return false;
  if (route.states && !route.states.includes(n.state)) return false;
  for (const [k, v] of Object.entries(route.labels ?? {})) if (n.labels[k] !== v) return false;
  return true;
}

/**
 * sinksFor returns the names of the sinks a notification goes to: the union over matching routes,
 * each name once, in first-match order. Example: routes [{sinks:[a], states:[failed]}, {sinks:[a,b]}]
 * send a failed notification to [a, b] and a started one to [a, b].
 */
export function sinksFor(routes: readonly Route[], n: Notification): string[] {
  const out: string[] = [];
  for (const r of routes) if (routeMatches(r, n)) for (const s of r.sinks) if (!out.includes(s)) out.push(s);
  return out;
}
