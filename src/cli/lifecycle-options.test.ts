import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_CONFIG } from '../config.js';
import { ScimError } from '../scim/errors.js';
import { lifecycleConfig } from './lifecycle-options.js';

describe('lifecycle options of scimd serve', () => {
  it('defaults to warnings at 60, 30, 14, 7 and 1 days, 30 days of events, one-hour tokens and 20 failures a minute', () => {
    assert.deepEqual(lifecycleConfig({}, {}), {
      expiryWarningDays: [60, 30, 14, 7, 1],
      eventRetentionMs: 30 * 86_400_000,
      accessTokenLifetimeSeconds: 3600,
      authFailureLimit: 20,
    });
    assert.deepEqual(DEFAULT_CONFIG.expiryWarningDays, [60, 30, 14, 7, 1]);
  });

  it('reads flags first, then environment variables', () => {
    const env = { SCIMD_EXPIRY_WARNINGS: '90,3', SCIMD_EVENT_RETENTION: '7d', SCIMD_ACCESS_TOKEN_LIFETIME: '6h', SCIMD_AUTH_FAILURE_LIMIT: '0' };
    assert.deepEqual(lifecycleConfig({}, env), { expiryWarningDays: [90, 3], eventRetentionMs: 7 * 86_400_000, accessTokenLifetimeSeconds: 6 * 3600, authFailureLimit: 0 });
    assert.deepEqual(lifecycleConfig({ expiryWarnings: '14', eventRetention: '1y', accessTokenLifetime: '90min', authFailureLimit: '50' }, env), {
      expiryWarningDays: [14],
      eventRetentionMs: 365 * 86_400_000,
      accessTokenLifetimeSeconds: 5400,
      authFailureLimit: 50,
    });
    assert.deepEqual(lifecycleConfig({ expiryWarnings: 'none' }, {}).expiryWarningDays, []);
  });

  it('refuses values it cannot use, naming the flag', () => {
    const bad: [object, RegExp][] = [
      [{ expiryWarnings: '60,soon' }, /--expiry-warnings/],
      [{ eventRetention: 'never' }, /--event-retention/],
      [{ accessTokenLifetime: '30min' }, /--access-token-lifetime .* 1h to 6h/],
      [{ accessTokenLifetime: '7h' }, /--access-token-lifetime/],
      [{ accessTokenLifetime: '90m' }, /use min for minutes or mo for months/],
      [{ authFailureLimit: '-1' }, /--auth-failure-limit/],
    ];
    for (const [flags, message] of bad) {
      assert.throws(() => lifecycleConfig(flags, {}), (error: unknown) => error instanceof ScimError && message.test(error.detail), JSON.stringify(flags));
    }
  });
});
