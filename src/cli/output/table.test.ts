import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cellWidth, formatTable } from './table.ts';

test('formatTable aligns columns with 3 spaces and never pads the last column', () => {
  const out = formatTable(['RELEASE', 'IMAGES', 'OUTCOME'], [['1', 'web:v1', 'succeeded'], ['12', 'registry.example/web:v2', '']]);
  assert.equal(out, ['RELEASE   IMAGES                    OUTCOME', '1         web:v1                    succeeded', '12        registry.example/web:v2', ''].join('\n'));
});

test('formatTable honours a custom padding (kubectl rollout history uses 2)', () => {
  assert.equal(formatTable(['REVISION', 'CHANGE-CAUSE'], [['1', '<none>']], { padding: 2 }), 'REVISION  CHANGE-CAUSE\n1         <none>\n');
});

test('formatTable keeps one row per line and aligns wide characters', () => {
  const out = formatTable(['A', 'B'], [['发布', 'x'], ['tab\there\nnewline', 'y']]);
  assert.deepEqual(out.split('\n'), ['A                  B', '发布               x', 'tab here newline   y', '']);
});

test('cellWidth counts CJK as two columns and ignores combining marks', () => {
  assert.equal(cellWidth('abc'), 3);
  assert.equal(cellWidth('日本'), 4);
  assert.equal(cellWidth('e\u0301'), 1);
});
