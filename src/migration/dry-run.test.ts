import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseChange, type ChangeFlags } from './change.ts';
import { outline, renderOutline } from './dry-run.ts';
import { findRecord, nextStep } from './plan.ts';
import { propose } from './propose.ts';
import { ModelCluster } from './testing/model-cluster.ts';

function setup(): ModelCluster {
  const m = new ModelCluster();
  m.services.set('web', { app: 'web' });
  m.addDeployment('web', { app: 'web', version: 'v1' }, { app: 'web', version: 'v1' }, 3, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
  return m;
}

test('the dry run lists the same writes, with the same calls, that the planner then sends', () => {
  const cases: ChangeFlags[] = [
    { addLabel: [], removeLabel: ['version'] },
    { addLabel: ['tier=frontend'], removeLabel: [] },
    { addLabel: [], removeLabel: [], setSelector: 'app=web,version=v2' },
  ];
  for (const flags of cases) {
    const m = setup();
    const change = parseChange(flags);
    assert.ok(change.ok);
    const obs = m.observe('web', 'web-migrating');
    const p = propose(obs.deployment!, { id: 'dry', change: change.value });
    const planned = outline(p, obs.deployment!, obs.replicaSets, [{ name: 'web', selector: { app: 'web' } }]).filter((s) => s.kind === 'write');
    const sent: string[] = [];
    for (let i = 0; i < 300; i++) {
      const o = m.observe('web', 'web-migrating');
      const s = nextStep({ observed: o, proposed: findRecord(o) === null && o.deployment !== null ? p.record : null, abort: null });
      if (s.kind !== 'write' && s.kind !== 'wait') break;
      if (s.kind === 'write') {
        sent.push(`${s.name} ${s.call.method} ${s.call.path.replace(/[^/]+-[a-z0-9]{6}$/, '<rs>')}`);
        m.apply(s.call);
      }
      m.tick();
    }
    const listed = planned.map((s) => (s.kind === 'write' ? `${s.name} ${s.call.method} ${s.call.path.replace(/<[^>]+>$|[^/]+-[a-z0-9]{6}$/, '<rs>')}` : ''));
    assert.deepEqual(sent, listed, JSON.stringify(flags));
    const text = renderOutline(p, change.value, planned);
    assert.match(text, new RegExp(`path: ${p.record.path} \\(`));
  }
});

test('the dry-run text names the path, the floor and each call', () => {
  const m = setup();
  const change = parseChange({ addLabel: [], removeLabel: [], setSelector: 'app=web,version=v2' });
  assert.ok(change.ok);
  const obs = m.observe('web', 'web-migrating');
  const p = propose(obs.deployment!, { id: 'dry', change: change.value });
  const text = renderOutline(p, change.value, outline(p, obs.deployment!, obs.replicaSets, [{ name: 'web', selector: { app: 'web' } }]));
  assert.match(text, /selector app=web,version=v1 → app=web,version=v2/);
  assert.match(text, /path: copy \(the value of version changes/);
  assert.match(text, /min-ready: 3 ready endpoints/);
  assert.match(text, /POST \/apis\/apps\/v1\/namespaces\/shop\/deployments \(web-migrating\)/);
  assert.match(text, /DELETE \/apis\/apps\/v1\/namespaces\/shop\/deployments\/web \(propagationPolicy=Background, preconditions.uid=uid-1\)/);
  assert.ok(text.indexOf('create-copy') < text.indexOf('delete-original') && text.indexOf('delete-original') < text.indexOf('recreate') && text.indexOf('recreate') < text.indexOf('delete-copy'));
});
