import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isTrackerError } from '../lib/errors.ts';
import { loadObjectsFromFile, parseObjects } from './object-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'rollscope-object-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

test('a repeated key is accepted and the last value wins (as Go YAML)', () => {
  const [obj] = parseObjects('kind: Deployment\nstatus:\n  observedGeneration: 1\n  observedGeneration: 2\n', 'f');
  assert.deepEqual(obj?.status, { observedGeneration: 2 });
});

test('multi-document YAML and kind: List are flattened; empty documents skipped', () => {
  const objs = parseObjects('kind: Deployment\n---\n---\nkind: List\nitems:\n- kind: Pod\n- kind: Event\n', 'f');
  assert.deepEqual(objs.map((o) => o.kind), ['Deployment', 'Pod', 'Event']);
});

test('JSON is read as well', () => {
  assert.deepEqual(parseObjects('{"kind": "Pod", "metadata": {"name": "p"}}', 'f')[0], { kind: 'Pod', metadata: { name: 'p' } });
});

test('__NOW_RFC3339__ becomes the given instant', () => {
  const p = file('now.yaml', 'kind: Pod\nmetadata:\n  creationTimestamp: __NOW_RFC3339__\n');
  const [obj] = loadObjectsFromFile(p, Date.parse('2026-03-04T05:06:07.890Z'));
  assert.deepEqual(obj?.metadata, { creationTimestamp: '2026-03-04T05:06:07Z' });
});

for (const [name, text, pattern] of [
  ['syntax error', 'kind: [unclosed', /is not valid YAML or JSON/],
  ['a scalar document', '42', /holds a number, not a Kubernetes object/],
  ['no document at all', '# nothing\n', /holds no Kubernetes object/],
] as const)
  test(`loadObjectsFromFile: ${name} → USAGE error naming the file`, () => {
    const p = file(`${name.replaceAll(' ', '-')}.yaml`, text);
    assert.throws(() => loadObjectsFromFile(p, 0), (e: unknown) => isTrackerError(e) && e.code === 'USAGE' && pattern.test(e.message) && e.message.includes(p));
  });

test('loadObjectsFromFile: a missing file → USAGE error with a hint', () => {
  assert.throws(() => loadObjectsFromFile(join(dir, 'missing.yaml'), 0), (e: unknown) => isTrackerError(e) && e.code === 'USAGE' && /cannot read file/.test(e.message) && e.details.hint !== undefined);
});
