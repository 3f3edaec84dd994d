import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTrackerError } from '../lib/errors.ts';
import { parseStatusTarget } from './status-target.ts';

const good = [
  [['deployment/web'], 'Deployment', 'web'], [['deploy/web'], 'Deployment', 'web'], [['deployments.apps/web'], 'Deployment', 'web'],
  [['sts', 'db'], 'StatefulSet', 'db'], [['ds/agent'], 'DaemonSet', 'agent'], [['rs/web-7d9f'], 'ReplicaSet', 'web-7d9f'],
  [['po/web-1'], 'Pod', 'web-1'], [['job.batch/migrate'], 'Job', 'migrate'], [['Deployment/Web'], 'Deployment', 'Web'],
] as const;
for (const [args, kind, name] of good) test(`parseStatusTarget(${args.join(' ')}) → ${kind}/${name}`, () => assert.deepEqual(parseStatusTarget(args), { kind, name }));

const bad = [
  [['web'], 'USAGE'], [['deploy/'], 'USAGE'], [['/web'], 'USAGE'], [['deploy/a/b'], 'USAGE'], [['deploy/a', 'b'], 'USAGE'], [['a', 'b', 'c'], 'USAGE'],
  [['cm/web'], 'UNSUPPORTED_KIND'], [['service', 'web'], 'UNSUPPORTED_KIND'],
] as const;
for (const [args, code] of bad)
  test(`parseStatusTarget(${args.join(' ')}) → ${code} with a hint`, () => {
    assert.throws(() => parseStatusTarget(args), (e: unknown) => isTrackerError(e) && e.code === code && (e.details.hint ?? '').length > 0);
  });
