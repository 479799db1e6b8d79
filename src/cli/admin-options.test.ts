import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ScimError } from '../scim/errors.js';
import { adminConfig } from './admin-options.js';
import { serverConfig } from './serve-command.js';

const DAY = 86_400_000;

describe('--secret-lifetime', () => {
  it('defaults to 365 days; the flag wins over SCIMD_SECRET_LIFETIME; never is null', () => {
    assert.equal(adminConfig({}, {}).secretLifetimeMs, 365 * DAY);
    assert.equal(adminConfig({}, { SCIMD_SECRET_LIFETIME: '180d' }).secretLifetimeMs, 180 * DAY);
    assert.equal(adminConfig({ secretLifetime: '90d' }, { SCIMD_SECRET_LIFETIME: '180d' }).secretLifetimeMs, 90 * DAY);
    assert.equal(adminConfig({ secretLifetime: 'never' }, {}).secretLifetimeMs, null);
    assert.equal(serverConfig({ secretLifetime: '30d' }, {}).secretLifetimeMs, 30 * DAY, 'scimd serve reads it');
  });

  it('refuses what is not a duration, or longer than 100 years', () => {
    for (const bad of ['soon', '0d', '101y']) {
      assert.throws(() => adminConfig({ secretLifetime: bad }, {}), (error: unknown) => error instanceof ScimError && /--secret-lifetime/.test(error.detail));
    }
  });
});
