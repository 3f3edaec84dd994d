import type { ClusterAccess } from '../kube/kubeconfig.ts';
import type { OperatorActionName, OperatorActions } from '../api/deps.ts';
import type { WorkloadTarget } from '../model/release.ts';
import { realClock, type Clock } from '../lib/clock.ts';
import { pause, restart, resume, undo, type ActionContext, type ActionResult } from './actions.ts';
import { createKubeClient, type KubeClient } from '../kube/api-client.ts';
import { resolveWorkload } from './resolve.ts';

/** KubeOperatorActionsOptions configures KubeOperatorActions. */
export interface KubeOperatorActionsOptions {
  /** The cluster: a ClusterAccess (from loadKubeConfig), or a ready KubeClient. One is required. */
  readonly kubeConfig?: ClusterAccess;
  readonly client?: KubeClient;
  /** If unset, the real clock. */
  readonly clock?: Clock;
  /** Per-action deadline for the API requests. If unset, 30 s. */
  readonly timeoutMs?: number;
}

/**
 * KubeOperatorActions performs the HTTP API's operator buttons (undo, pause, resume, restart) with
 * the same code as the CLI commands, so a click has exactly the effect of `kubectl rollout …`.
 * It does not wait for the rollout: the tracker reports its progress. Resolves with kubectl's
 * one-line message plus who asked; rejects with the operation's TrackerError (NOT_FOUND,
 * UNSUPPORTED_KIND, INVALID for a paused Deployment, KUBE_FORBIDDEN…).
 */
export class KubeOperatorActions implements OperatorActions {
  readonly #client: KubeClient;
  readonly #clock: Clock;
  readonly #timeoutMs: number;

  constructor(options: KubeOperatorActionsOptions) {
    const client = options.client ?? (options.kubeConfig ? createKubeClient(options.kubeConfig) : undefined);
    if (client === undefined) throw new Error('KubeOperatorActions needs kubeConfig or client');
    this.#client = client;
    this.#clock = options.clock ?? realClock;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  async run(action: OperatorActionName, target: WorkloadTarget, options: { readonly toRevision?: number; readonly who: string }): Promise<string> {
    const signal = AbortSignal.timeout(this.#timeoutMs);
    const ctx: ActionContext = { client: this.#client, signal, now: () => this.#clock.now() };
    const resolved = await resolveWorkload(this.#client, { kind: target.kind, name: target.name }, target.namespace, signal);
    const done: ActionResult = await this.#perform(action, ctx, resolved, options.toRevision ?? 0);
    return `${done.message} (by ${options.who})`;
  }

  #perform(action: OperatorActionName, ctx: ActionContext, r: Parameters<typeof pause>[1], toRevision: number): Promise<ActionResult> {
    switch (action) {
      case 'undo':
        return undo(ctx, r, { kind: 'revision', revision: toRevision });
      case 'pause':
        return pause(ctx, r);
      case 'resume':
        return resume(ctx, r);
      case 'restart':
        return restart(ctx, r);
    }
  }
}
