import type { KubeObject } from '../../../kube/types.ts';
import type { Instant } from '../../../lib/clock.ts';
import { badRequest, notFound } from '../../core/api-error.ts';
import type { LogLine } from '../../core/container-logs.ts';
import { record, records, text } from '../../core/fields.ts';
import type { ApiCall } from './context.ts';
import { queryBool, queryInt } from './query.ts';

/**
 * `GET …/pods/NAME/log`: a container's log as text/plain, as kube-apiserver serves it by proxying
 * the kubelet. Rules followed:
 * - container choice and the errors before any kubelet is asked: pkg/registry/core/pod/strategy.go
 *   (LogLocation: `a container name must be specified for pod %s, choose one of: %s`,
 *   `container %s is not valid for pod %s`, `pod %s does not have a host assigned`);
 * - which run is read: pkg/kubelet/kubelet_pods.go validateContainerLogStatus — `previous` reads
 *   `lastState.terminated`, otherwise the running container, the terminated one, the last
 *   terminated one, else a waiting error (`container %q in pod %q is waiting to start: …`);
 * - options (PodLogOptions, staging/src/k8s.io/api/core/v1/types.go): `tailLines`, `sinceSeconds`,
 *   `sinceTime`, `timestamps` (RFC3339Nano prefix), `limitBytes`, and `follow`, which keeps the
 *   response open and streams new lines until the container stops.
 * Errors of the kubelet reach the client as 400 BadRequest Status objects, as kubectl shows them.
 */

/** rfc3339Nano renders an instant as Go's time.RFC3339Nano does (trailing zeros of the fraction dropped). */
export function rfc3339Nano(at: Instant): string {
  return new Date(at).toISOString().replace(/\.?0+Z$/, 'Z');
}

function podContainers(pod: KubeObject, key: 'containers' | 'initContainers'): string[] {
  return records(record(pod['spec'])[key]).map((c) => text(c.name) ?? '');
}

/** chooseContainer is LogLocation's container choice (strategy.go). */
function chooseContainer(pod: KubeObject, wanted: string | null): string {
  const name = pod.metadata.name ?? '';
  const main = podContainers(pod, 'containers');
  const init = podContainers(pod, 'initContainers');
  if (wanted === null || wanted === '') {
    if (main.length === 1) return main[0] ?? '';
    const initPart = init.length > 0 ? ` or one of the init containers: [${init.join(' ')}]` : '';
    throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${main.join(' ')}]${initPart}`, 'pass -c CONTAINER');
  }
  if (!main.includes(wanted) && !init.includes(wanted)) throw badRequest(`container ${wanted} is not valid for pod ${name}`, 'pass one of the pod\'s container names');
  return wanted;
}

/** containerIdFor is validateContainerLogStatus (kubelet_pods.go): the container ID whose log is read, or the kubelet's error. */
export function containerIdFor(pod: KubeObject, container: string, previous: boolean): string {
  const podName = pod.metadata.name ?? '';
  const status = record(pod['status']);
  const cs = [...records(status.containerStatuses), ...records(status.initContainerStatuses)].find((c) => c.name === container);
  const q = JSON.stringify;
  if (cs === undefined) throw badRequest(`container ${q(container)} in pod ${q(podName)} is waiting to start - no logs yet`);
  const state = record(cs.state);
  const lastTerminated = record(record(cs.lastState).terminated);
  const lastId = text(lastTerminated.containerID) ?? '';
  if (previous) {
    if (lastId === '') throw badRequest(`previous terminated container ${q(container)} in pod ${q(podName)} not found`, 'read the current container: drop --previous');
    return lastId;
  }
  if (state.running !== undefined) return text(cs.containerID) ?? '';
  if (state.terminated !== undefined) {
    const id = text(record(state.terminated).containerID) ?? '';
    if (id !== '') return id;
    if (lastId !== '') return lastId;
    throw badRequest(`container ${q(container)} in pod ${q(podName)} is terminated`);
  }
  if (Object.keys(lastTerminated).length > 0) {
    if (lastId === '') throw badRequest(`container ${q(container)} in pod ${q(podName)} is terminated`);
    return lastId;
  }
  const reason = text(record(state.waiting).reason);
  if (reason === 'ErrImagePull') throw badRequest(`container ${q(container)} in pod ${q(podName)} is waiting to start: image can't be pulled`);
  if (reason === 'ImagePullBackOff') throw badRequest(`container ${q(container)} in pod ${q(podName)} is waiting to start: trying and failing to pull image`);
  if (reason !== undefined) throw badRequest(`container ${q(container)} in pod ${q(podName)} is waiting to start: ${reason}`);
  throw badRequest(`container ${q(container)} in pod ${q(podName)} is waiting to start - no logs yet`);
}

/** servePodLog answers `GET pods/NAME/log` (see the file comment). */
export function servePodLog(call: ApiCall): void {
  const { route, state, query, res } = call;
  const name = route.name ?? '';
  const pod = state.store.get('pods', route.namespace, name);
  if (!pod) throw notFound(route.info, name);
  const container = chooseContainer(pod, query.get('container'));
  if ((text(record(pod['spec']).nodeName) ?? '') === '') throw badRequest(`pod ${name} does not have a host assigned`, 'wait until the pod is scheduled');
  const previous = queryBool(query, 'previous');
  const follow = queryBool(query, 'follow') && !previous;
  const timestamps = queryBool(query, 'timestamps');
  const tailLines = queryInt(query, 'tailLines');
  const sinceSeconds = queryInt(query, 'sinceSeconds');
  const limitBytes = queryInt(query, 'limitBytes');
  const sinceTimeText = query.get('sinceTime');
  if (tailLines !== undefined && tailLines < 0) throw badRequest('tailLines: Invalid value: must be greater than or equal to 0');
  if (sinceSeconds !== undefined && sinceSeconds < 1) throw badRequest('sinceSeconds: Invalid value: must be greater than 0');
  if (limitBytes !== undefined && limitBytes < 1) throw badRequest('limitBytes: Invalid value: must be greater than 0');
  const id = containerIdFor(pod, container, previous);
  const logs = state.logs;
  const since = sinceSeconds !== undefined ? state.clock.now() - sinceSeconds * 1000 : sinceTimeText ? Date.parse(sinceTimeText) : Number.NEGATIVE_INFINITY;
  let lines = logs.lines(id).filter((l) => l.at >= since);
  if (tailLines !== undefined) lines = tailLines === 0 ? [] : lines.slice(-tailLines);
  const render = (l: LogLine): string => `${timestamps ? `${rfc3339Nano(l.at)} ` : ''}${l.text}\n`;
  let budget = limitBytes ?? Number.POSITIVE_INFINITY;
  let sent = 0;
  /** emit writes a chunk within the byte limit; false once the limit is reached. */
  const emit = (chunk: string): boolean => {
    let bytes = Buffer.from(chunk);
    if (bytes.length > budget) bytes = bytes.subarray(0, budget);
    budget -= bytes.length;
    sent += bytes.length;
    if (bytes.length > 0) res.write(bytes);
    return budget > 0;
  };
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', ...(follow ? { 'Transfer-Encoding': 'chunked' } : {}) });
  const finish = (): void => {
    state.accounting.countBytes(call.verb, route.info.key, sent);
    res.end();
  };
  const head = lines.map(render).join('');
  if (!emit(head) || !follow) {
    finish();
    return;
  }
  let stop = (): void => undefined;
  const done = (): void => {
    stop();
    call.req.off('close', done);
    if (!res.writableEnded) finish();
  };
  stop = logs.follow(id, (line) => {
    if (line === null || !emit(render(line))) done();
  });
  call.req.on('close', done);
  res.on('close', done);
}
