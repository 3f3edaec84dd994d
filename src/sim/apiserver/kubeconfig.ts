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
  /** PEM of the CA that signed an https:// server's certificate: written as certificate-authority-data. */
  readonly caPem?: string;
}

/**
 * kubeconfigYaml renders a kubeconfig that both kubectl and @kubernetes/client-node accept for
 * the simulator. Over HTTPS the cluster entry carries the simulator's CA, so clients verify the server;
 * over plain HTTP it sets `insecure-skip-tls-verify: true`, because client-node 2.x refuses an http://
 * server otherwise (kubectl ignores it for http).
 */
export function kubeconfigYaml(opts: KubeconfigOptions): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: SIM_CONTEXT, cluster: opts.caPem === undefined ? { server: opts.server, 'insecure-skip-tls-verify': true } : { server: opts.server, 'certificate-authority-data': Buffer.from(opts.caPem).toString('base64') } }],
    users: [{ name: SIM_CONTEXT, user: { token: opts.token ?? SIM_CONTEXT } }],
    contexts: [{ name: SIM_CONTEXT, context: { cluster: SIM_CONTEXT, user: SIM_CONTEXT, namespace: opts.namespace ?? 'default' } }],
    'current-context': SIM_CONTEXT,
    preferences: {},
  });
}
