import { currentImage, rollbackDeployment, scale, setImage, type WorkloadRef } from './actions.ts';
import { bumpPatch, daemonSetObject, deploymentObject, namespaceObject, SCRAPE_ANNOTATIONS, serviceObject, statefulSetObject, withTag } from './objects.ts';
import type { LoadTarget } from '../network/load.ts';
import { ScenarioScript } from './script.ts';
import type { Scenario, ScenarioContext } from './types.ts';

const MINUTE = 60_000;
/** CYCLE is the length of the demo's failure story (fail → diagnose → fix); it then repeats. */
const CYCLE = 20 * MINUTE;
const REGISTRY = 'registry.acme.io';
/**
 * FIRST_ROUND_OFFSET starts the first failure round 5 simulated minutes early, so a newcomer sees an
 * unschedulable rollout fail within about 10 real seconds and an image pull failure within about 20
 * (at the demo's 10× speed); later rounds keep the 20-minute rhythm.
 */
const FIRST_ROUND_OFFSET = -5 * MINUTE;

const frontend: WorkloadRef = { resource: 'deployments.apps', namespace: 'shop', name: 'frontend' };
const cart: WorkloadRef = { resource: 'deployments.apps', namespace: 'shop', name: 'cart' };
const checkout: WorkloadRef = { resource: 'deployments.apps', namespace: 'shop', name: 'checkout' };
const api: WorkloadRef = { resource: 'deployments.apps', namespace: 'payments', name: 'api' };
const ledger: WorkloadRef = { resource: 'statefulsets.apps', namespace: 'payments', name: 'ledger' };
const worker: WorkloadRef = { resource: 'deployments.apps', namespace: 'platform', name: 'batch-worker' };
const agent: WorkloadRef = { resource: 'daemonsets.apps', namespace: 'platform', name: 'node-agent' };
const search: WorkloadRef = { resource: 'deployments.apps', namespace: 'shop', name: 'search' };

function createWorkloads(s: ScenarioScript): void {
  for (const ns of ['shop', 'payments', 'platform']) s.ensure('namespaces', namespaceObject(ns), 'kubectl-create');
  const helm = { 'app.kubernetes.io/managed-by': 'Helm' };
  s.ensure('deployments.apps', deploymentObject({ ...frontend, podAnnotations: SCRAPE_ANNOTATIONS, image: `${REGISTRY}/shop/frontend:2.3.0`, replicas: 3 }), 'kubectl-client-side-apply');
  s.ensure('deployments.apps', deploymentObject({ ...cart, podAnnotations: SCRAPE_ANNOTATIONS, image: `${REGISTRY}/shop/cart:1.8.0`, replicas: 2, labels: helm }), 'helm');
  s.ensure(
    'deployments.apps',
    deploymentObject({ ...checkout, podAnnotations: SCRAPE_ANNOTATIONS, image: `${REGISTRY}/shop/checkout:4.1.0`, replicas: 3, labels: helm, progressDeadlineSeconds: 120 }),
    'helm',
  );
  s.ensure('deployments.apps', deploymentObject({ ...api, podAnnotations: SCRAPE_ANNOTATIONS, image: `${REGISTRY}/payments/api:3.0.0`, replicas: 3, progressDeadlineSeconds: 180 }), 'argocd-controller');
  s.ensure('statefulsets.apps', statefulSetObject({ ...ledger, image: `${REGISTRY}/payments/ledger:15.4.0`, replicas: 3, memory: '256Mi', labels: helm }), 'helm');
  s.ensure('deployments.apps', deploymentObject({ ...worker, image: `${REGISTRY}/platform/batch-worker:0.7.0`, replicas: 2, progressDeadlineSeconds: 180 }), 'kubectl-client-side-apply');
  // search rolls one pod at a time and waits 30 s per pod (about 3 simulated minutes a rollout, as long as its release period), so a rollout is almost always under way.
  s.ensure('deployments.apps', deploymentObject({ ...search, podAnnotations: SCRAPE_ANNOTATIONS, image: `${REGISTRY}/shop/search:5.2.0`, replicas: 6, minReadySeconds: 30, rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }), 'helm');
  // Services in front of the HTTP workloads (the demo drives traffic through them: DEMO_LOAD).
  for (const w of SERVED) s.ensure('services', serviceObject(w.namespace, w.name), 'kubectl-create');
  s.ensure('daemonsets.apps', daemonSetObject({ ...agent, image: `${REGISTRY}/platform/node-agent:0.9.0`, cpu: '20m', memory: '32Mi' }), 'argocd-controller');
}

/** SERVED are the demo's HTTP workloads: each has a Service of its name and pods annotated for scraping. */
const SERVED: readonly WorkloadRef[] = [frontend, cart, checkout, api, search];

/** DEMO_LOAD is the demo's steady traffic, in real requests a second (a shop's front door gets the most). */
const DEMO_LOAD: readonly LoadTarget[] = SERVED.map((w) => ({ namespace: w.namespace, service: w.name, rps: w === frontend ? 10 : 4 }));

/** lastGood remembers, per script and workload, the newest image released without a failure tag. */
const lastGood = new WeakMap<ScenarioScript, Map<string, string>>();
const keyOf = (ref: WorkloadRef): string => `${ref.resource}/${ref.namespace}/${ref.name}`;

/** release sets the next patch version after the last good one, as `manager`. */
function release(s: ScenarioScript, ref: WorkloadRef, manager: string, image: string | undefined): void {
  if (image === undefined) return;
  const next = bumpPatch(image);
  // Only kubectl (`--record`) writes a change-cause; Helm and Argo CD leave it alone, as they really do.
  const kind = ref.resource.split('.')[0]?.replace(/s$/, '') ?? 'deployment';
  const cause = manager === 'kubectl-set' ? { changeCause: `kubectl set image ${kind}/${ref.name} ${ref.name}=${next} --record=true` } : {};
  if (setImage(s, ref, { image: next, manager, ...cause })) lastGood.get(s)?.set(keyOf(ref), next);
}

/** goodBase is the image a fix builds on: the last good release, else the current image unless it carries a failure tag. */
function goodBase(s: ScenarioScript, ref: WorkloadRef, fallback: string): string {
  const remembered = lastGood.get(s)?.get(keyOf(ref));
  if (remembered !== undefined) return remembered;
  const image = currentImage(s, ref) ?? fallback;
  return /:(missing|crash|oom|unready|slow)$/.test(image) ? fallback : image;
}

function scheduleSteadyReleases(s: ScenarioScript): void {
  s.every({ firstMs: 2 * MINUTE, periodMs: 4 * MINUTE, jitterMs: 2 * MINUTE }, 'frontend release', () => release(s, frontend, 'kubectl-set', currentImage(s, frontend)));
  s.every({ firstMs: 5 * MINUTE, periodMs: 9 * MINUTE, jitterMs: MINUTE }, 'cart release', () => release(s, cart, 'helm', currentImage(s, cart)));
  s.every({ firstMs: 7 * MINUTE, periodMs: 12 * MINUTE, jitterMs: MINUTE }, 'ledger release', () => release(s, ledger, 'helm', currentImage(s, ledger)));
  s.every({ firstMs: 9 * MINUTE, periodMs: 15 * MINUTE }, 'node-agent release', () => release(s, agent, 'argocd-controller', currentImage(s, agent)));
  s.every({ firstMs: 15_000, periodMs: 3 * MINUTE }, 'search release', () => release(s, search, 'helm', currentImage(s, search)));
  s.every({ firstMs: 45_000, periodMs: 45_000, jitterMs: 30_000 }, 'cart autoscaling', () => {
    const replicas = 2 + Math.floor(s.random() * 5); // the HPA keeps cart between 2 and 6 replicas
    scale(s, cart, replicas, 'horizontal-pod-autoscaler');
  });
}

/** scheduleFailureStories runs one round of each failure and its fix, starting `offset` ms from now. */
function scheduleFailureStories(s: ScenarioScript, offset: number): void {
  // checkout: a good release, then an image that cannot be pulled, then `kubectl rollout undo`.
  s.at(offset + 3 * MINUTE, 'checkout release', () => release(s, checkout, 'helm', goodBase(s, checkout, `${REGISTRY}/shop/checkout:4.1.0`)));
  s.at(offset + 8 * MINUTE, 'checkout missing image', () =>
    setImage(s, checkout, { image: withTag(currentImage(s, checkout) ?? `${REGISTRY}/shop/checkout:4.1.0`, 'missing'), manager: 'helm' }),
  );
  s.at(offset + 13 * MINUTE, 'checkout rollback', () => rollbackDeployment(s, checkout.namespace, checkout.name));
  // payments/api: Argo CD syncs a release that crash-loops, then a fixed one.
  s.at(offset + 4 * MINUTE, 'api release', () => release(s, api, 'argocd-controller', goodBase(s, api, `${REGISTRY}/payments/api:3.0.0`)));
  s.at(offset + 10 * MINUTE, 'api crash loop', () => setImage(s, api, { image: withTag(currentImage(s, api) ?? `${REGISTRY}/payments/api:3.0.0`, 'crash'), manager: 'argocd-controller' }));
  s.at(offset + 16 * MINUTE, 'api fix', () => release(s, api, 'argocd-controller', goodBase(s, api, `${REGISTRY}/payments/api:3.0.0`)));
  // platform/batch-worker: a rollout that asks for more CPU than any node has, then a fix.
  const workerBase = `${REGISTRY}/platform/batch-worker:0.7.0`;
  s.at(offset + 6 * MINUTE, 'batch-worker unschedulable', () =>
    setImage(s, worker, { image: bumpPatch(goodBase(s, worker, workerBase)), manager: 'kubectl-client-side-apply', cpu: '64' }),
  );
  s.at(offset + 14 * MINUTE, 'batch-worker fix', () => {
    const next = bumpPatch(bumpPatch(goodBase(s, worker, workerBase)));
    if (setImage(s, worker, { image: next, manager: 'kubectl-client-side-apply', cpu: '50m' })) lastGood.get(s)?.set(keyOf(worker), next);
  });
  s.at(offset + CYCLE, 'next failure round', () => scheduleFailureStories(s, 0));
}

/**
 * demoScenario is the scripted demo behind `rollscope demo`: namespaces shop, payments and
 * platform; steady image releases by kubectl, Helm and Argo CD every few simulated minutes;
 * HPA-like scaling noise on shop/cart; and, every 20 simulated minutes, one image that cannot be
 * pulled (shop/checkout, then rolled back), one crash loop (payments/api, then fixed) and one
 * unschedulable rollout (platform/batch-worker, then fixed). Also a StatefulSet (payments/ledger)
 * and a DaemonSet (platform/node-agent).
 */
export const demoScenario: Scenario = {
  name: 'demo',
  description: 'three namespaces, steady releases, scaling noise, a failing image, a crash loop, an unschedulable rollout and a rollback, every 20 simulated minutes',
  start(ctx: ScenarioContext) {
    const s = new ScenarioScript(ctx);
    lastGood.set(s, new Map());
    createWorkloads(s);
    scheduleSteadyReleases(s);
    scheduleFailureStories(s, FIRST_ROUND_OFFSET);
    return () => s.stop();
  },
  load: DEMO_LOAD,
};
