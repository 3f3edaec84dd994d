import type { Instant } from '../lib/clock.ts';
import type { Unstructured } from '../track/status/fields.ts';
import { controllerUidOf, uidOf } from './manifests.ts';
import { mapSelectorMatches, type Labels } from './selector.ts';

/**
 * Observed is everything the planner looks at for one migration, read fresh by the shell before
 * each step (the level the planner triggers on).
 */
export interface Observed {
  readonly namespace: string;
  readonly name: string;
  /** The Deployment named `name` (the original or the recreated one), or null. */
  readonly deployment: Unstructured | null;
  /** The Deployment named `<name>-migrating`, or null. */
  readonly copy: Unstructured | null;
  /** Every ReplicaSet of the namespace. */
  readonly replicaSets: readonly Unstructured[];
  /** Every pod of the namespace. */
  readonly pods: readonly PodObs[];
  /** Every Service of the namespace with its ready endpoints. */
  readonly services: readonly ServiceObs[];
  readonly now: Instant;
}

/** PodObs is one pod as far as a migration cares. */
export interface PodObs {
  readonly name: string;
  readonly labels: Labels;
  /** UID of the pod's controller (its ReplicaSet), '' for none. */
  readonly ownerUid: string;
  readonly ready: boolean;
  readonly terminating: boolean;
}

/**
 * ServiceObs is a Service and its ready endpoints: names of the pods listed `ready: true` in its
 * EndpointSlices (discovery.k8s.io/v1; terminating pods are never ready there). Where the cluster
 * serves no EndpointSlices, the shell derives the same set from the pods (Ready, not terminating,
 * matching the selector), as the endpoint-slice controller would.
 */
export interface ServiceObs {
  readonly name: string;
  readonly selector: Labels;
  readonly readyPods: readonly string[];
}

/** ownerDeploymentUid maps a pod to the UID of the Deployment that owns its ReplicaSet ('' when none). */
export function podDeploymentUids(obs: Observed): Map<string, string> {
  const rsOwner = new Map<string, string>();
  for (const rs of obs.replicaSets) rsOwner.set(uidOf(rs), controllerUidOf(rs));
  const out = new Map<string, string>();
  for (const p of obs.pods) out.set(p.name, rsOwner.get(p.ownerUid) ?? '');
  return out;
}

/** servicesSelecting lists the Services whose selector matches any of the label sets (the affected Services). */
export function servicesSelecting(obs: Observed, labelSets: readonly Labels[]): ServiceObs[] {
  return obs.services.filter((s) => labelSets.some((l) => mapSelectorMatches(s.selector, l)));
}

/** readyOutside counts a Service's ready endpoints whose pods do not belong to the Deployment `uid`. */
export function readyOutside(svc: ServiceObs, owners: ReadonlyMap<string, string>, uid: string): number {
  return svc.readyPods.filter((p) => owners.get(p) !== uid).length;
}

/** readyOf counts a Service's ready endpoints whose pods belong to the Deployment `uid`. */
export function readyOf(svc: ServiceObs, owners: ReadonlyMap<string, string>, uid: string): number {
  return svc.readyPods.filter((p) => owners.get(p) === uid).length;
}
