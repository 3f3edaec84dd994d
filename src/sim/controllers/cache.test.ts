import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../core/clock.ts';
import { createSimStorage } from '../apiserver/storage.ts';
import { ObjectCache } from './cache.ts';

const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs-uid', controller: true };
const pod = (name: string, owned: boolean) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop', ...(owned ? { ownerReferences: [owner] } : {}) },
  spec: { containers: [{ name: 'app', image: 'nginx' }] },
});

describe('ObjectCache', () => {
  it('indexes existing and new objects by namespace, controller owner and orphanhood, and follows changes', () => {
    const store = createSimStorage(new ManualClock());
    store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    store.create('pods', pod('a', true));
    const cache = new ObjectCache(store, 'pods');
    store.create('pods', pod('b', false));
    assert.deepEqual(cache.ownedBy('rs-uid').map((p) => p.metadata.name), ['a']);
    assert.deepEqual(cache.orphans('shop').map((p) => p.metadata.name), ['b']);
    assert.deepEqual(cache.inNamespace('shop').map((p) => p.metadata.name).sort(), ['a', 'b']);

    // When b is adopted and a is deleted
    const b = store.get('pods', 'shop', 'b')!;
    store.update('pods', { ...b, metadata: { ...b.metadata, ownerReferences: [owner] } });
    store.delete('pods', 'shop', 'a');
    assert.deepEqual(cache.ownedBy('rs-uid').map((p) => p.metadata.name), ['b']);
    assert.deepEqual(cache.orphans('shop'), []);
    assert.equal(cache.get('shop', 'a'), undefined);
    assert.equal(cache.get('shop', 'b')?.metadata.resourceVersion, store.get('pods', 'shop', 'b')?.metadata.resourceVersion);

    // After stop it no longer follows the store
    cache.stop();
    store.create('pods', pod('c', false));
    assert.equal(cache.get('shop', 'c'), undefined);
  });
});
