// docs/api/schemas.json is the published JSON Schema of the public views: it must equal what the zod
// definitions generate today. After changing a view, regenerate it with
// `ROLLSCOPE_WRITE_SCHEMAS=1 node --test src/model/view/json-schema.test.ts`.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { publicJsonSchema } from './json-schema.ts';

const FILE = resolve(import.meta.dirname, '..', '..', '..', 'docs', 'api', 'schemas.json');

test('docs/api/schemas.json is generated from the zod views and current', () => {
  const generated = `${JSON.stringify(publicJsonSchema(), null, 2)}\n`;
  if (process.env.ROLLSCOPE_WRITE_SCHEMAS === '1') writeFileSync(FILE, generated);
  assert.equal(readFileSync(FILE, 'utf8'), generated, 'regenerate with ROLLSCOPE_WRITE_SCHEMAS=1 (see the header of this test)');
});

test('the schema describes every public view and their references resolve', () => {
  const doc = publicJsonSchema() as { $defs: Record<string, { required?: string[] }> };
  assert.deepEqual(Object.keys(doc.$defs).sort(), ['Canary', 'CanaryMeasurement', 'CanaryStep', 'CanarySummary', 'ClusterList', 'FailingMetric', 'Failure', 'LiveEvent', 'Release', 'ReleaseDetail', 'ReleaseEvent', 'ReleaseSummary', 'TemplateChange', 'Workload', 'WorkloadEvent', 'WorkloadRef']);
  assert.ok(doc.$defs.Release?.required?.includes('cluster'));
  for (const ref of JSON.stringify(doc).matchAll(/"\$ref":"#\/\$defs\/([A-Za-z]+)"/g)) assert.ok(ref[1]! in doc.$defs, `dangling $ref ${ref[1]}`);
});
