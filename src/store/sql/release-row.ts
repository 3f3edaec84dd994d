import type { Instant } from '../../lib/clock.ts';
import type { Diagnosis } from '../../model/diagnosis.ts';
import type { Actor, ContainerImage, Outcome, Phases, Release, ReleaseEvent, ReleaseId, ReplicaCounts, Trigger, WorkloadKind } from '../../model/release.ts';
import type { ListedRelease } from '../ledger.ts';
import { revisionKey } from '../release-identity.ts';

/**
 * RELEASE_COLUMNS are the `releases` table's columns in the order `encodeRelease` returns values.
 * Both SQL dialects share them (see migrations/<dialect>/0001_init.sql). The pod template is not
 * one of them: it lives in `release_templates` (id, template), see migration 0009 and encodeTemplate.
 */
export const RELEASE_COLUMNS = [
  'id', 'cluster', 'namespace', 'kind', 'name', 'workload_uid', 'release_number', 'revision', 'revision_key', 'template_hash',
  'trigger', 'images', 'image_text', 'actor', 'change_cause', 'previous_release_id', 'started_at', 'finished_at', 'outcome',
  'failure', 'phases', 'replicas', 'events', 'backfilled', 'rollback_to',
] as const;

/**
 * LISTED_RELEASE_COLUMNS are the `releases` columns decodeListedRelease reads: every column but the
 * search helpers (`image_text`, `revision_key`). Reads name them instead of `SELECT *`, so a list
 * neither carries the helpers' bytes nor changes shape when a newer migration adds a column (a
 * prepared `SELECT *` then fails with "cached plan must not change result type").
 */
export const LISTED_RELEASE_COLUMNS: readonly string[] = RELEASE_COLUMNS.filter((c) => c !== 'image_text' && c !== 'revision_key');

/** listedReleaseColumns spells LISTED_RELEASE_COLUMNS for a SELECT, each prefixed by `alias.` when given. */
export function listedReleaseColumns(alias?: string): string {
  return LISTED_RELEASE_COLUMNS.map((c) => (alias === undefined ? c : `${alias}.${c}`)).join(', ');
}

/** JSON_RELEASE_COLUMNS are the release columns holding JSON (TEXT in SQLite, JSONB in PostgreSQL). */
export const JSON_RELEASE_COLUMNS: ReadonlySet<string> = new Set(['images', 'actor', 'failure', 'phases', 'replicas', 'events']);

/** SqlValue is a parameter value both drivers accept. */
export type SqlValue = string | number | null;

/**
 * encodeRelease turns a release into the values of RELEASE_COLUMNS: JSON columns as JSON text (the
 * PostgreSQL store casts them to jsonb), times as epoch ms, booleans as 0/1.
 */
export function encodeRelease(r: Release): readonly SqlValue[] {
  const w = r.workload;
  return [
    r.id, w.cluster, w.namespace, w.kind, w.name, w.uid, r.releaseNumber, r.revision, revisionKey(r), r.templateHash,
    r.trigger, JSON.stringify(r.images), r.images.map((i) => i.image).join('\n'), JSON.stringify(r.actor), r.changeCause,
    r.previousReleaseId, r.startedAt, r.finishedAt, r.outcome, r.failure === null ? null : JSON.stringify(r.failure),
    JSON.stringify(r.phases), JSON.stringify(r.replicas), JSON.stringify(r.events), r.backfilled ? 1 : 0,
    r.rollbackTo ?? null,
  ];
}

/** encodeTemplate is the JSON text of a release's pod template, the `template` column of `release_templates`. */
export function encodeTemplate(r: Pick<Release, 'template'>): string {
  return JSON.stringify(r.template ?? null);
}

/**
 * RowDecoders adapt one driver's column values: `json` turns a JSON column into a value (SQLite
 * returns text to parse, pg returns jsonb already parsed), `int` turns an integer column into a
 * number (pg returns BIGINT as a string; every value we store is a safe integer of ms or a count).
 */
export interface RowDecoders {
  json(v: unknown): unknown;
  int(v: unknown): number;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : String(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : str(v));

/**
 * decodeRelease rebuilds a release from a `releases` row joined with its `release_templates.template`
 * (a missing template decodes as null). The JSON columns were written by encodeRelease and
 * encodeTemplate, and migrations own their shape, so they are trusted rather than re-validated.
 */
export function decodeRelease(row: Readonly<Record<string, unknown>>, d: RowDecoders): Release {
  return { ...decodeListedRelease(row, d), template: row.template === null || row.template === undefined ? null : d.json(row.template) };
}

/** decodeListedRelease rebuilds a release without its template from a `releases` row (lists: ListedRelease). */
export function decodeListedRelease(row: Readonly<Record<string, unknown>>, d: RowDecoders): ListedRelease {
  const intOrNull = (v: unknown): Instant | null => (v === null || v === undefined ? null : d.int(v));
  const failure = row.failure === null || row.failure === undefined ? null : (d.json(row.failure) as Diagnosis | null);
  return {
    id: str(row.id) as ReleaseId,
    workload: { cluster: str(row.cluster), namespace: str(row.namespace), kind: str(row.kind) as WorkloadKind, name: str(row.name), uid: str(row.workload_uid) },
    releaseNumber: d.int(row.release_number),
    revision: strOrNull(row.revision),
    templateHash: str(row.template_hash),
    trigger: str(row.trigger) as Trigger,
    images: d.json(row.images) as ContainerImage[],
    actor: d.json(row.actor) as Actor,
    changeCause: strOrNull(row.change_cause),
    previousReleaseId: strOrNull(row.previous_release_id) as ReleaseId | null,
    ...(row.rollback_to === null || row.rollback_to === undefined ? {} : { rollbackTo: d.int(row.rollback_to) }),
    startedAt: d.int(row.started_at),
    finishedAt: intOrNull(row.finished_at),
    outcome: str(row.outcome) as Outcome,
    failure,
    phases: d.json(row.phases) as Phases,
    replicas: d.json(row.replicas) as ReplicaCounts,
    events: d.json(row.events) as ReleaseEvent[],
    backfilled: d.int(row.backfilled) === 1,
  };
}
