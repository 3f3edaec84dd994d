import type { KubeHttp } from './client.ts';

/**
 * ServerVersion is the API server's `/version` (k8s.io/apimachinery pkg/version Info): major and
 * minor as numbers (a provider's `"37+"` reads 37).
 */
export interface ServerVersion {
  readonly major: number;
  readonly minor: number;
  readonly gitVersion: string;
}

/** parseServerVersion reads a `/version` body; undefined when it is not one. Example: {major: "1", minor: "37+"} → 1.37. */
export function parseServerVersion(body: unknown): ServerVersion | undefined {
  const o = (typeof body === 'object' && body !== null ? body : {}) as { major?: unknown; minor?: unknown; gitVersion?: unknown };
  const major = typeof o.major === 'string' ? Number.parseInt(o.major, 10) : NaN;
  const minor = typeof o.minor === 'string' ? Number.parseInt(o.minor, 10) : NaN;
  if (!Number.isFinite(major) || !Number.isFinite(minor)) return undefined;
  return { major, minor, gitVersion: typeof o.gitVersion === 'string' ? o.gitVersion : `v${major}.${minor}` };
}

/** Answers already asked, per KubeHttp: `wait` builds several sets of informers on one. */
const asked = new WeakMap<KubeHttp, Promise<ServerVersion | undefined>>();

/**
 * serverVersion asks `/version` (readable by everyone: system:public-info-viewer) once per KubeHttp;
 * undefined if it cannot be read. An answer cut short by `signal` is not kept.
 */
export function serverVersion(http: KubeHttp, signal: AbortSignal): Promise<ServerVersion | undefined> {
  const known = asked.get(http);
  if (known !== undefined) return known;
  const answer = (async () => {
    try {
      const res = await http.get('/version', {}, { verb: 'get', resource: 'version', namespace: '' }, signal, 'application/json');
      return parseServerVersion(await res.json());
    } catch {
      if (signal.aborted) asked.delete(http);
      return undefined;
    }
  })();
  asked.set(http, answer);
  return answer;
}

/**
 * compressesStreamingLists tells whether a server of this version compresses streaming lists by
 * default: WatchListCompression is beta and on from Kubernetes 1.37 (kubernetes/kubernetes#139308).
 */
export function compressesStreamingLists(v: ServerVersion): boolean {
  return v.major > 1 || (v.major === 1 && v.minor >= 37);
}
