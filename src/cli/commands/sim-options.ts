import { isTrackerError, TrackerError } from '../../lib/errors.ts';
import type { NodeSpec } from '../../sim/core/context.ts';
import { DEFAULT_FEATURE_GATES, parseFeatureGates, type SimFeatureGates } from '../../sim/apiserver/feature-gates.ts';
import { parseNodesSpec } from '../../sim/node/behaviour.ts';
import { findScenario, type Scenario } from '../../sim/scenarios/index.ts';

/**
 * Parsing of `rollscope sim` / `rollscope demo` flags: each flag is checked once, here, and a bad
 * value becomes a USAGE TrackerError naming the flag and saying what a good value looks like.
 */

/** ListenAddress is where the simulated API server binds. Port 0 means any free port. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** DEFAULT_KUBECONFIG_OUT is where `rollscope sim` writes its kubeconfig unless told otherwise (relative to the working directory). */
export const DEFAULT_KUBECONFIG_OUT = '.rollscope/sim.kubeconfig';

/** parseListen reads `HOST:PORT`, `:PORT` or `PORT` (host defaults to 127.0.0.1); IPv6 hosts go in brackets (`[::1]:8080`). */
export function parseListen(value: string): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value) ?? /^()()(\d{1,5})$/.exec(value);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= 0 && port <= 65535))
    throw usage(`--listen ${JSON.stringify(value)} is not HOST:PORT`, 'write e.g. --listen 127.0.0.1:6443, or :0 for any free port');
  const host = m[1] || m[2] || '127.0.0.1'; // empty host (`:0`, `8080`) → loopback
  return { host, port };
}

/** parseSpeed reads `--speed N`: simulated time runs N× faster than real time; N is a positive number up to 1e6. */
export function parseSpeed(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 1e6)
    throw usage(`--speed ${JSON.stringify(value)} is not a positive number`, 'write e.g. --speed 1 (real time) or --speed 60 (one simulated minute per second)');
  return n;
}

/** parseNodes reads `--nodes SPEC` (e.g. `3x4cpu8Gi,1x2cpu4Gi`) into the node pool. */
export function parseNodes(value: string): readonly NodeSpec[] {
  try {
    return parseNodesSpec(value);
  } catch (e) {
    if (isTrackerError(e)) throw usage(`--nodes: ${e.message}`, e.details.hint ?? 'write e.g. --nodes 3x4cpu8Gi');
    throw e;
  }
}

/** parseGates reads `--feature-gates Name=true,...` into the simulated API server's gates (sim/apiserver/feature-gates.ts). */
export function parseGates(value: string): SimFeatureGates {
  try {
    return parseFeatureGates(value);
  } catch (e) {
    throw usage(`--feature-gates: ${e instanceof Error ? e.message : String(e)}`, `write e.g. --feature-gates ManagedFieldsOptOut=true (known gates: ${Object.keys(DEFAULT_FEATURE_GATES).join(', ')})`);
  }
}

/** parseScenario reads `--scenario NAME` into a built-in scenario. */
export function parseScenario(value: string): Scenario {
  return findScenario(value);
}

function usage(message: string, hint: string): TrackerError {
  return new TrackerError('USAGE', message, { subject: 'rollscope sim', hint });
}
