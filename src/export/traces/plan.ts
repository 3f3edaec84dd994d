import { PHASE_NAMES, type PhaseName, type Release } from '../../model/release.ts';

/** SpanAttributes are OTel attribute values (strings, numbers, booleans). */
export type SpanAttributes = Readonly<Record<string, string | number | boolean>>;

/**
 * PlannedSpan is one span to emit for a release, with real start and end instants. `key` is
 * unique within the release and, with the release id, derives the span id (stable across restarts).
 */
export interface PlannedSpan {
  readonly key: string;
  readonly parentKey: string | null;
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly attributes: SpanAttributes;
  readonly events: readonly { readonly name: string; readonly time: number; readonly attributes: SpanAttributes }[];
  readonly error: string | null;
}

const POD_STEPS = ['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started'] as const;

function workloadAttributes(r: Release): SpanAttributes {
  const kindKey = `k8s.${r.workload.kind.toLowerCase()}`;
  return {
    'k8s.cluster.name': r.workload.cluster,
    'k8s.namespace.name': r.workload.namespace,
    [`${kindKey}.name`]: r.workload.name,
    [`${kindKey}.uid`]: r.workload.uid,
    'rollscope.release.id': r.id,
    'rollscope.release.number': r.releaseNumber,
    'rollscope.release.trigger': r.trigger,
    'rollscope.release.outcome': r.outcome,
    ...(r.revision ? { 'rollscope.release.revision': r.revision } : {}),
    'rollscope.release.images': r.images.map((i) => i.image).join(','),
    'rollscope.release.actor': r.actor.user ?? r.actor.manager,
  };
}

/** phaseSegments returns consecutive reached phases as [name, from, to] segments, in phase order. */
function phaseSegments(r: Release, start: number): [PhaseName, number, number][] {
  const out: [PhaseName, number, number][] = [];
  let prev = start;
  for (const p of PHASE_NAMES) {
    const t = r.phases[p];
    if (p === 'templateObserved' || t === undefined) continue;
    const at = Math.max(prev, t);
    out.push([p, prev, at]);
    prev = at;
  }
  return out;
}

/** podSpans groups the release's pod events into one span per pod, from its first to last lifecycle event. */
function podSpans(r: Release, rootEnd: number): PlannedSpan[] {
  const byPod = new Map<string, Release['events'][number][]>();
  for (const e of r.events) if (e.object.startsWith('Pod ')) byPod.set(e.object, [...(byPod.get(e.object) ?? []), e]);
  const spans: PlannedSpan[] = [];
  for (const [object, events] of byPod) {
    const sorted = [...events].sort((a, b) => a.time - b.time);
    const steps = sorted.filter((e) => (POD_STEPS as readonly string[]).includes(e.reason));
    const first = (steps[0] ?? sorted[0])!;
    const lastStep = steps.at(-1) ?? sorted.at(-1)!;
    const warning = sorted.filter((e) => e.type === 'Warning').at(-1);
    spans.push({
      key: `pod:${object}`,
      parentKey: 'root',
      name: `pod ${object.slice(4)}`,
      start: first.time,
      end: Math.min(Math.max(lastStep.time, first.time), Math.max(rootEnd, first.time)),
      attributes: { 'k8s.pod.name': object.slice(4).split('/')[1] ?? object, 'k8s.namespace.name': r.workload.namespace },
      events: sorted.map((e) => ({ name: e.reason, time: e.time, attributes: { 'k8s.event.type': e.type, 'k8s.event.message': e.message, 'k8s.event.count': e.count } })),
      error: warning && r.outcome === 'failed' ? `${warning.reason}: ${warning.message}` : null,
    });
  }
  return spans;
}

/**
 * planReleaseSpans lays out one trace for a finished release: a root span from template observed
 * to the outcome, a child span per rollout phase (from the previous phase reached to this one), a
 * span per new pod (its Scheduled → Pulled → Started events), and the release's Kubernetes events
 * as span events. Failed releases carry the diagnosis as the error. Pure.
 * Example: phases {templateObserved: 0, revisionCreated: 100, allAvailable: 5000} → root 0–end,
 * children `revisionCreated` 0–100 and `allAvailable` 100–5000.
 * Returns [] for a release that has not finished (traces are emitted once, at the outcome).
 */
export function planReleaseSpans(r: Release): PlannedSpan[] {
  if (r.finishedAt === null) return [];
  const start = Math.min(r.phases.templateObserved ?? r.startedAt, r.startedAt);
  const end = Math.max(r.finishedAt, start);
  const error = r.outcome === 'failed' ? (r.failure ? `${r.failure.code}: ${r.failure.reason}: ${r.failure.message}` : 'rollout failed') : null;
  const root: PlannedSpan = {
    key: 'root',
    parentKey: null,
    name: `rollout ${r.workload.kind} ${r.workload.namespace}/${r.workload.name} #${r.releaseNumber}`,
    start,
    end,
    attributes: { ...workloadAttributes(r), ...(r.failure ? { 'rollscope.failure.code': r.failure.code, 'rollscope.failure.reason': r.failure.reason } : {}) },
    events: r.events.filter((e) => !e.object.startsWith('Pod ')).map((e) => ({ name: e.reason, time: e.time, attributes: { 'k8s.event.type': e.type, 'k8s.event.message': e.message, 'k8s.event.object': e.object, 'k8s.event.count': e.count } })),
    error,
  };
  const phases = phaseSegments(r, start).map(([p, from, to]): PlannedSpan => ({
    key: `phase:${p}`,
    parentKey: 'root',
    name: `phase ${p}`,
    start: from,
    end: Math.min(to, end),
    attributes: { 'rollscope.phase': p, 'rollscope.release.id': r.id },
    events: [],
    error: null,
  }));
  return [root, ...phases, ...podSpans(r, end)];
}
