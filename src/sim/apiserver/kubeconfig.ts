import { stringify } from 'yaml';

/** SIM_CONTEXT is the cluster, user and context name in the simulator's kubeconfig. */
export const SIM_CONTEXT = 'rollscope-sim';

/** KubeconfigOptions describes the kubeconfig to write. */
export interface KubeconfigOptions {
  /** API server URL, e.g. `http://127.0.0.1:41234`. */
  readonly server: string;
  /** Bearer token (the simulator accepts any). If unset, `rollscope-sim`. */
  readonly token?: string;
  /** Default namespace of the context. If unset, `default`. */
  readonly namespace?: string;
}

/**
 * kubeconfigYaml renders a kubeconfig that both kubectl and @kubernetes/client-node accept for
 * the simulator. client-node 2.x refuses an http:// server unless the cluster sets
 * `insecure-skip-tls-verify: true`, so it is always set; kubectl ignores it for http.
 */
export function kubeconfigYaml(opts: KubeconfigOptions): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: SIM_CONTEXT, cluster: { server: opts.server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: SIM_CONTEXT, user: { token: opts.token ?? SIM_CONTEXT } }],
    contexts: [{ name: SIM_CONTEXT, context: { cluster: SIM_CONTEXT, user: SIM_CONTEXT, namespace: opts.namespace ?? 'default' } }],
    'current-context': SIM_CONTEXT,
    preferences: {},
  });
}
