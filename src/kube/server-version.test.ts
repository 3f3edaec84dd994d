import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compressesStreamingLists, parseServerVersion } from './server-version.ts';

test('parseServerVersion reads major and minor as kube-apiserver and providers write them', () => {
  assert.deepEqual(parseServerVersion({ major: '1', minor: '37', gitVersion: 'v1.37.0' }), { major: 1, minor: 37, gitVersion: 'v1.37.0' });
  assert.deepEqual(parseServerVersion({ major: '1', minor: '36+', gitVersion: 'v1.36.2-eks-1' }), { major: 1, minor: 36, gitVersion: 'v1.36.2-eks-1' });
  assert.equal(parseServerVersion({ major: 1, minor: 37 }), undefined, 'numbers are not what the API sends');
  assert.equal(parseServerVersion('v1.37'), undefined);
  assert.equal(parseServerVersion({ major: '', minor: '37' }), undefined);
});

test('streaming lists are compressed from 1.37 on', () => {
  assert.equal(compressesStreamingLists({ major: 1, minor: 36, gitVersion: '' }), false);
  assert.equal(compressesStreamingLists({ major: 1, minor: 37, gitVersion: '' }), true);
  assert.equal(compressesStreamingLists({ major: 1, minor: 40, gitVersion: '' }), true);
  assert.equal(compressesStreamingLists({ major: 2, minor: 0, gitVersion: '' }), true);
});
