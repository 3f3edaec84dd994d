import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kindFromName, workloadKindFromName } from './kind-names.ts';

test('kindFromName reads kubectl names, short names, plurals and group-qualified forms', () => {
  const cases: [string, string | undefined][] = [
    ['deploy', 'Deployment'], ['Deployment', 'Deployment'], ['deployments.apps', 'Deployment'], ['deployment.apps', 'Deployment'],
    ['sts', 'StatefulSet'], ['StatefulSets', 'StatefulSet'], ['statefulset.apps', 'StatefulSet'],
    ['ds', 'DaemonSet'], ['daemonsets.apps', 'DaemonSet'],
    ['rs', 'ReplicaSet'], ['replicasets.apps', 'ReplicaSet'],
    ['po', 'Pod'], ['pods', 'Pod'],
    ['job', 'Job'], ['jobs.batch', 'Job'],
    ['cronjob', undefined], ['deployment.batch', undefined], ['', undefined], ['constructor', undefined], ['__proto__', undefined],
  ];
  for (const [name, want] of cases) assert.equal(kindFromName(name), want, name);
});

test('workloadKindFromName accepts only Deployment, StatefulSet and DaemonSet names', () => {
  const cases: [string, string | undefined][] = [
    ['deploy', 'Deployment'], ['sts', 'StatefulSet'], ['DS', 'DaemonSet'], ['daemonset.apps', 'DaemonSet'],
    ['rs', undefined], ['pod', undefined], ['job', undefined], ['toString', undefined],
  ];
  for (const [name, want] of cases) assert.equal(workloadKindFromName(name), want, name);
});
