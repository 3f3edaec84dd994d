import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../kube/types.ts';
import { startSim } from '../index.ts';
import { openFileLimit, startPodNetwork } from './pod-network.ts';

function runningPod(name: string, ip: string): KubeObject {
  return {
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'app', image: 'web:1', ports: [{ containerPort: 8080 }] }] },
    status: { phase: 'Running', podIP: ip, containerStatuses: [{ name: 'app', state: { running: {} } }] },
  };
}

test('the pod network listens within its open-file budget and says once what the others miss', async (t) => {
  const sim = await startSim({ controllers: false });
  t.after(() => sim.stop());
  const block = 100 + Math.floor(Math.random() * 100);
  const ips = [1, 2, 3].map((i) => `127.${block}.7.${i}`);
  ips.forEach((ip, i) => {
    const p = runningPod(`web-${i}`, ip);
    const created = sim.store.create('pods', p);
    sim.store.update('pods', { ...created, status: p.status }, { subresource: 'status' });
  });
  const warnings: string[] = [];
  const stop = startPodNetwork(sim.context, (m) => warnings.push(m), 2);
  t.after(stop);
  const status = async (ip: string): Promise<string> => {
    for (let i = 0; ; i++) {
      try {
        return String((await fetch(`http://${ip}:8080/`)).status);
      } catch (e) {
        if (i >= 20) return String((e as { cause?: { code?: string } }).cause?.code);
        await new Promise((r) => setTimeout(r, 25));
      }
    }
  };
  assert.deepEqual(await Promise.all(ips.map(status)), ['200', '200', 'ECONNREFUSED']);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /1 pod port\(s\) not listening .* raise ulimit -n/);
  // A pod that stops frees its descriptor for the next one.
  sim.store.delete('pods', 'default', 'web-0');
  const again = runningPod('web-3', `127.${block}.7.9`);
  const created = sim.store.create('pods', again);
  sim.store.update('pods', { ...created, status: again.status }, { subresource: 'status' });
  assert.equal(await status(`127.${block}.7.9`), '200');
});

test('openFileLimit reads the soft limit of this process', () => {
  const limit = openFileLimit();
  assert.ok(Number.isInteger(limit) && limit >= 256, `limit ${limit}`);
});
