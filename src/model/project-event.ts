import { err, ok, type Result } from '../lib/result.ts';
import { all, clip, describeType, isJsonObject, objectSubject, readIdentity, readInt, readObject, readString, readTime, type JsonObject } from './fields.ts';
import type { EventRecord } from './records.ts';

/** ProjectEventOptions tune how strict projectEvent is. */
export interface ProjectEventOptions {
  /**
   * Require `metadata.uid` and `metadata.resourceVersion`, as every object from an API server has.
   * If unset, true. Set false for events from files; they then project as '-'.
   */
  readonly requireIdentity?: boolean;
}

/**
 * projectEvent projects a core/v1 or events.k8s.io/v1 Event to an EventRecord. It never throws;
 * the error names the event and the wrong field.
 *
 * The two API versions name the same data differently (kubernetes.md §7):
 * - involved object: `involvedObject` (core) / `regarding` (events.k8s.io);
 * - message: `message` / `note`; count: `count` / `deprecatedCount`, or `series.count`;
 * - source: `source.component` / `reportingComponent` / `reportingController` / `deprecatedSource.component`;
 * - lastSeen: series.lastObservedTime ?? lastTimestamp ?? eventTime ?? firstTimestamp ?? creationTimestamp
 *   (scheduler events have null lastTimestamp, so order matters);
 * - firstSeen: firstTimestamp ?? eventTime ?? creationTimestamp.
 * A `type` other than Warning reads as Normal.
 */
export function projectEvent(obj: unknown, options: ProjectEventOptions = {}): Result<EventRecord, string> {
  const r = project(options.requireIdentity === false ? withPlaceholderIdentity(obj) : obj);
  return r.ok ? r : err(`${objectSubject('Event', obj)}: ${r.error}`);
}

function project(obj: unknown): Result<EventRecord, string> {
  const id = readIdentity(obj);
  if (!id.ok) return id;
  const o = obj as JsonObject;
  if (o.kind !== undefined && o.kind !== 'Event') return err(`kind is ${typeof o.kind === 'string' ? JSON.stringify(clip(o.kind)) : describeType(o.kind)}, expected Event`);
  const involvedKey = o.involvedObject !== undefined && o.involvedObject !== null ? 'involvedObject' : 'regarding';
  const involved = readObject(o, involvedKey, '');
  const series = readObject(o, 'series', '');
  const source = readObject(o, 'source', '');
  const deprecatedSource = readObject(o, 'deprecatedSource', '');
  if (!involved.ok) return involved;
  if (!series.ok) return series;
  if (!source.ok) return source;
  if (!deprecatedSource.ok) return deprecatedSource;
  const inv = involved.value;
  const f = all({
    type: readString(o, 'type', ''),
    reason: readString(o, 'reason', ''),
    message: readString(o, 'message', ''),
    note: readString(o, 'note', ''),
    count: readInt(o, 'count', '', 0),
    deprecatedCount: readInt(o, 'deprecatedCount', '', 0),
    seriesCount: readInt(series.value, 'count', 'series', 0),
    seriesLast: readTime(series.value, 'lastObservedTime', 'series'),
    lastTimestamp: readTime(o, 'lastTimestamp', ''),
    deprecatedLastTimestamp: readTime(o, 'deprecatedLastTimestamp', ''),
    firstTimestamp: readTime(o, 'firstTimestamp', ''),
    deprecatedFirstTimestamp: readTime(o, 'deprecatedFirstTimestamp', ''),
    eventTime: readTime(o, 'eventTime', ''),
    sourceComponent: readString(source.value, 'component', 'source'),
    deprecatedSourceComponent: readString(deprecatedSource.value, 'component', 'deprecatedSource'),
    reportingComponent: readString(o, 'reportingComponent', ''),
    reportingController: readString(o, 'reportingController', ''),
    involvedKind: readString(inv, 'kind', involvedKey),
    involvedNamespace: readString(inv, 'namespace', involvedKey),
    involvedName: readString(inv, 'name', involvedKey),
    involvedUid: readString(inv, 'uid', involvedKey),
    fieldPath: readString(inv, 'fieldPath', involvedKey),
  });
  if (!f.ok) return f;
  const v = f.value;
  const created = id.value.creationTimestamp;
  const firstSeen = v.firstTimestamp ?? v.deprecatedFirstTimestamp ?? v.eventTime ?? created;
  return ok(
    Object.freeze({
      ...id.value,
      kind: 'Event' as const,
      type: v.type === 'Warning' ? ('Warning' as const) : ('Normal' as const),
      reason: v.reason,
      message: v.message !== '' ? v.message : v.note,
      involved: Object.freeze({ kind: v.involvedKind, namespace: v.involvedNamespace, name: v.involvedName, uid: v.involvedUid, fieldPath: v.fieldPath }),
      count: v.seriesCount || v.count || v.deprecatedCount || 1,
      lastSeen: v.seriesLast ?? v.lastTimestamp ?? v.deprecatedLastTimestamp ?? v.eventTime ?? firstSeen,
      firstSeen,
      source: v.sourceComponent || v.reportingComponent || v.reportingController || v.deprecatedSourceComponent,
    }),
  );
}

/** withPlaceholderIdentity fills a missing uid/resourceVersion with '-' so readIdentity accepts file objects. */
function withPlaceholderIdentity(obj: unknown): unknown {
  if (!isJsonObject(obj) || !isJsonObject(obj.metadata)) return obj;
  const m = obj.metadata;
  return { ...obj, metadata: { ...m, uid: m.uid || '-', resourceVersion: m.resourceVersion || '-' } };
}
