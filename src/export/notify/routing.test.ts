import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aRelease } from '../../../test/support/release-fixture.ts';
import { buildNotificationSetup } from './config.ts';
import { notificationsFor } from './message.ts';
import { sinksFor, type Route } from './routing.ts';

const failedShop = notificationsFor(aRelease({ outcome: 'failed' }), aRelease({ outcome: 'progressing' }))[0];
const [started, failed] = notificationsFor(undefined, aRelease({ outcome: 'failed' }), { team: 'checkout' });

const rows: { name: string; routes: Route[]; n: typeof started; want: string[] }[] = [
  { name: 'no routes → nowhere', routes: [], n: started, want: [] },
  { name: 'state filter drops started', routes: [{ sinks: ['pager'], states: ['failed'] }], n: started, want: [] },
  { name: 'state filter keeps failed', routes: [{ sinks: ['pager'], states: ['failed'] }], n: failed, want: ['pager'] },
  { name: 'namespace glob', routes: [{ sinks: ['a'], namespaces: ['sh*'] }, { sinks: ['b'], namespaces: ['payments'] }], n: started, want: ['a'] },
  { name: 'name list', routes: [{ sinks: ['a'], names: ['api', 'web'] }], n: started, want: ['a'] },
  { name: 'labels must all match', routes: [{ sinks: ['a'], labels: { team: 'checkout' } }, { sinks: ['b'], labels: { team: 'checkout', tier: 'x' } }], n: started, want: ['a'] },
  { name: 'union without repeats', routes: [{ sinks: ['a'] }, { sinks: ['a', 'b'] }], n: failed, want: ['a', 'b'] },
];
for (const row of rows) test(`routing: ${row.name}`, () => assert.deepEqual(sinksFor(row.routes, row.n!), row.want));

test('progressing again after failed is not a new state message', () => {
  assert.equal(failedShop, undefined);
});

test('config: valid sinks build, routes default to all sinks', () => {
  const setup = buildNotificationSetup({ sinks: [{ type: 'webhook', name: 'h', url: 'http://127.0.0.1:1/x', secret: 's' }, { type: 'dingtalk', name: 'd', url: 'http://127.0.0.1:1/robot/send?access_token=t' }] });
  assert.deepEqual([...setup.sinks.keys()], ['h', 'd']);
  assert.deepEqual(setup.routes, [{ sinks: ['h', 'd'] }]);
});

test('config: errors name the field and never echo the secret', () => {
  assert.throws(() => buildNotificationSetup({ sinks: [{ type: 'pager', name: 'x', url: 'http://a' }] }), /notifications config is invalid at sinks\.0\.type/);
  assert.throws(() => buildNotificationSetup({ sinks: [{ type: 'slack', name: 'x', url: 'http://a/1' }], routes: [{ sinks: ['y'] }] }), /unknown sink "y"/);
  try {
    buildNotificationSetup({ sinks: [{ type: 'webhook', name: 'x', url: 'not a url', secret: 'TOPSECRET' }] });
    assert.fail('expected an error');
  } catch (e) {
    assert.doesNotMatch(String(e), /TOPSECRET/);
  }
});
