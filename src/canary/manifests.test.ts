import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Unstructured } from '../track/status/fields.ts';
import { imagesOf, preflightProblems, promotionPatch, serviceOf, trackManifest } from './manifests.ts';

const STABLE: Unstructured = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'shop',
    uid: 'u1',
    resourceVersion: '7',
    labels: { app: 'web', 'app.kubernetes.io/managed-by': 'Helm' },
    annotations: { 'meta.helm.sh/release-name': 'web', 'deployment.kubernetes.io/revision': '3', 'rollscope.io/canary': '{}', team: 'shop' },
  },
  spec: {
    replicas: 4,
    paused: true,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web', tier: 'front' } }, spec: { initContainers: [{ name: 'init', image: 'init:1' }], containers: [{ name: 'app', image: 'web:1' }, { name: 'proxy', image: 'envoy:1' }] } },
  },
};

test('the canary Deployment: track selector and labels, new images, no ownership marks or rollscope state', () => {
  const m = trackManifest(STABLE, 'canary', 'web-canary', 1, { app: 'web:2' });
  assert.deepEqual(m.metadata, { name: 'web-canary', namespace: 'shop', labels: { app: 'web', 'rollscope.io/canary-of': 'web', 'rollscope.io/track': 'canary' }, annotations: { team: 'shop' } });
  const spec = m.spec as Record<string, unknown>;
  assert.equal(spec.replicas, 1);
  assert.equal(spec.paused, undefined);
  assert.deepEqual(spec.selector, { matchLabels: { app: 'web', 'rollscope.io/track': 'canary' } });
  assert.deepEqual(imagesOf(m), { init: 'init:1', app: 'web:2', proxy: 'envoy:1' });
  assert.deepEqual((spec.template as { metadata: unknown }).metadata, { labels: { app: 'web', tier: 'front', 'rollscope.io/track': 'canary' } });
  const b = trackManifest(STABLE, 'baseline', 'web-baseline', 1, { app: 'web:2' });
  assert.deepEqual(imagesOf(b), imagesOf(STABLE), 'the baseline runs the stable version');
});

test('promotion patches the stable\'s own template with the new images and the full count', () => {
  assert.deepEqual(promotionPatch(STABLE, { app: 'web:2' }, 4), {
    spec: { replicas: 4, template: { spec: { containers: [{ name: 'app', image: 'web:2' }, { name: 'proxy', image: 'envoy:1' }], initContainers: [{ name: 'init', image: 'init:1' }] } } },
  });
});

test('pre-flight: unknown container, pods that already carry the canary track, a Service selecting by track', () => {
  assert.deepEqual(preflightProblems(STABLE, { app: 'web:2' }, [{ name: 'web', selector: { app: 'web' } }]), []);
  assert.deepEqual(preflightProblems(STABLE, { api: 'x:1' }, []), ['deployment shop/web has no container api (containers: app, proxy, init)']);
  const tracked = { ...STABLE, spec: { ...(STABLE.spec as object), template: { metadata: { labels: { app: 'web', 'rollscope.io/track': 'stable' } }, spec: { containers: [{ name: 'app', image: 'web:1' }] } } } };
  assert.deepEqual(preflightProblems(tracked, { app: 'web:2' }, [{ name: 'web', selector: { app: 'web', 'rollscope.io/track': 'stable' } }]), [
    'service web selects deployment shop/web\'s pods by rollscope.io/track, so the canary\'s pods would get no traffic',
  ]);
  const already = { ...STABLE, spec: { ...(STABLE.spec as object), template: { metadata: { labels: { app: 'web', 'rollscope.io/track': 'canary' } }, spec: { containers: [{ name: 'app', image: 'web:1' }] } } } };
  assert.ok(preflightProblems(already, { app: 'web:2' }, [])[0]!.includes('already carry rollscope.io/track=canary'));
  assert.equal(serviceOf(STABLE, [{ name: 'other', selector: { app: 'api' } }, { name: 'web', selector: { app: 'web' } }])?.name, 'web');
  assert.equal(serviceOf(STABLE, [{ name: 'other', selector: { app: 'api' } }]), null);
});
