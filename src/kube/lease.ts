/**
 * kube/lease.ts — a coordination.k8s.io/v1 Lease as a leader-election lock (client-go's
 * tools/leaderelection/resourcelock/leaselock.go). Contract:
 *
 *   leaseLock(client, namespace, name) → LeaseLock (no I/O until called)
 *   get(signal)              the record and its resourceVersion, or null when the Lease does not exist
 *   create(record, signal)   creates the Lease; rejects CONFLICT if it already exists
 *   update(current, record, signal)  replaces the spec, guarded by current.resourceVersion (optimistic
 *                            concurrency): rejects CONFLICT when the Lease changed since it was read
 *   watch(resourceVersion, signal)   resolves at the next change of this Lease after resourceVersion
 *                            (or when the watch ends); used to notice a release at once
 *
 * Times are MicroTime strings on the wire (RFC 3339 with microseconds) and epoch milliseconds here.
 */
import type { KubeClient } from './api-client.ts';
import { HttpListerWatcher } from './http-list-watch.ts';
import type { RequestSubject } from './http-errors.ts';
import { isUnstructured, type Unstructured } from '../track/status/fields.ts';
import { isTrackerError } from '../lib/errors.ts';

/** LeaderRecord is what a Lease says about its holder (client-go's LeaderElectionRecord). */
export interface LeaderRecord {
  /** '' when nobody holds it (released). */
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  /** Epoch ms, or null when unset. */
  readonly acquireTime: number | null;
  readonly renewTime: number | null;
  readonly leaseTransitions: number;
}

/** ObservedLease is a record with the resourceVersion it was read at. */
export interface ObservedLease {
  readonly record: LeaderRecord;
  readonly resourceVersion: string;
}

/** LeaseLock reads and writes one Lease. */
export interface LeaseLock {
  /** `namespace/name`, for messages. */
  readonly describe: string;
  get(signal: AbortSignal): Promise<ObservedLease | null>;
  create(record: LeaderRecord, signal: AbortSignal): Promise<ObservedLease>;
  update(current: ObservedLease, record: LeaderRecord, signal: AbortSignal): Promise<ObservedLease>;
  watch(resourceVersion: string, signal: AbortSignal): Promise<void>;
}

/** GROUP_VERSION is where Leases are served. */
const GROUP_VERSION = '/apis/coordination.k8s.io/v1';

/** microTime renders epoch ms as a Kubernetes MicroTime (`2026-12-05T15:43:00.123000Z`). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function parseTime(v: unknown): number | null {
  if (typeof v !== 'string' || v === '') return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

/** leaderRecordOf reads the spec of a Lease object (missing fields as a never-held Lease). */
export function leaderRecordOf(lease: Unstructured): ObservedLease {
  const spec = isUnstructured(lease.spec) ? lease.spec : {};
  const meta = isUnstructured(lease.metadata) ? lease.metadata : {};
  return {
    resourceVersion: typeof meta.resourceVersion === 'string' ? meta.resourceVersion : '',
    record: {
      holderIdentity: typeof spec.holderIdentity === 'string' ? spec.holderIdentity : '',
      leaseDurationSeconds: typeof spec.leaseDurationSeconds === 'number' ? spec.leaseDurationSeconds : 0,
      acquireTime: parseTime(spec.acquireTime),
      renewTime: parseTime(spec.renewTime),
      leaseTransitions: typeof spec.leaseTransitions === 'number' ? spec.leaseTransitions : 0,
    },
  };
}

function specOf(r: LeaderRecord): Record<string, unknown> {
  return {
    holderIdentity: r.holderIdentity,
    leaseDurationSeconds: r.leaseDurationSeconds,
    ...(r.acquireTime === null ? {} : { acquireTime: microTime(r.acquireTime) }),
    ...(r.renewTime === null ? {} : { renewTime: microTime(r.renewTime) }),
    leaseTransitions: r.leaseTransitions,
  };
}

/** leaseLock is the LeaseLock of `namespace/name`, reading and writing through `client`. */
export function leaseLock(client: KubeClient, namespace: string, name: string): LeaseLock {
  const collection = `${GROUP_VERSION}/namespaces/${encodeURIComponent(namespace)}/leases`;
  const path = `${collection}/${encodeURIComponent(name)}`;
  const subject = (verb: RequestSubject['verb']): RequestSubject => ({ verb, resource: 'leases.coordination.k8s.io', namespace });
  const watcher = new HttpListerWatcher(client.http, { path: collection, resource: 'leases.coordination.k8s.io', namespace });
  return {
    describe: `${namespace}/${name}`,
    async get(signal) {
      try {
        return leaderRecordOf(await client.get(path, subject('get'), signal));
      } catch (e) {
        if (isTrackerError(e) && e.code === 'NOT_FOUND') return null;
        throw e;
      }
    },
    async create(record, signal) {
      const body = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec: specOf(record) };
      return leaderRecordOf(await client.create(collection, body, subject('create'), signal));
    },
    async update(current, record, signal) {
      const body = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace, resourceVersion: current.resourceVersion }, spec: specOf(record) };
      return leaderRecordOf(await client.update(path, body, subject('update'), signal));
    },
    async watch(resourceVersion, signal) {
      for await (const item of watcher.watch({ resourceVersion, timeoutSeconds: 60, allowWatchBookmarks: false }, signal)) {
        if (item.type === 'BOOKMARK') continue;
        const obj = item.object;
        if (isUnstructured(obj) && isUnstructured(obj.metadata) && obj.metadata.name === name) return;
      }
    },
  };
}
