// Fixtures the ledger's contract suites share: workloads in two namespaces and two clusters, a small
// seeded history, outbox messages.
import assert from 'node:assert/strict';
import { isTrackerError } from '../../lib/errors.ts';
import type { ListedRelease, ReleaseEvent, ReleaseId } from '../../model/release.ts';
import type { OutboxMessage, ReleaseStore } from '../ledger.ts';
import { MINUTE, T0, makeRelease, workloadRef } from '../ledger-fixtures.ts';

export const web = workloadRef('shop', 'web');
export const api = workloadRef('shop', 'api');
export const job = workloadRef('batch', 'worker', { kind: 'StatefulSet' });
export const other = workloadRef('shop', 'web', { cluster: 'c2', uid: 'uid-c2-shop-web' });

export const ev = (reason: string, count: number, time: number, type: ReleaseEvent['type'] = 'Normal'): ReleaseEvent => ({
  time, type, reason, message: `${reason} happened`, object: 'Pod shop/web-1', count,
});

export const ids = (rs: readonly ListedRelease[]): string[] => rs.map((r) => r.id);

export async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => isTrackerError(e) && e.code === code && e.details.hint !== undefined);
}

/** seed writes a small history: three workloads in two namespaces and two clusters. */
export async function seed(store: ReleaseStore): Promise<void> {
  await store.upsertRelease(makeRelease(web, 1, { outcome: 'succeeded', finishedAt: T0 + 2 * MINUTE }));
  await store.upsertRelease(makeRelease(web, 2, { outcome: 'failed', trigger: 'image', failure: { code: 'ImagePullFailed', reason: 'ErrImagePull', message: 'pull failed' } }));
  await store.upsertRelease(makeRelease(web, 3, { trigger: 'rollback', images: [{ container: 'app', image: 'registry.example/web:v1' }] }));
  await store.upsertRelease(makeRelease(api, 1, { outcome: 'succeeded', startedAt: T0 + 10 * MINUTE, finishedAt: T0 + 11 * MINUTE, images: [{ container: 'api', image: 'ghcr.io/acme/api:2.0' }] }));
  await store.upsertRelease(makeRelease(job, 1, { outcome: 'paused', trigger: 'config', startedAt: T0 + 20 * MINUTE }));
  await store.upsertRelease(makeRelease(other, 1, { outcome: 'succeeded', startedAt: T0 + 30 * MINUTE, id: 'r-c2-web-001' as ReleaseId }));
}

export const message = (key: string, notBefore = T0): OutboxMessage => ({ idempotencyKey: key, sink: 'webhook', payload: { text: key, n: [1, 2] }, notBefore, createdAt: T0 });
