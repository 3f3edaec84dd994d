import type { KubeObject } from '../../kube/types.ts';
import { deepFreeze } from './deep.ts';

/** EVENTS_V1 is the store key of the events.k8s.io/v1 view of core events. */
export const EVENTS_V1 = 'events.events.k8s.io';

// core/v1 field ↔ events.k8s.io/v1 field (pkg/apis/events/v1 conversion).
const CORE_TO_V1: readonly (readonly [string, string])[] = [
  ['involvedObject', 'regarding'],
  ['related', 'related'],
  ['message', 'note'],
  ['reason', 'reason'],
  ['type', 'type'],
  ['action', 'action'],
  ['eventTime', 'eventTime'],
  ['series', 'series'],
  ['reportingComponent', 'reportingController'],
  ['reportingInstance', 'reportingInstance'],
  ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
];

const cache = new WeakMap<KubeObject, KubeObject>();

function isEmpty(v: unknown): boolean {
  return v === undefined || v === '' || (v !== null && typeof v === 'object' && Object.keys(v).length === 0);
}

/**
 * toEventsV1 renders a stored core/v1 Event as an events.k8s.io/v1 Event (frozen; computed once per
 * stored object and shared). Empty fields are omitted as the real server's omitempty does;
 * `eventTime` stays (null for legacy events).
 */
export function toEventsV1(core: KubeObject): KubeObject {
  const hit = cache.get(core);
  if (hit) return hit;
  const out: Record<string, unknown> = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: core.metadata };
  for (const [from, to] of CORE_TO_V1) {
    const v = core[from];
    if (to === 'eventTime') out[to] = v ?? null;
    else if (!isEmpty(v) && v !== null) out[to] = v;
  }
  const view = deepFreeze(out as unknown as KubeObject);
  cache.set(core, view);
  return view;
}

/** fromEventsV1 converts an events.k8s.io/v1 Event (e.g. a create through that API) to the stored core/v1 form. */
export function fromEventsV1(v1: KubeObject): KubeObject {
  const out: Record<string, unknown> = { apiVersion: 'v1', kind: 'Event', metadata: v1.metadata };
  for (const [from, to] of CORE_TO_V1) {
    const v = v1[to];
    if (v !== undefined) out[from] = v;
  }
  if (out['eventTime'] === undefined) out['eventTime'] = null;
  return out as unknown as KubeObject;
}
