/**
 * Feature gates of the simulated API server, named and defaulted as kube-apiserver's
 * `--feature-gates` are (k8s.io/component-base/featuregate): only gates whose behaviour the
 * simulator models are known, and each defaults as in the Kubernetes release that introduced it.
 *
 * - `ManagedFieldsOptOut` (alpha, off by default; KEP-5958 "Client Opt-out for managedFields in API
 *   Response", kubernetes/enhancements#5958, targeted at 1.37): the server honours the `Accept`
 *   parameter `drop=metadata.managedFields` and leaves `metadata.managedFields` out of every object
 *   it sends (GET, LIST, WATCH). Without the gate the parameter is an unrecognised media-type
 *   parameter, which kube-apiserver ignores (k8s.io/apiserver pkg/endpoints/handlers/negotiation/
 *   negotiate.go acceptMediaTypeOptions collects it in `Unrecognized`), so the full object is sent.
 * - `WatchListCompression` (beta, on by default; introduced in 1.37 by kubernetes/kubernetes#139308):
 *   a streaming list — a watch with `sendInitialEvents=true`, or a watch from resourceVersion ""/"0"
 *   that the server turns into one (k8s.io/apimachinery internalversion SetListOptionsDefaults) —
 *   is gzip-compressed for a client whose Accept-Encoding holds `gzip`, for the whole life of the
 *   stream: initial events and every later change, one gzip member per flush (http/watch-gzip.ts).
 *   Watches that resume from a resourceVersion stay uncompressed. Off, every watch is uncompressed,
 *   as on every release before 1.37.
 */
export interface SimFeatureGates {
  readonly ManagedFieldsOptOut: boolean;
  readonly WatchListCompression: boolean;
}

/** DEFAULT_FEATURE_GATES are the gates' defaults (alpha gates off, beta gates on). */
export const DEFAULT_FEATURE_GATES: SimFeatureGates = { ManagedFieldsOptOut: false, WatchListCompression: true };

const KNOWN = Object.keys(DEFAULT_FEATURE_GATES) as (keyof SimFeatureGates)[];

/**
 * parseFeatureGates reads a `--feature-gates` value as kube-apiserver does: comma-separated
 * `Name=true|false` pairs over the defaults. An unknown gate or a value other than true/false is an
 * error naming it (kube-apiserver refuses to start on both).
 * Example: `ManagedFieldsOptOut=true` → { ManagedFieldsOptOut: true }.
 */
export function parseFeatureGates(text: string): SimFeatureGates {
  const gates: Record<string, boolean> = { ...DEFAULT_FEATURE_GATES };
  for (const pair of text.split(',').map((p) => p.trim())) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = (eq < 0 ? pair : pair.slice(0, eq)).trim();
    const value = eq < 0 ? '' : pair.slice(eq + 1).trim().toLowerCase();
    if (!KNOWN.includes(name as keyof SimFeatureGates)) throw new Error(`unrecognized feature gate: ${name} (the simulator knows ${KNOWN.join(', ')})`);
    if (value !== 'true' && value !== 'false') throw new Error(`invalid value of ${name}: ${JSON.stringify(pair.slice(eq + 1))}, must be true or false`);
    gates[name] = value === 'true';
  }
  return gates as unknown as SimFeatureGates;
}
