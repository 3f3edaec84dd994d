import { daemonSetObject, deploymentObject, namespaceObject, statefulSetObject } from './objects.ts';
import { ScenarioScript } from './script.ts';
import type { Scenario } from './types.ts';

/**
 * Small, static scenarios for tests and experiments: they create objects once and schedule
 * nothing, so a test decides every later change itself.
 */

/** emptyScenario creates only the `default` namespace: a blank cluster for kubectl. */
export const emptyScenario: Scenario = {
  name: 'empty',
  description: 'only the default namespace; bring your own workloads',
  start(ctx) {
    const s = new ScenarioScript(ctx);
    s.ensure('namespaces', namespaceObject('default'), 'kube-apiserver');
    return () => s.stop();
  },
};

/** webScenario is one healthy Deployment `default/web` (3 replicas of nginx:1.27). */
export const webScenario: Scenario = {
  name: 'web',
  description: 'one healthy Deployment default/web with 3 replicas of nginx:1.27',
  start(ctx) {
    const s = new ScenarioScript(ctx);
    s.ensure('namespaces', namespaceObject('default'), 'kube-apiserver');
    s.ensure('deployments.apps', deploymentObject({ namespace: 'default', name: 'web', image: 'nginx:1.27', replicas: 3 }), 'kubectl-create');
    return () => s.stop();
  },
};

/** workloadsScenario is one healthy Deployment, StatefulSet and DaemonSet in `default`. */
export const workloadsScenario: Scenario = {
  name: 'workloads',
  description: 'a healthy Deployment (web), StatefulSet (db) and DaemonSet (agent) in default',
  start(ctx) {
    const s = new ScenarioScript(ctx);
    s.ensure('namespaces', namespaceObject('default'), 'kube-apiserver');
    s.ensure('deployments.apps', deploymentObject({ namespace: 'default', name: 'web', image: 'nginx:1.27', replicas: 3 }), 'kubectl-create');
    s.ensure('statefulsets.apps', statefulSetObject({ namespace: 'default', name: 'db', image: 'postgres:16.4', replicas: 2 }), 'kubectl-client-side-apply');
    s.ensure('daemonsets.apps', daemonSetObject({ namespace: 'default', name: 'agent', image: 'fluent-bit:3.1' }), 'kubectl-client-side-apply');
    return () => s.stop();
  },
};

/**
 * failuresScenario is one Deployment per failure the tracker diagnoses, in namespace `failures`:
 * `missing` (image cannot be pulled), `crash` (crash loop), `oom` (OOM-killed), `unready` (never
 * ready), `unschedulable` (requests 64 CPUs), plus a healthy `ok`. Each has a 60 s progress deadline.
 */
export const failuresScenario: Scenario = {
  name: 'failures',
  description: 'one Deployment per failure kind (missing, crash, oom, unready, unschedulable) and a healthy one, in namespace failures',
  start(ctx) {
    const s = new ScenarioScript(ctx);
    s.ensure('namespaces', namespaceObject('failures'), 'kube-apiserver');
    const base = { namespace: 'failures', replicas: 2, progressDeadlineSeconds: 60 };
    for (const tag of ['missing', 'crash', 'oom', 'unready'])
      s.ensure('deployments.apps', deploymentObject({ ...base, name: tag, image: `registry.acme.io/demo/${tag}:${tag}` }), 'kubectl-create');
    s.ensure('deployments.apps', deploymentObject({ ...base, name: 'unschedulable', image: 'registry.acme.io/demo/big:1.0.0', cpu: '64' }), 'kubectl-create');
    s.ensure('deployments.apps', deploymentObject({ ...base, name: 'ok', image: 'registry.acme.io/demo/ok:1.0.0' }), 'kubectl-create');
    return () => s.stop();
  },
};
