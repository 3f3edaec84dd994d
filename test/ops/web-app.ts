// The workload the canary tests run on: namespace `ns` with Deployment `web` (image web:1,
// container `app` on port 8080) behind Service `web`, and small helpers to read it back and to
// poll. Used by the canary CLI tests (test/ops), the canary e2e fixture (test/e2e/fixtures/canary.ts)
// and the dashboard's canary page test (test/browser).
import type { OpsCluster } from './ops-support.ts';

/** WebAppOptions vary the workload per test. */
export interface WebAppOptions {
  /** Replicas of `web`. */
  readonly replicas: number;
  /** Annotate the pods for Prometheus scraping (prometheus.io/scrape, port 8080) and name the port `http`. */
  readonly scraped?: boolean;
  /** Labels on the Deployment itself (not its pods). */
  readonly labels?: Readonly<Record<string, string>>;
}

/** webAppYaml is the manifest of the namespace, the Deployment and the Service. */
export function webAppYaml(ns: string, o: WebAppOptions): string {
  const labels = o.labels === undefined ? '' : `, labels: {${Object.entries(o.labels).map(([k, v]) => `${k}: ${v}`).join(', ')}}`;
  const podMeta = o.scraped === true
    ? `    metadata:
      labels: {app: web}
      annotations: {prometheus.io/scrape: "true", prometheus.io/port: "8080"}`
    : '    metadata: {labels: {app: web}}';
  const port = o.scraped === true ? '{name: http, containerPort: 8080}' : '{containerPort: 8080}';
  return `apiVersion: v1
kind: Namespace
metadata: {name: ${ns}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${ns}${labels}}
spec:
  replicas: ${o.replicas}
  progressDeadlineSeconds: 3600
  selector: {matchLabels: {app: web}}
  template:
${podMeta}
    spec:
      containers: [{name: app, image: "web:1", ports: [${port}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: ${ns}}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`;
}

/** applyWebApp creates the workload with kubectl and waits until its rollout is complete. */
export async function applyWebApp(c: OpsCluster, ns: string, o: WebAppOptions): Promise<void> {
  await c.kubectlOk(['apply', '-f', '-'], { input: webAppYaml(ns, o) });
  await c.kubectlOk(['rollout', 'status', 'deploy/web', '-n', ns, '--timeout', '60s']);
}

/** Deployment is the part of a Deployment the canary tests read. */
export interface Deployment {
  metadata: { annotations?: Record<string, string> };
  spec: { replicas: number; template: { spec: { containers: { name: string; image: string }[] } } };
}

/** getDeployment reads a Deployment from the simulator's API; null when it does not exist. */
export async function getDeployment(c: OpsCluster, ns: string, name: string): Promise<Deployment | null> {
  const res = await fetch(`${c.sim.url}/apis/apps/v1/namespaces/${ns}/deployments/${name}`);
  return res.status === 404 ? null : ((await res.json()) as Deployment);
}

/**
 * until calls `f` every 50 ms until it returns a value other than undefined and resolves with it;
 * after `ms` it rejects naming `what`. An error thrown by `f` rejects at once.
 */
export async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
