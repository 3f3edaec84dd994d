// kubeconfig resolution as kubectl does it: merged $KUBECONFIG files, relative paths, token files,
// exec credential plugins (a real child process), in-cluster service accounts, and errors that name
// the file or context.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { isTrackerError } from '../lib/errors.ts';
import { kubeConfigFromYaml, loadKubeConfig } from './kubeconfig.ts';

function dir(t: TestContext): string {
  const d = mkdtempSync(join(tmpdir(), 'rollscope-kubeconfig-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

const config = (o: { current?: string; cluster: string; server: string; user: string; userYaml: string; ns?: string; clusterYaml?: string }): string => `apiVersion: v1
kind: Config
${o.current === undefined ? '' : `current-context: ${o.current}\n`}clusters:
- name: ${o.cluster}
  cluster:
    server: ${o.server}
${o.clusterYaml ?? ''}users:
- name: ${o.user}
  user:
${o.userYaml}contexts:
- name: ${o.cluster}
  context:
    cluster: ${o.cluster}
    user: ${o.user}
${o.ns === undefined ? '' : `    namespace: ${o.ns}\n`}`;

test('$KUBECONFIG files merge: the first to define a name wins, current-context from the first that sets one', async (t) => {
  const d = dir(t);
  writeFileSync(join(d, 'a'), config({ cluster: 'prod', server: 'https://prod.example:6443/', user: 'u', userYaml: '    token: first\n', ns: 'shop' }));
  writeFileSync(join(d, 'b'), config({ current: 'prod', cluster: 'prod', server: 'https://shadowed.example', user: 'u', userYaml: '    token: second\n' }));
  const access = loadKubeConfig({ env: { KUBECONFIG: `${join(d, 'a')}:${join(d, 'missing')}:${join(d, 'b')}`, HOME: d } });
  assert.equal(access.contextName, 'prod');
  assert.equal(access.server, 'https://prod.example:6443');
  assert.equal(access.namespace, 'shop');
  assert.deepEqual((await access.credentials()).headers, { Authorization: 'Bearer first' });
});

test('relative certificate and token paths resolve against the kubeconfig file; the token file is read, not the path', async (t) => {
  const d = dir(t);
  writeFileSync(join(d, 'ca.pem'), 'CA-PEM');
  writeFileSync(join(d, 'token'), 'from-file\n');
  writeFileSync(join(d, 'config'), config({ current: 'c', cluster: 'c', server: 'https://c', user: 'u', userYaml: '    tokenFile: token\n', clusterYaml: '    certificate-authority: ca.pem\n' }));
  const access = loadKubeConfig({ kubeconfig: join(d, 'config') });
  assert.equal(access.tls.ca, 'CA-PEM');
  assert.equal(access.namespace, 'default');
  assert.deepEqual((await access.credentials()).headers, { Authorization: 'Bearer from-file' });
});

test('inline -data fields are base64; insecure-skip-tls-verify and tls-server-name are kept', (t) => {
  const d = dir(t);
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  writeFileSync(
    join(d, 'config'),
    config({ current: 'c', cluster: 'c', server: 'https://c', user: 'u', userYaml: `    client-certificate-data: ${b64('CERT')}\n    client-key-data: ${b64('KEY')}\n`, clusterYaml: `    certificate-authority-data: ${b64('CA')}\n    insecure-skip-tls-verify: true\n    tls-server-name: api.internal\n` }),
  );
  const access = loadKubeConfig({ kubeconfig: join(d, 'config') });
  assert.deepEqual(access.tls, { ca: 'CA', cert: 'CERT', key: 'KEY', insecureSkipVerify: true, serverName: 'api.internal' });
});

test('an exec credential plugin runs once, gets KUBERNETES_EXEC_INFO, and its token is cached until expiry', async (t) => {
  const d = dir(t);
  const plugin = join(d, 'plugin.sh');
  const calls = join(d, 'calls');
  writeFileSync(
    plugin,
    `#!/bin/sh\necho call >> ${calls}\ncase "$KUBERNETES_EXEC_INFO" in *'"interactive":false'*) ;; *) exit 7;; esac\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"exec-'"$EXTRA"'","expirationTimestamp":"2999-01-01T00:00:00Z"}}'\n`,
  );
  chmodSync(plugin, 0o755);
  writeFileSync(
    join(d, 'config'),
    config({ current: 'c', cluster: 'c', server: 'https://c', user: 'u', userYaml: `    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ./plugin.sh\n      env:\n      - name: EXTRA\n        value: tok\n` }),
  );
  const access = loadKubeConfig({ kubeconfig: join(d, 'config') });
  assert.deepEqual((await access.credentials()).headers, { Authorization: 'Bearer exec-tok' });
  assert.deepEqual((await access.credentials()).headers, { Authorization: 'Bearer exec-tok' });
  const { readFileSync } = await import('node:fs');
  assert.equal(readFileSync(calls, 'utf8').trim().split('\n').length, 1, 'the plugin ran once');
});

test('a failing exec plugin is KUBE_UNAUTHORIZED with its install hint', async (t) => {
  const d = dir(t);
  writeFileSync(join(d, 'config'), config({ current: 'c', cluster: 'c', server: 'https://c', user: 'u', userYaml: '    exec:\n      command: /nonexistent/aws\n      installHint: install the aws CLI\n' }));
  await assert.rejects(loadKubeConfig({ kubeconfig: join(d, 'config') }).credentials(), (e) => isTrackerError(e) && e.code === 'KUBE_UNAUTHORIZED' && e.details.hint === 'install the aws CLI');
});

test('in a pod (no kubeconfig): KUBERNETES_SERVICE_HOST/PORT with the service account token, CA and namespace', async (t) => {
  const d = dir(t);
  writeFileSync(join(d, 'token'), 'sa-token');
  writeFileSync(join(d, 'ca.crt'), 'SA-CA');
  writeFileSync(join(d, 'namespace'), 'rollscope-system');
  const access = loadKubeConfig({ env: { HOME: d, KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' }, serviceAccountDir: d });
  assert.equal(access.server, 'https://10.96.0.1:443');
  assert.equal(access.namespace, 'rollscope-system');
  assert.equal(access.tls.ca, 'SA-CA');
  assert.deepEqual((await access.credentials()).headers, { Authorization: 'Bearer sa-token' });
  const v6 = loadKubeConfig({ env: { HOME: d, KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' }, serviceAccountDir: d });
  assert.equal(v6.server, 'https://[fd00::1]:443');
});

test('errors name the file or context and say what to do', (t) => {
  const d = dir(t);
  writeFileSync(join(d, 'config'), config({ current: 'c', cluster: 'c', server: 'https://c', user: 'u', userYaml: '    token: x\n' }));
  assert.throws(() => loadKubeConfig({ kubeconfig: join(d, 'config'), context: 'prod' }), (e) => isTrackerError(e) && e.code === 'CONFIG_INVALID' && /context prod/.test(e.message) && /choose one of: c/.test(e.details.hint ?? ''));
  assert.throws(() => loadKubeConfig({ kubeconfig: join(d, 'nope') }), (e) => isTrackerError(e) && e.code === 'CONFIG_INVALID' && e.message.includes(join(d, 'nope')));
  assert.throws(() => loadKubeConfig({ env: { HOME: d } }), (e) => isTrackerError(e) && e.code === 'CONFIG_INVALID' && /KUBECONFIG/.test(e.details.hint ?? ''));
  assert.throws(() => kubeConfigFromYaml('clusters: [}'), (e) => isTrackerError(e) && e.code === 'CONFIG_INVALID');
});
