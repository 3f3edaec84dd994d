import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTrackerError } from '../../lib/errors.ts';
import { parseGates, parseListen, parseNodes, parseScenario, parseSpeed } from './sim-options.ts';

const listenRows = [
  { name: 'host and port', value: '127.0.0.1:6443', want: { host: '127.0.0.1', port: 6443 } },
  { name: 'port 0 = any free port', value: '0.0.0.0:0', want: { host: '0.0.0.0', port: 0 } },
  { name: 'host name', value: 'localhost:8080', want: { host: 'localhost', port: 8080 } },
  { name: 'empty host → loopback', value: ':0', want: { host: '127.0.0.1', port: 0 } },
  { name: 'bare port → loopback', value: '8080', want: { host: '127.0.0.1', port: 8080 } },
  { name: 'bracketed IPv6', value: '[::1]:9000', want: { host: '::1', port: 9000 } },
] as const;
for (const row of listenRows) test(`--listen ${row.name}`, () => assert.deepEqual(parseListen(row.value), row.want));

const badListen = ['', 'localhost', 'host:port', '127.0.0.1:65536', '::1:80', '1.2.3.4:-1'];
for (const value of badListen)
  test(`--listen ${JSON.stringify(value)} is a usage error with a hint`, () => {
    assert.throws(() => parseListen(value), (e) => isTrackerError(e) && e.code === 'USAGE' && e.message.includes('--listen') && (e.details.hint ?? '').includes('--listen'));
  });

const speedRows = [
  { value: '1', want: 1 },
  { value: '60', want: 60 },
  { value: '0.5', want: 0.5 },
] as const;
for (const row of speedRows) test(`--speed ${row.value}`, () => assert.equal(parseSpeed(row.value), row.want));
for (const value of ['0', '-2', 'fast', '', 'Infinity', '1e7'])
  test(`--speed ${JSON.stringify(value)} is a usage error`, () => {
    assert.throws(() => parseSpeed(value), (e) => isTrackerError(e) && e.code === 'USAGE' && e.message.includes('--speed'));
  });

test('--nodes parses a pool spec', () => {
  const nodes = parseNodes('2x4cpu8Gi,1x2cpu4Gi');
  assert.deepEqual(
    nodes.map((n) => [n.name, n.cpuMillis]),
    [['sim-node-1', 4000], ['sim-node-2', 4000], ['sim-node-3', 2000]],
  );
});

test('--nodes with a bad spec is a usage error naming the flag', () => {
  assert.throws(() => parseNodes('lots'), (e) => isTrackerError(e) && e.code === 'USAGE' && e.message.startsWith('--nodes:') && e.details.hint !== undefined);
});

test('--scenario finds a built-in scenario, or names the choices', () => {
  assert.equal(parseScenario('demo').name, 'demo');
  assert.throws(() => parseScenario('nope'), (e) => isTrackerError(e) && e.code === 'USAGE' && (e.details.hint ?? '').includes('demo'));
});

test('--feature-gates: kube-apiserver spelling over the defaults (alpha gates off)', () => {
  assert.deepEqual(parseGates(''), { ManagedFieldsOptOut: false, WatchListCompression: true });
  assert.deepEqual(parseGates('ManagedFieldsOptOut=true'), { ManagedFieldsOptOut: true, WatchListCompression: true });
  assert.deepEqual(parseGates('WatchListCompression=false'), { ManagedFieldsOptOut: false, WatchListCompression: false });
  assert.deepEqual(parseGates(' ManagedFieldsOptOut=TRUE , '), { ManagedFieldsOptOut: true, WatchListCompression: true });
  assert.deepEqual(parseGates('ManagedFieldsOptOut=true,ManagedFieldsOptOut=false'), { ManagedFieldsOptOut: false, WatchListCompression: true }, 'the last one wins');
});
for (const [value, names] of [['NoSuchGate=true', 'NoSuchGate'], ['ManagedFieldsOptOut=yes', 'ManagedFieldsOptOut'], ['ManagedFieldsOptOut', 'ManagedFieldsOptOut']] as const)
  test(`--feature-gates ${value} is a usage error naming ${names}`, () => {
    assert.throws(() => parseGates(value), (e) => isTrackerError(e) && e.code === 'USAGE' && e.message.includes(names) && (e.details.hint ?? '').includes('ManagedFieldsOptOut=true'));
  });
