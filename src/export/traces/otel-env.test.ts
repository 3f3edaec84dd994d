import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTrackerError } from '../../lib/errors.ts';
import { traceSettings } from './otel-env.ts';

test('no variables and no config: traces off, service.name rollscope', () => {
  assert.deepEqual(traceSettings({}, undefined), { headers: {}, serviceName: 'rollscope', resourceAttributes: { 'service.name': 'rollscope' } });
});

test('OTEL_EXPORTER_OTLP_ENDPOINT gets the v1/traces path; the TRACES endpoint is used as is and wins', () => {
  assert.equal(traceSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }, undefined).endpoint, 'http://collector:4318/v1/traces');
  assert.equal(traceSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://other:9999/custom' }, undefined).endpoint, 'http://other:9999/custom');
});

test('the config file overrides endpoint and headers; OTEL_SDK_DISABLED only silences the environment', () => {
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=2', OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'b=3', OTEL_SDK_DISABLED: 'TRUE' };
  assert.equal(traceSettings(env, undefined).endpoint, undefined);
  const s = traceSettings(env, { endpoint: 'http://file:4318/v1/traces', headers: { a: 'file' } });
  assert.equal(s.endpoint, 'http://file:4318/v1/traces');
  assert.deepEqual(s.headers, { a: 'file', b: '3' });
});

test('headers and resource attributes are percent-decoded; OTEL_SERVICE_NAME wins over the attribute', () => {
  const s = traceSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20abc%3D%3D', OTEL_RESOURCE_ATTRIBUTES: 'service.name=x,deployment.environment=prod%2Ceu,k8s.cluster.name=a', OTEL_SERVICE_NAME: 'rollscope-eu' }, undefined);
  assert.deepEqual(s.headers, { Authorization: 'Bearer abc==' });
  assert.deepEqual(s.resourceAttributes, { 'service.name': 'rollscope-eu', 'deployment.environment': 'prod,eu', 'k8s.cluster.name': 'a' });
});

test('a gRPC protocol or a malformed list is a configuration error naming the variable', () => {
  assert.throws(() => traceSettings({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, undefined), (e) => isTrackerError(e) && e.code === 'CONFIG_INVALID' && /OTEL_EXPORTER_OTLP_PROTOCOL/.test(e.message) && /4318/.test(e.details.hint ?? ''));
  assert.throws(() => traceSettings({ OTEL_RESOURCE_ATTRIBUTES: 'novalue' }, undefined), (e) => isTrackerError(e) && /OTEL_RESOURCE_ATTRIBUTES/.test(e.message));
  assert.throws(() => traceSettings({ OTEL_EXPORTER_OTLP_HEADERS: 'a=%zz' }, undefined), (e) => isTrackerError(e) && /percent-encoding/.test(e.message));
});
