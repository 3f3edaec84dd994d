import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitTypeName } from './type-name-args.ts';

test('splitTypeName reads TYPE/NAME as one argument or two and refuses other shapes', () => {
  const cases: [readonly string[], { type: string; name: string } | undefined][] = [
    [['deploy/web'], { type: 'deploy', name: 'web' }],
    [['sts', 'db'], { type: 'sts', name: 'db' }],
    [['deploy/web', 'x'], undefined],
    [['a', 'b', 'c'], undefined],
    [['web'], undefined],
    [['/web'], undefined],
    [['deploy/'], undefined],
    [['deploy/a/b'], undefined],
    [['deploy', ''], undefined],
    [[], undefined],
  ];
  for (const [args, want] of cases) assert.deepEqual(splitTypeName(args), want, args.join(' '));
});
