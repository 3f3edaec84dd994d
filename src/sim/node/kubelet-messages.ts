import { createHash } from 'node:crypto';
import { goDuration } from '../../model/duration.ts';

/**
 * normalizeImage expands an image reference as containerd reports it in `containerStatuses[].image`:
 * `nginx:1.25` → `docker.io/library/nginx:1.25`; a missing tag becomes `:latest`.
 */
export function normalizeImage(image: string): string {
  const [name = '', digest] = image.split('@');
  const firstSlash = name.indexOf('/');
  const head = firstSlash < 0 ? '' : name.slice(0, firstSlash);
  const hasRegistry = firstSlash >= 0 && (head.includes('.') || head.includes(':') || head === 'localhost');
  let repo = hasRegistry ? name : `docker.io/${firstSlash < 0 ? `library/${name}` : name}`;
  const lastSlash = repo.lastIndexOf('/');
  if (digest === undefined && !repo.slice(lastSlash + 1).includes(':')) repo += ':latest';
  return digest === undefined ? repo : `${repo}@${digest}`;
}

/** imageDigest is the stable `sha256:…` digest the simulator gives an image (derived from its normalized name). */
export function imageDigest(image: string): string {
  return `sha256:${createHash('sha256').update(normalizeImage(image)).digest('hex')}`;
}

/** imageID is `containerStatuses[].imageID`: the repository with the digest, e.g. `docker.io/library/nginx@sha256:…`. */
export function imageID(image: string): string {
  const normalized = normalizeImage(image);
  if (normalized.includes('@')) return normalized;
  const repo = normalized.slice(0, normalized.lastIndexOf(':'));
  return `${repo}@${imageDigest(image)}`;
}

/** imageSizeBytes is a plausible, stable image size for the `Pulled` message. */
export function imageSizeBytes(image: string): number {
  return 20_000_000 + (parseInt(imageDigest(image).slice(7, 13), 16) % 180_000_000);
}

/** containerID is a stable `containerd://<64 hex>` id for one run of one container. */
export function containerID(podUid: string, container: string, run: number): string {
  return `containerd://${createHash('sha256').update(`${podUid}/${container}/${run}`).digest('hex')}`;
}

/** pullErrorMessage is containerd's error text for an image that does not exist. */
export function pullErrorMessage(image: string): string {
  const ref = normalizeImage(image);
  return `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;
}

/** KubeletMessage builds the kubelet's event messages (pkg/kubelet/events, kuberuntime), verbatim. */
export const KubeletMessage = {
  pulling: (image: string): string => `Pulling image "${image}"`,
  pulled: (image: string, ms: number, sizeBytes: number): string =>
    `Successfully pulled image "${image}" in ${goDuration(ms)} (${goDuration(ms)} including waiting). Image size: ${sizeBytes} bytes.`,
  alreadyPresent: (image: string): string => `Container image "${image}" already present on machine`,
  pullFailed: (image: string): string => `Failed to pull image "${image}": ${pullErrorMessage(image)}`,
  error: (reason: string): string => `Error: ${reason}`,
  pullBackOff: (image: string): string => `Back-off pulling image "${image}"`,
  neverPull: (image: string): string => `Container image "${image}" is not present with pull policy of Never`,
  created: (container: string): string => `Created container ${container}`,
  started: (container: string): string => `Started container ${container}`,
  killing: (container: string): string => `Stopping container ${container}`,
  restartBackOff: (container: string, pod: string, namespace: string, uid: string): string =>
    `Back-off restarting failed container ${container} in pod ${pod}_${namespace}(${uid})`,
  crashLoopWaiting: (backoffMs: number, container: string, pod: string, namespace: string, uid: string): string =>
    `back-off ${goDuration(backoffMs)} restarting failed container=${container} pod=${pod}_${namespace}(${uid})`,
} as const;
