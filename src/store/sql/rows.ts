import type { Instant } from '../../lib/clock.ts';
import type { Actor, WorkloadEvent, WorkloadEventType, WorkloadKind } from '../../model/release.ts';
import type { LedgerWorkload, OutboxEntry, OutboxStatus, RecordedAction, ReleaseSummary } from '../ledger.ts';
import type { RowDecoders } from './release-row.ts';
import type { StatsRow } from '../stats.ts';

/** Row is one result row as a driver returns it. */
export type Row = Readonly<Record<string, unknown>>;

const str = (v: unknown): string => (typeof v === 'string' ? v : String(v));
const intOrNull = (d: RowDecoders, v: unknown): Instant | null => (v === null || v === undefined ? null : d.int(v));

/** decodeWorkload rebuilds a LedgerWorkload from a `workloads` row. */
export function decodeWorkload(row: Row, d: RowDecoders): LedgerWorkload {
  return {
    workload: { cluster: str(row.cluster), namespace: str(row.namespace), kind: str(row.kind) as WorkloadKind, name: str(row.name), uid: str(row.uid) },
    labels: d.json(row.labels) as Record<string, string>,
    createdAt: intOrNull(d, row.created_at),
    deletedAt: intOrNull(d, row.deleted_at),
    observedAt: d.int(row.observed_at),
  };
}

/** decodeLatestSummary rebuilds the latest-release summary joined onto a workload row (columns prefixed `r_`), or null. */
export function decodeLatestSummary(row: Row, d: RowDecoders): ReleaseSummary | null {
  if (row.r_id === null || row.r_id === undefined) return null;
  const failure = row.r_failure === null || row.r_failure === undefined ? null : (d.json(row.r_failure) as { code?: ReleaseSummary['failureCode'] } | null);
  return {
    id: str(row.r_id) as ReleaseSummary['id'],
    releaseNumber: d.int(row.r_release_number),
    revision: row.r_revision === null ? null : str(row.r_revision),
    trigger: str(row.r_trigger) as ReleaseSummary['trigger'],
    images: d.json(row.r_images) as ReleaseSummary['images'],
    startedAt: d.int(row.r_started_at),
    finishedAt: intOrNull(d, row.r_finished_at),
    outcome: str(row.r_outcome) as ReleaseSummary['outcome'],
    failureCode: failure?.code ?? null,
  };
}

/** decodeWorkloadEvent rebuilds a WorkloadEvent from a `workload_events` row. */
export function decodeWorkloadEvent(row: Row, d: RowDecoders): WorkloadEvent {
  return {
    workload: { cluster: str(row.cluster), namespace: str(row.namespace), kind: str(row.kind) as WorkloadKind, name: str(row.name), uid: str(row.workload_uid) },
    type: str(row.type) as WorkloadEventType,
    time: d.int(row.time),
    resourceVersion: str(row.resource_version),
    actor: d.json(row.actor) as Actor,
    detail: d.json(row.detail) as Record<string, unknown>,
  };
}

/** decodeOutboxRow rebuilds an OutboxEntry from an `outbox` row. */
export function decodeOutboxRow(row: Row, d: RowDecoders): OutboxEntry {
  return {
    id: str(row.id),
    idempotencyKey: str(row.idempotency_key),
    sink: str(row.sink),
    payload: d.json(row.payload),
    createdAt: d.int(row.created_at),
    notBefore: d.int(row.not_before),
    status: str(row.status) as OutboxStatus,
    attempts: d.int(row.attempts),
    nextAttemptAt: d.int(row.next_attempt_at),
    leaseUntil: intOrNull(d, row.lease_until),
    lastError: row.last_error === null || row.last_error === undefined ? null : str(row.last_error),
    deliveredAt: intOrNull(d, row.delivered_at),
  };
}

/** decodeActionRow rebuilds a RecordedAction from an `operator_actions` row. */
export function decodeActionRow(row: Row, d: RowDecoders): RecordedAction {
  const uid = row.workload_uid === null || row.workload_uid === undefined ? {} : { uid: str(row.workload_uid) };
  const detail = d.json(row.detail) as Record<string, unknown>;
  return {
    id: str(row.id),
    who: str(row.who),
    action: str(row.action),
    workload: { cluster: str(row.cluster), namespace: str(row.namespace), kind: str(row.kind) as WorkloadKind, name: str(row.name), ...uid },
    at: d.int(row.at),
    result: str(row.result) === 'ok' ? 'ok' : 'error',
    ...(Object.keys(detail).length > 0 ? { detail } : {}),
  };
}

/** decodeStatsRow rebuilds a StatsRow from the stats query's columns. */
export function decodeStatsRow(row: Row, d: RowDecoders): StatsRow {
  return {
    workloadUid: str(row.workload_uid),
    cluster: str(row.cluster),
    namespace: str(row.namespace),
    kind: str(row.kind) as WorkloadKind,
    name: str(row.name),
    startedAt: d.int(row.started_at),
    finishedAt: intOrNull(d, row.finished_at),
    outcome: str(row.outcome) as StatsRow['outcome'],
  };
}

/** LATEST_RELEASE_JOIN joins each workload `w` to its highest-numbered release as `r_*` columns (both dialects). */
export const LATEST_RELEASE_JOIN = `LEFT JOIN releases r ON r.id = (SELECT id FROM releases x WHERE x.cluster = w.cluster AND x.workload_uid = w.uid ORDER BY x.release_number DESC LIMIT 1)`;

/** LATEST_RELEASE_COLUMNS are the `r_*` columns decodeLatestSummary reads. */
export const LATEST_RELEASE_COLUMNS = `r.id AS r_id, r.release_number AS r_release_number, r.revision AS r_revision, r.trigger AS r_trigger,
  r.images AS r_images, r.started_at AS r_started_at, r.finished_at AS r_finished_at, r.outcome AS r_outcome, r.failure AS r_failure`;
