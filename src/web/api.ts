// The dashboard's only way to the server: typed wrappers over the HTTP API (ARCHITECTURE.md).
import type { ReleaseView } from '../model/view/release-view.ts';
import type { ReleaseDetailView } from '../model/view/release-detail-view.ts';
import type { ClusterListView } from '../model/view/cluster-view.ts';
import type { CanarySummaryView, CanaryView } from '../model/view/canary-view.ts';
import type { WorkloadEventView, WorkloadView } from '../model/view/workload-view.ts';

/** ApiRelease is a release as the API returns it: the public view defined once in model/view (times as RFC 3339 strings). */
export type ApiRelease = ReleaseView;

/** ApiWorkload is a workload as `GET /api/v1/workloads` returns it. */
export type ApiWorkload = WorkloadView;

/** ApiWorkloadEvent is the data of the SSE `workload-event`. */
export type ApiWorkloadEvent = WorkloadEventView;

/** ApiReleaseDetail is `GET /api/v1/releases/{id}` (the public view in model/view). */
export type ApiReleaseDetail = ReleaseDetailView;

/** ApiClusters is `GET /api/v1/clusters`: the clusters of the ledger and the one this server acts on. */
export type ApiClusters = ClusterListView;

/** ApiCanary is `GET /api/v1/canaries/{ns}/{name}`: a canary with each step and measurement (model/view/canary-view.ts). */
export type ApiCanary = CanaryView;

/** ApiCanarySummary is one item of `GET /api/v1/canaries` and the data of the SSE `canary`. */
export type ApiCanarySummary = CanarySummaryView;

/** ApiStatsFigures are the delivery figures of one group or the total. */
export interface ApiStatsFigures {
  readonly releases: number;
  readonly deploymentsPerDay: number;
  readonly failures: number;
  readonly changeFailureRate: number | null;
  readonly restores: number;
  readonly timeToRestoreMs: { readonly p50: number; readonly p90: number } | null;
  readonly durationMs: { readonly p50: number; readonly p90: number } | null;
}

/** ApiStats is `GET /api/v1/stats`. */
export interface ApiStats {
  readonly total: ApiStatsFigures;
  readonly groups: readonly (ApiStatsFigures & { readonly namespace: string; readonly name?: string; readonly kind?: string })[];
}

/** ApiError carries a problem+json answer. */
export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const TOKEN_KEY = 'rollscope.token';

/** storedToken returns the bearer token the user entered (kept in this browser only). */
export function storedToken(): string {
  return localStorage.getItem(TOKEN_KEY) ?? '';
}

/** storeToken remembers the bearer token for later requests. */
export function storeToken(token: string): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

/** clockOffset is the server clock minus the browser clock, in ms, as of the last API answer. */
let clockOffset = 0;

/**
 * serverNow is "now" on the server's (the cluster's) clock: the browser clock corrected by the
 * offset the last API answer reported in `x-rollscope-now`. Use it wherever a time from the API is
 * compared with now.
 */
export function serverNow(): number {
  return Date.now() + clockOffset;
}

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  const token = storedToken();
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  const res = await fetch(path, { ...init, headers });
  const reported = Number(res.headers.get('x-rollscope-now') ?? Number.NaN);
  if (Number.isFinite(reported)) clockOffset = reported - Date.now();
  const text = await res.text();
  if (!res.ok) {
    let detail = text;
    try {
      detail = (JSON.parse(text) as { detail?: string }).detail ?? text;
    } catch {
      // not problem+json
    }
    throw new ApiError(res.status, detail);
  }
  return JSON.parse(text) as T;
}

/** query builds a query string from the set values. */
export function query(params: Readonly<Record<string, string | undefined>>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const api = {
  releases: (params: Readonly<Record<string, string | undefined>>) => request<{ items: ApiRelease[]; nextCursor: string | null }>(`/api/v1/releases${query(params)}`),
  release: (id: string) => request<ApiReleaseDetail>(`/api/v1/releases/${encodeURIComponent(id)}`),
  workloadReleases: (ns: string, kind: string, name: string, cluster = '') => request<{ items: ApiRelease[] }>(`/api/v1/workloads/${ns}/${kind.toLowerCase()}/${name}/releases${query({ cluster })}`),
  active: (cluster = '') => request<{ items: ApiRelease[] }>(`/api/v1/rollouts/active${query({ cluster })}`),
  stuck: (cluster = '') => request<{ items: ApiRelease[] }>(`/api/v1/rollouts/stuck${query({ cluster })}`),
  clusters: () => request<ApiClusters>('/api/v1/clusters'),
  canaries: (params: Readonly<Record<string, string | undefined>>) => request<{ items: ApiCanarySummary[] }>(`/api/v1/canaries${query(params)}`),
  canary: (ns: string, name: string, params: Readonly<Record<string, string | undefined>> = {}) => request<ApiCanary>(`/api/v1/canaries/${encodeURIComponent(ns)}/${encodeURIComponent(name)}${query(params)}`),
  stats: (params: Readonly<Record<string, string | undefined>>) => request<ApiStats>(`/api/v1/stats${query(params)}`),
  act: (ns: string, kind: string, name: string, action: string, cluster = '') =>
    request<{ message: string }>(`/api/v1/workloads/${ns}/${kind.toLowerCase()}/${name}/${action}${query({ cluster })}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
};

/** subscribe opens the SSE stream and calls `fn` for each release, workload event and canary change; returns a closer. */
export function subscribe(fn: (type: string, data: unknown) => void): () => void {
  const es = new EventSource('/api/v1/stream');
  for (const type of ['release', 'workload-event', 'canary']) es.addEventListener(type, (e) => fn(type, JSON.parse((e as MessageEvent<string>).data)));
  return () => es.close();
}
