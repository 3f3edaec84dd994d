import type { KubeHttp } from './client.ts';

/** PodLogOptions are the PodLogOptions query parameters rollscope sends (staging/src/k8s.io/api/core/v1/types.go). */
export interface PodLogOptions {
  readonly container?: string;
  /** The previous (terminated) run of the container: what a crash loop's diagnosis quotes. */
  readonly previous?: boolean;
  readonly tailLines?: number;
  /** The server stops after this many bytes. */
  readonly limitBytes?: number;
}

/**
 * readPodLog reads a container's log (`GET /api/v1/namespaces/NS/pods/NAME/log`, text/plain).
 * Rejects with the client's TrackerError for an HTTP failure (e.g. 400 "previous terminated
 * container … not found", 403 without `get pods/log`).
 */
export async function readPodLog(http: KubeHttp, namespace: string, name: string, opts: PodLogOptions, signal: AbortSignal): Promise<string> {
  const query: Record<string, string> = {
    ...(opts.container === undefined ? {} : { container: opts.container }),
    ...(opts.previous === true ? { previous: 'true' } : {}),
    ...(opts.tailLines === undefined ? {} : { tailLines: String(opts.tailLines) }),
    ...(opts.limitBytes === undefined ? {} : { limitBytes: String(opts.limitBytes) }),
  };
  const res = await http.get(`/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/log`, query, { verb: 'get', resource: 'pods/log', namespace }, signal);
  return res.text();
}
