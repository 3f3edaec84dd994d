import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDemoBanner } from './demo-process.ts';

test('parseDemoBanner reads the dashboard URL from stdout and the tokens from stderr', () => {
  const stderr = 'rollscope demo: simulated cluster at http://127.0.0.1:4000 (speed 30x)\n  operator token: abc_DEF-123   (paste it into the dashboard)\n';
  const cases: readonly { readonly name: string; readonly stdout: string; readonly stderr: string; readonly want: ReturnType<typeof parseDemoBanner> }[] = [
    { name: 'complete', stdout: 'dashboard: http://127.0.0.1:7420/\n', stderr, want: { url: 'http://127.0.0.1:7420', operatorToken: 'abc_DEF-123', viewerToken: undefined } },
    { name: 'no trailing slash', stdout: 'dashboard: http://127.0.0.1:7420\n', stderr, want: { url: 'http://127.0.0.1:7420', operatorToken: 'abc_DEF-123', viewerToken: undefined } },
    { name: 'with a viewer token', stdout: 'dashboard: http://127.0.0.1:1/\n', stderr: `${stderr}  viewer token: v1ew\n`, want: { url: 'http://127.0.0.1:1', operatorToken: 'abc_DEF-123', viewerToken: 'v1ew' } },
    { name: 'URL not printed yet', stdout: '', stderr, want: undefined },
    { name: 'token not printed yet', stdout: 'dashboard: http://127.0.0.1:7420/\n', stderr: 'rollscope demo: starting\n', want: undefined },
    { name: 'a URL inside another line is not the banner', stdout: 'see dashboard: http://127.0.0.1:9/\n', stderr, want: undefined },
  ];
  for (const c of cases) assert.deepEqual(parseDemoBanner(c.stdout, c.stderr), c.want, c.name);
});
