// Secret redaction: container args/command, connection strings and free text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REDACTED, isSecretName, redactArgs, redactText } from './redact.ts';

const R = REDACTED;

test('args: secret-looking flags lose their values, whether joined or separate; others are kept', () => {
  const rows: [string[], unknown[]][] = [
    [['--password=s3cret', '--token=abc', '--client-secret=x', '--db-password', 'p@ss', '--port=5432'], ['--password=' + R, '--token=' + R, '--client-secret=' + R, '--db-password', R, '--port=5432']],
    [['-password=s', '--api-key=k', '--aws_secret_access_key=z', '--AUTH-TOKEN', 'tt', '--verbose'], ['-password=' + R, '--api-key=' + R, '--aws_secret_access_key=' + R, '--AUTH-TOKEN', R, '--verbose']],
    [['--token-file=/var/run/token', '--password-file', '/etc/pw', '--secret-ref=vault:x'], ['--token-file=/var/run/token', '--password-file', '/etc/pw', '--secret-ref=vault:x']],
    [['--db-url=postgres://app:s3cret@db:5432/x', 'redis://:hunter2@cache:6379', '--dsn=postgres://db/x?sslmode=require&password=pw'], [`--db-url=postgres://app:${R}@db:5432/x`, `redis://:${R}@cache:6379`, `--dsn=postgres://db/x?sslmode=require&password=${R}`]],
    [['--password', '--next'], ['--password', '--next']],
    [['sh', '-c', 'exec app --password=s3cret'], ['sh', '-c', `exec app --password=${R}`]],
  ];
  for (const [input, want] of rows) assert.deepEqual(redactArgs(input), want, input.join(' '));
});

test('text: every credential in a connection string, in any message', () => {
  assert.equal(redactText('cannot reach ledger postgres://app:s3cret@db:5432/ledger: ECONNREFUSED'), `cannot reach ledger postgres://app:${R}@db:5432/ledger: ECONNREFUSED`);
  assert.equal(redactText('postgres://db/ledger?user=app&password=s3cret&sslmode=verify-full'), `postgres://db/ledger?user=app&password=${R}&sslmode=verify-full`);
  assert.equal(redactText('host=db user=app password=s3cret dbname=x'), `host=db user=app password=${R} dbname=x`);
  assert.equal(redactText('https://hooks.example/x?access_token=abc&x=1'), `https://hooks.example/x?access_token=${R}&x=1`);
  assert.equal(redactText('nothing secret: a=1 b=2 https://example.com/p'), 'nothing secret: a=1 b=2 https://example.com/p');
  assert.equal(isSecretName('sslpassword'), true);
  assert.equal(isSecretName('passthrough'), false);
  assert.equal(isSecretName('key'), false);
});
