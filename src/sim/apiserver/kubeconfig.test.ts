import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { kubeconfigYaml, SIM_CONTEXT } from './kubeconfig.ts';

test('kubeconfigYaml names one cluster, user and context, with insecure-skip-tls-verify for http', () => {
  const doc = parse(kubeconfigYaml({ server: 'http://127.0.0.1:1234' })) as Record<string, unknown>;
  assert.equal(doc['current-context'], SIM_CONTEXT);
  assert.deepEqual(doc['clusters'], [{ name: SIM_CONTEXT, cluster: { server: 'http://127.0.0.1:1234', 'insecure-skip-tls-verify': true } }]);
  assert.deepEqual(doc['users'], [{ name: SIM_CONTEXT, user: { token: SIM_CONTEXT } }]);
});

test('@kubernetes/client-node loads it and accepts the http server', async () => {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfigYaml({ server: 'http://127.0.0.1:1234', namespace: 'shop' }));
  assert.equal(kc.getCurrentCluster()?.server, 'http://127.0.0.1:1234');
  assert.equal(kc.getCurrentCluster()?.skipTLSVerify, true);
  assert.equal(kc.getContextObject(kc.getCurrentContext())?.namespace, 'shop');
  const opts: { headers?: Record<string, string> } = {};
  await kc.applyToHTTPSOptions(opts);
  assert.equal(opts.headers?.['Authorization'], `Bearer ${SIM_CONTEXT}`);
});
