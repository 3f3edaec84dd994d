import { TrackerError } from '../../lib/errors.ts';
import type { ImageBehaviour, NodeSpec, SimBehaviour } from '../core/context.ts';

/** ImageRule sets how images matching `image` behave; the first matching rule wins. */
export interface ImageRule {
  /** Glob over the whole image reference: `*` any run of characters, `?` one character (e.g. `*:missing`, `registry.local/*`). */
  readonly image: string;
  /** Fields that differ from the healthy default. */
  readonly behaviour: Partial<ImageBehaviour>;
}

/** HEALTHY_IMAGE is how an image without a matching rule behaves: pulls in 1.5 s, ready 2 s after start. */
export const HEALTHY_IMAGE: ImageBehaviour = {
  pullMs: 1_500,
  pullFails: false,
  readyAfterMs: 2_000,
  neverReady: false,
  crashAfterMs: null,
  exitCode: 0,
  terminationReason: 'Completed',
  errorPercent: 0,
  extraLatencyMs: 0,
  completesAfterMs: 4_000,
};

/**
 * trafficSuffixes reads the HTTP behaviour a tag asks for, in any order and combined:
 * `web:2-errors30` answers 30 % of requests with 500, `web:2-slow250` adds 250 ms to each,
 * `web:2-errors5-slow100` does both. Only the image's tag is read (after the last `:` past the last `/`).
 */
export function trafficSuffixes(image: string): Pick<ImageBehaviour, 'errorPercent' | 'extraLatencyMs'> {
  const slash = image.lastIndexOf('/');
  const colon = image.indexOf(':', slash + 1);
  const tag = colon < 0 ? '' : image.slice(colon + 1).replace(/@.*$/, '');
  const errors = /-errors(\d{1,3})(?=-|$)/.exec(tag);
  const slow = /-slow(\d{1,6})(?=-|$)/.exec(tag);
  return { errorPercent: errors === null ? 0 : Math.min(100, Number(errors[1])), extraLatencyMs: slow === null ? 0 : Number(slow[1]) };
}

/**
 * BUILTIN_IMAGE_RULES gives the tags scenarios and tests rely on: `missing` fails to pull, `crash`
 * exits 1 after a short run, `oom` is OOM-killed (exit 137), `unready` never passes readiness, `slow`
 * pulls and starts slowly.
 */
export const BUILTIN_IMAGE_RULES: readonly ImageRule[] = [
  { image: '*:missing', behaviour: { pullFails: true } },
  { image: '*:crash', behaviour: { crashAfterMs: 3_000, exitCode: 1, terminationReason: 'Error' } },
  { image: '*:oom', behaviour: { crashAfterMs: 2_000, exitCode: 137, terminationReason: 'OOMKilled' } },
  { image: '*:unready', behaviour: { neverReady: true } },
  { image: '*:slow', behaviour: { pullMs: 20_000, readyAfterMs: 15_000 } },
];

/** DEFAULT_NODES_SPEC is the default node pool: three nodes of 4 CPUs and 8 GiB. */
export const DEFAULT_NODES_SPEC = '3x4cpu8Gi';

/** BehaviourConfig is a scenario's image rules (checked in order, before the built-in ones) and node pool. */
export interface BehaviourConfig {
  readonly rules?: readonly ImageRule[];
  /** Nodes, or a pool spec such as `3x4cpu8Gi,1x2cpu4Gi`. If unset, DEFAULT_NODES_SPEC. */
  readonly nodes?: readonly NodeSpec[] | string;
  /** Leave out BUILTIN_IMAGE_RULES (tags then mean nothing special). */
  readonly withoutBuiltinRules?: boolean;
}

/** createBehaviour builds a SimBehaviour from image rules and a node pool. Throws CONFIG_INVALID on a bad pool spec or rule. */
export function createBehaviour(config: BehaviourConfig = {}): SimBehaviour {
  const rules = [...(config.rules ?? []), ...(config.withoutBuiltinRules ? [] : BUILTIN_IMAGE_RULES)];
  const compiled = rules.map((r) => ({ test: globToRegExp(r.image), behaviour: validated(r) }));
  const nodes = typeof config.nodes === 'string' ? parseNodesSpec(config.nodes) : (config.nodes ?? parseNodesSpec(DEFAULT_NODES_SPEC));
  return {
    nodes,
    imageBehaviour(image: string): ImageBehaviour {
      const hit = compiled.find((c) => c.test.test(image));
      return { ...HEALTHY_IMAGE, ...trafficSuffixes(image), ...hit?.behaviour };
    },
  };
}

/** defaultBehaviour is the built-in rules over the default pool (or `nodes`, a pool spec). */
export function defaultBehaviour(options: { readonly nodes?: string; readonly rules?: readonly ImageRule[] } = {}): SimBehaviour {
  return createBehaviour({ ...(options.nodes === undefined ? {} : { nodes: options.nodes }), ...(options.rules ? { rules: options.rules } : {}) });
}

/** globToRegExp compiles an image glob (`*`, `?`) into an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  const body = [...glob].map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`);
}

function validated(rule: ImageRule): Partial<ImageBehaviour> {
  const b = rule.behaviour;
  for (const field of ['pullMs', 'readyAfterMs', 'crashAfterMs'] as const) {
    const v = b[field];
    if (v !== undefined && v !== null && !(Number.isFinite(v) && v >= 0))
      throw new TrackerError('CONFIG_INVALID', `image rule ${rule.image}: ${field} must be a non-negative number of ms, got ${v}`, {
        subject: `image rule ${rule.image}`,
        hint: `set ${field} to 0 or more`,
      });
  }
  if (rule.image.trim() === '')
    throw new TrackerError('CONFIG_INVALID', 'image rule with an empty image glob', { hint: 'use a glob such as *:missing or registry.local/*' });
  return b;
}

const NODE_GROUP = /^(?:(\d+)x)?(\d+(?:\.\d+)?|\d+m)cpu(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?(?:\/pods=(\d+))?$/;
const MEMORY_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/**
 * parseNodesSpec reads a node pool spec: comma-separated groups `[N x]<cpu>cpu<memory>[/pods=M]`,
 * e.g. `3x4cpu8Gi,1x2cpu4Gi` or `1x500mcpu512Mi/pods=10`. Nodes are named `sim-node-1`, `sim-node-2`…
 * in order, labelled like real nodes (hostname, os, arch), 110 pods each unless given.
 * Throws CONFIG_INVALID naming the bad group.
 */
export function parseNodesSpec(spec: string): NodeSpec[] {
  const groups = spec.split(',').map((g) => g.trim());
  const nodes: NodeSpec[] = [];
  for (const group of groups) {
    const m = NODE_GROUP.exec(group);
    if (!m) throw badSpec(spec, `group ${JSON.stringify(group)} is not [N x]<cpu>cpu<memory>[/pods=M]`);
    const count = m[1] === undefined ? 1 : Number(m[1]);
    const cpu = m[2] ?? '';
    const cpuMillis = cpu.endsWith('m') ? Number(cpu.slice(0, -1)) : Math.round(Number(cpu) * 1000);
    const memoryBytes = Math.round(Number(m[3]) * (MEMORY_UNITS[m[4] ?? ''] ?? 1));
    const maxPods = m[5] === undefined ? 110 : Number(m[5]);
    if (count < 1) throw badSpec(spec, `group ${JSON.stringify(group)} has no nodes (count ${count})`);
    if (cpuMillis <= 0) throw badSpec(spec, `group ${JSON.stringify(group)} has no CPU`);
    if (memoryBytes <= 0) throw badSpec(spec, `group ${JSON.stringify(group)} has no memory`);
    if (maxPods < 1) throw badSpec(spec, `group ${JSON.stringify(group)} allows no pods`);
    for (let i = 0; i < count; i++) {
      const name = `sim-node-${nodes.length + 1}`;
      nodes.push({
        name,
        cpuMillis,
        memoryBytes,
        maxPods,
        labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' },
        taints: [],
        unschedulable: false,
      });
    }
  }
  if (nodes.length > 5000) throw badSpec(spec, `${nodes.length} nodes is more than the 5000 a cluster supports`);
  return nodes;
}

function badSpec(spec: string, why: string): TrackerError {
  return new TrackerError('CONFIG_INVALID', `node pool spec ${JSON.stringify(spec)}: ${why}`, {
    subject: 'node pool',
    hint: 'write groups like 3x4cpu8Gi,1x2cpu4Gi (count x CPUs, then memory with Ki/Mi/Gi), optionally /pods=N',
  });
}
