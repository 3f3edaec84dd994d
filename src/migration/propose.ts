import { boolField, fieldAt, stringField, type Unstructured } from '../track/status/fields.ts';
import { resolveChange, type ResolvedChange, type SelectorChange } from './change.ts';
import { nameOfObj, replicasOf, selectorOf, stripDeployment, templateLabelsOf, uidOf } from './manifests.ts';
import { resolveMinReady, type IntOrPercent, type MinReady, type RollingParams } from './min-ready.ts';
import { choosePath, type PathChoice } from './path.ts';
import { COPY_SUFFIX, type MigrationRecord } from './record.ts';

/** Intent is a migration as asked for: an id chosen by the shell, the change, and --min-ready. */
export interface Intent {
  readonly id: string;
  readonly change: SelectorChange;
  readonly minReady?: MinReady;
}

/** Proposal is an intent met with one Deployment: the resolved change, the path and the record to start with. */
export interface Proposal {
  readonly change: ResolvedChange;
  readonly choice: PathChoice;
  readonly minReady: number;
  readonly record: MigrationRecord;
}

const intOrPercent = (v: unknown): IntOrPercent | undefined => (typeof v === 'number' || typeof v === 'string' ? v : undefined);

/** rollingParamsOf reads a Deployment's strategy. */
export function rollingParamsOf(d: Unstructured): RollingParams {
  const maxSurge = intOrPercent(fieldAt(d, 'spec.strategy.rollingUpdate.maxSurge'));
  const maxUnavailable = intOrPercent(fieldAt(d, 'spec.strategy.rollingUpdate.maxUnavailable'));
  return {
    strategyType: stringField(d, 'spec.strategy.type', 'RollingUpdate'),
    ...(maxSurge === undefined ? {} : { maxSurge }),
    ...(maxUnavailable === undefined ? {} : { maxUnavailable }),
  };
}

/** propose resolves an intent against a Deployment (as read from the cluster). */
export function propose(d: Unstructured, intent: Intent): Proposal {
  const change = resolveChange(intent.change, selectorOf(d), templateLabelsOf(d));
  const replicas = replicasOf(d);
  const strategy = rollingParamsOf(d);
  const minReady = resolveMinReady(intent.minReady, strategy, replicas);
  const choice = choosePath({ change, strategy, replicas, paused: boolField(d, 'spec.paused'), minReady });
  const name = nameOfObj(d);
  const record: MigrationRecord = {
    v: 1,
    id: intent.id,
    path: choice.path,
    rollsTemplate: choice.rollsTemplate,
    namespace: stringField(d, 'metadata.namespace'),
    name,
    originalUid: uidOf(d),
    copyName: `${name}${COPY_SUFFIX}`,
    fromSelector: change.fromSelector,
    toSelector: change.toSelector,
    fromTemplateLabels: change.fromTemplateLabels,
    toTemplateLabels: change.toTemplateLabels,
    minReady,
    replicas,
    original: stripDeployment(d),
  };
  return { change, choice, minReady, record };
}
