import { err, ok, type Result } from '../lib/result.ts';
import { formatLabels, labelKeyProblem, labelValueProblem, selectorMatches, type LabelSelector, type Labels } from './selector.ts';

/**
 * SelectorChange is what the user asked for, before it meets a Deployment:
 * - `edit`: `--add-label K=V` (repeatable) and `--remove-label K` (repeatable), relative to each
 *   Deployment's current matchLabels;
 * - `set`: `--set-selector K=V,...`, the new matchLabels outright.
 * matchExpressions are never changed (they are kept as they are).
 */
export type SelectorChange =
  | { readonly mode: 'edit'; readonly add: Labels; readonly remove: readonly string[] }
  | { readonly mode: 'set'; readonly matchLabels: Labels };

/** ChangeFlags are the raw command-line values. */
export interface ChangeFlags {
  readonly addLabel: readonly string[];
  readonly removeLabel: readonly string[];
  readonly setSelector?: string;
}

function parsePair(text: string, flag: string): Result<[string, string], string> {
  const eq = text.indexOf('=');
  if (eq <= 0) return err(`${flag} ${JSON.stringify(text)}: expected KEY=VALUE`);
  const key = text.slice(0, eq).trim();
  const value = text.slice(eq + 1).trim();
  const problem = labelKeyProblem(key) ?? labelValueProblem(value);
  return problem === null ? ok([key, value]) : err(`${flag} ${text}: ${problem}`);
}

/** parseChange validates the change flags: exactly one of --set-selector or (--add-label/--remove-label). */
export function parseChange(flags: ChangeFlags): Result<SelectorChange, string> {
  const editing = flags.addLabel.length > 0 || flags.removeLabel.length > 0;
  if (flags.setSelector !== undefined && editing) return err('use either --set-selector or --add-label/--remove-label, not both');
  if (flags.setSelector !== undefined) {
    const matchLabels: Record<string, string> = {};
    for (const part of flags.setSelector.split(',').filter((p) => p.trim() !== '')) {
      const pair = parsePair(part, '--set-selector');
      if (!pair.ok) return pair;
      if (Object.hasOwn(matchLabels, pair.value[0])) return err(`--set-selector names ${pair.value[0]} twice`);
      matchLabels[pair.value[0]] = pair.value[1];
    }
    if (Object.keys(matchLabels).length === 0) return err('--set-selector needs at least one KEY=VALUE (an empty Deployment selector is rejected by the API server)');
    return ok({ mode: 'set', matchLabels });
  }
  if (!editing) return err('say what to change: --add-label K=V, --remove-label K or --set-selector K=V,...');
  const add: Record<string, string> = {};
  for (const text of flags.addLabel) {
    const pair = parsePair(text, '--add-label');
    if (!pair.ok) return pair;
    add[pair.value[0]] = pair.value[1];
  }
  for (const key of flags.removeLabel) {
    const problem = labelKeyProblem(key);
    if (problem !== null) return err(`--remove-label ${key}: ${problem}`);
    if (Object.hasOwn(add, key)) return err(`--add-label and --remove-label both name ${key}`);
  }
  return ok({ mode: 'edit', add, remove: [...flags.removeLabel] });
}

/** describeChange renders the change for plans and summaries: `+tier=frontend -version`, or `=app=web,tier=frontend`. */
export function describeChange(c: SelectorChange): string {
  if (c.mode === 'set') return `set ${formatLabels(c.matchLabels)}`;
  return [...Object.entries(c.add).map(([k, v]) => `+${k}=${v}`), ...c.remove.map((k) => `-${k}`)].join(' ');
}

/**
 * ResolvedChange is a SelectorChange applied to one Deployment.
 * - `toSelector`: the new selector; `toTemplateLabels`: the pod template labels after the change.
 * - `added`: selector keys that are new; `removed`: keys dropped from the selector (they stay on
 *   the pod template — as the Kubernetes docs' "selector removals" keep them on pods — so the
 *   Service and other selectors keep matching); `changed`: keys whose value changes.
 * - `templateChanges`: whether the pod template labels change at all (a rollout).
 * - `templateKeepsOldSelector`: the new template still satisfies the old selector, so it can be
 *   rolled out under the old Deployment (the condition of the adoption path, see path.ts).
 */
export interface ResolvedChange {
  readonly fromSelector: LabelSelector;
  readonly toSelector: LabelSelector;
  readonly fromTemplateLabels: Labels;
  readonly toTemplateLabels: Labels;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
  readonly templateChanges: boolean;
  readonly templateKeepsOldSelector: boolean;
  readonly noop: boolean;
}

/** resolveChange applies the change to a Deployment's selector and template labels. */
export function resolveChange(change: SelectorChange, selector: LabelSelector, templateLabels: Labels): ResolvedChange {
  const from = selector.matchLabels ?? {};
  let to: Record<string, string>;
  if (change.mode === 'set') to = { ...change.matchLabels };
  else {
    to = { ...from, ...change.add };
    for (const k of change.remove) delete to[k];
  }
  const added = Object.keys(to).filter((k) => !Object.hasOwn(from, k)).sort();
  const removed = Object.keys(from).filter((k) => !Object.hasOwn(to, k)).sort();
  const changed = Object.keys(to).filter((k) => Object.hasOwn(from, k) && from[k] !== to[k]).sort();
  const toTemplateLabels: Record<string, string> = { ...templateLabels, ...to };
  const templateChanges = Object.entries(to).some(([k, v]) => templateLabels[k] !== v);
  const toSelector: LabelSelector = { ...(Object.keys(to).length > 0 ? { matchLabels: to } : {}), ...(selector.matchExpressions ? { matchExpressions: selector.matchExpressions } : {}) };
  return {
    fromSelector: selector,
    toSelector,
    fromTemplateLabels: templateLabels,
    toTemplateLabels,
    added,
    removed,
    changed,
    templateChanges,
    templateKeepsOldSelector: selectorMatches(selector, toTemplateLabels),
    noop: added.length === 0 && removed.length === 0 && changed.length === 0,
  };
}
