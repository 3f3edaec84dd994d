import assert from 'node:assert/strict';
import { test } from 'node:test';
import { microTime, rfc3339, rfc3339Millis } from './timestamps.ts';

test('timestamp formats: metav1.Time drops the fraction, MicroTime has six digits, outputs keep milliseconds', () => {
  const cases: [string, string | null, string][] = [
    [rfc3339(0), '1970-01-01T00:00:00Z', 'rfc3339 epoch'],
    [rfc3339(1714557600999), '2024-05-01T10:00:00Z', 'rfc3339 floors'],
    [rfc3339(-500), '1969-12-31T23:59:59Z', 'rfc3339 before the epoch floors'],
    [microTime(1714557600123), '2024-05-01T10:00:00.123000Z', 'microTime'],
    [rfc3339Millis(1714557600123), '2024-05-01T10:00:00.123Z', 'rfc3339Millis'],
  ];
  for (const [got, want, name] of cases) assert.equal(got, want, name);
  assert.equal(rfc3339Millis(null), null);
  assert.equal(rfc3339Millis(undefined), null);
});
