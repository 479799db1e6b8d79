import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, parseDuration } from '../auth/duration.js';
import { AdminError } from './admin-error.js';
import { effectiveSettings } from './directory-settings.js';
import { applySettingsPatch, settingsView } from './settings-patch.js';

const DAY = 86_400_000;

describe('directory settings', () => {
  it('an empty document means the defaults: 2 active secrets, the global lifetime, self-rotation on, no auto-revocation', () => {
    assert.deepEqual(effectiveSettings({}), { maxActiveSecrets: 2, defaultSecretLifetimeMs: 365 * DAY, allowSelfRotation: true, autoRevokeGraceHours: null });
    assert.equal(effectiveSettings({}, 90 * DAY).defaultSecretLifetimeMs, 90 * DAY, 'the server-wide default applies where the directory sets none');
    assert.equal(effectiveSettings({ defaultSecretLifetimeMs: null }, 90 * DAY).defaultSecretLifetimeMs, null, 'a stored null is "never"');
  });

  it('values of the wrong type in a stored document fall back to the defaults', () => {
    assert.deepEqual(effectiveSettings({ maxActiveSecrets: 'three', defaultSecretLifetimeMs: -5, allowSelfRotation: 'no', autoRevokeGraceHours: 0 }), effectiveSettings({}));
  });

  it('a patch writes stored forms, and null removes a key so its default applies again', () => {
    const stored = applySettingsPatch({}, { maxActiveSecrets: 3, defaultSecretLifetime: '90d', allowSelfRotation: false, autoRevokeGraceHours: 12 });
    assert.deepEqual(stored, { maxActiveSecrets: 3, defaultSecretLifetimeMs: 90 * DAY, allowSelfRotation: false, autoRevokeGraceHours: 12 });
    assert.deepEqual(applySettingsPatch(stored, { defaultSecretLifetime: 'never' }).defaultSecretLifetimeMs, null);
    assert.deepEqual(applySettingsPatch(stored, { maxActiveSecrets: null, defaultSecretLifetime: null, allowSelfRotation: null, autoRevokeGraceHours: null }), {});
    assert.deepEqual(applySettingsPatch({ other: 'kept' }, {}), { other: 'kept' });
  });

  it('refuses out-of-range values with 400 naming the setting', () => {
    const cases: [object, RegExp][] = [
      [{ maxActiveSecrets: 0 }, /maxActiveSecrets/],
      [{ maxActiveSecrets: 11 }, /maxActiveSecrets/],
      [{ maxActiveSecrets: 2.5 }, /maxActiveSecrets/],
      [{ defaultSecretLifetime: '0d' }, /defaultSecretLifetime/],
      [{ autoRevokeGraceHours: 0 }, /autoRevokeGraceHours/],
      [{ autoRevokeGraceHours: 9000 }, /autoRevokeGraceHours/],
      [{ defaultSecretLifetime: '99999999d' }, /longer than 100y/],
      [{ defaultSecretLifetime: '101y' }, /longer than 100y/],
      [{ defaultSecretLifetime: '6m' }, /use min for minutes or mo for months/],
      [{ defaultSecretLifetime: '59min' }, /shorter than 1h/],
      [{ defaultSecretLifetime: '5s' }, /shorter than 1h/],
    ];
    for (const [patch, message] of cases) {
      assert.throws(() => applySettingsPatch({}, patch), (error: unknown) => error instanceof AdminError && error.status === 400 && message.test(error.detail));
    }
  });

  it('the view shows lifetimes as durations that parse back to the same value', () => {
    assert.deepEqual(settingsView({ defaultSecretLifetimeMs: 12 * 3_600_000 }, 365 * DAY).defaultSecretLifetime, '12h');
    for (const text of ['365d', '90d', '12h', '30min', '45s', 'never']) assert.equal(formatDuration(parseDuration(text)!), text);
    assert.equal(formatDuration(parseDuration('1y')!), '365d');
  });
});
