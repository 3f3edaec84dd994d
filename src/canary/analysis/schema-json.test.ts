import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analysisJsonSchema } from './schema-json.ts';

const FILE = join(import.meta.dirname, '..', '..', '..', 'docs', 'canary-analysis.schema.json');

test('the published JSON Schema of the analysis file is current (UPDATE_SCHEMA=1 rewrites it)', () => {
  const want = `${JSON.stringify(analysisJsonSchema(), null, 2)}\n`;
  if (process.env.UPDATE_SCHEMA === '1') writeFileSync(FILE, want);
  assert.equal(readFileSync(FILE, 'utf8'), want, 'docs/canary-analysis.schema.json is stale: run UPDATE_SCHEMA=1 node --test src/canary/analysis/schema-json.test.ts');
  const s = JSON.parse(want) as { properties: Record<string, unknown>; required?: string[] };
  assert.deepEqual(Object.keys(s.properties).sort(), ['labels', 'metrics', 'trafficFloor']);
  assert.deepEqual(s.required, ['metrics']);
});
