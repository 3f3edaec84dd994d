import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/log.ts';
import type { WorkloadTarget } from '../model/release.ts';
import type { LedgerStore } from '../store/ledger.ts';
import type { AuthPolicy } from './auth.ts';
import type { LiveBus } from './bus.ts';

/** OperatorActionName is a write the API can ask of the cluster. */
export type OperatorActionName = 'undo' | 'pause' | 'resume' | 'restart';

/**
 * OperatorActions performs cluster writes for the API (implemented in `ops/`). It resolves with a
 * one-line description of what it did, and rejects with a TrackerError (NOT_FOUND, CONFLICT…)
 * naming the workload.
 */
export interface OperatorActions {
  run(action: OperatorActionName, target: WorkloadTarget, options: { readonly toRevision?: number; readonly who: string }): Promise<string>;
}

/** MigrationRequest is the body of a selector-migration request (the CLI's flags). */
export interface MigrationRequest {
  readonly addLabel: readonly string[];
  readonly removeLabel: readonly string[];
  readonly setSelector?: string | undefined;
  readonly minReady?: string | undefined;
  readonly force?: boolean | undefined;
  readonly dryRun?: boolean | undefined;
}

/**
 * MigrationStarter starts a selector migration for the API (implemented in controllers/migration):
 * pre-flight, backup and the record on the Deployment; the leader's migration Runnable drives the
 * rest. Resolves with the outcome as JSON (`result`: planned, started, blocked, unchanged, not-found);
 * rejects with a TrackerError (USAGE for a bad change).
 */
export interface MigrationStarter {
  start(namespace: string, name: string, request: MigrationRequest, who: string): Promise<Readonly<Record<string, unknown>> & { readonly result: string }>;
}

/** Readiness reports whether the tracker has synced its watches and can serve current data. */
export interface Readiness {
  isReady(): boolean;
  detail(): Readonly<Record<string, unknown>>;
}

/**
 * Liveness reports the parts of the process that should be running and stopped on their own (the
 * controller manager's failed runnables): while any has, /healthz fails so that the process's
 * supervisor (the kubelet's liveness probe) restarts it.
 */
export interface Liveness {
  /** The failed parts, each with what it said; empty while alive. */
  failed(): readonly { readonly name: string; readonly error: string }[];
}

/** ApiDeps is everything the HTTP API reads or calls. */
export interface ApiDeps {
  readonly ledger: LedgerStore;
  readonly bus: LiveBus;
  readonly auth: AuthPolicy;
  readonly clock: Clock;
  readonly cluster: string;
  readonly readiness: Readiness;
  /** If unset, always alive (`serve --api-only` runs no controllers). */
  readonly liveness?: Liveness;
  readonly metrics?: { metrics(): Promise<string>; readonly contentType: string };
  readonly actions?: OperatorActions;
  /** Where 5xx answers are logged with their request id. If unset, nowhere. */
  readonly logger?: Logger;
  readonly migrations?: MigrationStarter;
  /** Directory of the built dashboard (index.html + assets). If unset, no dashboard is served. */
  readonly dashboardDir?: string;
}
