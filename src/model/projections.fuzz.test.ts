// Generative tests of the projection layer: whatever arrives from a server, a projector returns
// either a frozen record or an error naming the object — it never throws.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { loadObject } from '../../test/support/object-fixtures.ts';
import type { Result } from '../lib/result.ts';
import { projectControllerRevision } from './project-controller-revision.ts';
import { projectEvent } from './project-event.ts';
import { projectPod } from './project-pod.ts';
import { projectReplicaSet } from './project-replicaset.ts';
import { projectWorkload } from './project-workload.ts';

interface Projector {
  readonly kind: string;
  readonly project: (o: unknown) => Result<unknown, string>;
  readonly fixture?: string;
}

const PROJECTORS: readonly Projector[] = [
  { kind: 'Deployment', project: (o) => projectWorkload(o, 'Deployment'), fixture: 'deployment/web.yaml' },
  { kind: 'StatefulSet', project: (o) => projectWorkload(o, 'StatefulSet'), fixture: 'statefulset/db.yaml' },
  { kind: 'DaemonSet', project: (o) => projectWorkload(o, 'DaemonSet'), fixture: 'daemonset/agent.yaml' },
  { kind: 'ReplicaSet', project: projectReplicaSet, fixture: 'replicaset/web-7d4b9c8f6d.yaml' },
  { kind: 'ControllerRevision', project: projectControllerRevision, fixture: 'controllerrevision/agent-5f7d8c9b4.yaml' },
  { kind: 'Pod', project: (o) => projectPod(o) },
  { kind: 'Event', project: projectEvent },
];

const RUNS = 300;

/** assertWellBehaved checks one projection result: a deeply frozen record, or an error naming kind and object. */
function assertWellBehaved(p: Projector, input: unknown, r: Result<unknown, string>): void {
  if (!r.ok) {
    assert.equal(typeof r.error, 'string');
    assert.ok(r.error.startsWith(`${p.kind} `), `error does not name the kind: ${r.error.slice(0, 200)}`);
    const name = (input as { metadata?: { name?: unknown } } | null)?.metadata?.name;
    if (typeof name === 'string' && name !== '' && name.length <= 61) assert.ok(r.error.includes(name), `error does not name ${name}: ${r.error.slice(0, 200)}`);
    assert.ok(r.error.length < 2000, 'an error message stays short even for huge input');
    return;
  }
  assert.ok(Object.isFrozen(r.value), 'records are frozen');
  JSON.stringify(r.value); // records are plain JSON-serialisable data
}

/** pathsOf lists the paths of every field in a JSON value (for mutating real objects). */
function pathsOf(v: unknown, prefix: readonly (string | number)[] = []): (readonly (string | number)[])[] {
  if (typeof v !== 'object' || v === null) return [prefix];
  const keys = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
  return [prefix, ...keys.flatMap((k) => pathsOf((v as Record<string | number, unknown>)[k], [...prefix, k]))];
}

function setPath(obj: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(obj) as Record<string | number, unknown>;
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  at[path[path.length - 1]!] = value;
  return copy;
}

const oddString = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.constantFrom('\ud800', '\udfff', 'a\u0000b', '\u202e', '😀'.repeat(3), '__proto__', 'constructor', 'x'.repeat(70_000)),
);
const oddValue = fc.oneof(fc.jsonValue(), oddString, fc.constantFrom(null, NaN, -0, 1e308, 2 ** 53 + 2, [], {}, [[[]]]));

for (const p of PROJECTORS) {
  test(`${p.kind}: arbitrary JSON never throws`, () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ metadata: fc.jsonValue(), spec: fc.jsonValue(), status: fc.jsonValue() })), (input) => {
        assertWellBehaved(p, input, p.project(input));
      }),
      { numRuns: RUNS },
    );
  });

  const fixture = p.fixture;
  if (fixture === undefined) continue;
  const base = loadObject(fixture);
  const paths = pathsOf(base);

  test(`${p.kind}: a real object with one field replaced by anything never throws`, () => {
    fc.assert(
      fc.property(fc.constantFrom(...paths), oddValue, (path, value) => {
        const input = setPath(base, path, value);
        assertWellBehaved(p, input, p.project(input));
      }),
      { numRuns: RUNS * 2 },
    );
  });

  test(`${p.kind}: odd Unicode in names, labels and annotations never throws`, () => {
    fc.assert(
      fc.property(oddString, oddString, oddString, (name, key, value) => {
        const input = setPath(setPath(base, ['metadata', 'name'], name), ['metadata', 'labels'], { [key]: value });
        const r = p.project(input);
        assertWellBehaved(p, input, r);
      }),
      { numRuns: RUNS },
    );
  });

  test(`${p.kind}: 20 000 levels of nesting never throw`, () => {
    const deep = JSON.parse(`${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`) as unknown;
    for (const path of [['spec', 'template', 'deep'], ['spec', 'deep'], ['data', 'spec', 'template', 'deep'], ['status', 'deep'], ['metadata', 'deep']]) {
      const nested: Record<string, unknown> = structuredClone(base);
      let at = nested;
      for (const k of path.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
      at[path[path.length - 1]!] = deep;
      const r = p.project(nested);
      assertWellBehaved(p, nested, r);
      assert.match(r.ok ? '' : r.error, /nested deeper than 64 levels/);
    }
  });

  test(`${p.kind}: 1 MiB of annotations is refused with an error naming the object`, () => {
    const input = setPath(base, ['metadata', 'annotations'], { huge: 'x'.repeat(1024 * 1024) });
    const r = p.project(input);
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.error, /metadata\.annotations holds \d+ characters, over the API server's limit/);
    assertWellBehaved(p, input, r);
  });
}

test('env values never reach a record, whatever they are', () => {
  const base = loadObject('deployment/web.yaml');
  fc.assert(
    fc.property(fc.string({ minLength: 8 }).map((s) => `SECRET-${s}`), (secret) => {
      const input = setPath(base, ['spec', 'template', 'spec', 'containers', 0, 'env', 0, 'value'], secret);
      const r = projectWorkload(input, 'Deployment');
      assert.ok(r.ok, r.ok ? '' : r.error);
      assert.ok(!JSON.stringify(r.value).includes(JSON.stringify(secret).slice(1, -1)));
    }),
    { numRuns: RUNS },
  );
});
