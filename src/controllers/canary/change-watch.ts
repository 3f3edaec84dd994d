import type { Clock } from '../../lib/clock.ts';
import type { MigrationApi } from '../migration/api.ts';

/**
 * waitForChange blocks until the Deployment `name` changes after `resourceVersion` (a command
 * annotation, another driver's status write, a scale) or `ms` pass — ONE watch request
 * (`?watch=1&fieldSelector=metadata.name=…&resourceVersion=…&timeoutSeconds=…`) however long the
 * wait, so a paused or sleeping canary costs the API server the same per step whatever its
 * duration. Resolves on the first event line, on the server's timeout, or on any error (the caller
 * observes again anyway); rejects only when `signal` aborts. `ms` is `clock` time: the wait ends
 * when the clock says so, whatever the server does (a driver's claim is renewed on that clock).
 */
export async function waitForChange(api: MigrationApi, ns: string, name: string, resourceVersion: string, ms: number, clock: Clock, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return;
  const stop = new AbortController();
  const onAbort = (): void => stop.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  void clock.sleep(ms, stop.signal).then(
    () => stop.abort(new Error('wait over')),
    () => undefined, // the wait ended first
  );
  try {
    const url = new URL(`${api.client.http.server}/apis/apps/v1/namespaces/${ns}/deployments`);
    url.searchParams.set('watch', '1');
    url.searchParams.set('fieldSelector', `metadata.name=${name}`);
    if (resourceVersion !== '') url.searchParams.set('resourceVersion', resourceVersion);
    url.searchParams.set('timeoutSeconds', String(Math.max(1, Math.ceil(ms / 1000))));
    const res = await api.client.http.transport.send('GET', url, { Accept: 'application/json', 'User-Agent': 'rollscope' }, undefined, stop.signal);
    if (!res.ok || res.body === null) {
      await res.text().catch(() => '');
      await clock.sleep(Math.min(ms, 1000), stop.signal).catch(() => undefined); // not served: fall back to a short sleep
      return;
    }
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done || (value !== undefined && value.includes(10))) break; // first event line (or the server's timeout)
    }
    await reader.cancel().catch(() => undefined);
  } catch {
    // timed out, or the stream broke: observe again
  } finally {
    signal.removeEventListener('abort', onAbort);
    stop.abort();
  }
  if (signal.aborted) throw signal.reason;
}
