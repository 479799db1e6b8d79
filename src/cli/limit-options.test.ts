import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { DEFAULT_LIMITS } from '../http/limits/server-limits.js';
import { ScimError } from '../scim/errors.js';
import { addLimitOptions, limitConfig } from './limit-options.js';

describe('limit options of scimd serve', () => {
  it('defaults to the documented limits', () => {
    assert.deepEqual(limitConfig({}, {}).limits, DEFAULT_LIMITS);
    assert.equal(DEFAULT_LIMITS.requestTimeoutMs, 30_000);
    assert.equal(DEFAULT_LIMITS.headersTimeoutMs, 15_000);
  });

  it('reads flags first, then SCIMD_* environment variables; durations take units or seconds', () => {
    const env = { SCIMD_REQUEST_TIMEOUT: '2min', SCIMD_HEADERS_TIMEOUT: '5', SCIMD_MAX_URL_LENGTH: '4096' };
    const fromEnv = limitConfig({}, env).limits;
    assert.equal(fromEnv.requestTimeoutMs, 120_000);
    assert.equal(fromEnv.headersTimeoutMs, 5_000);
    assert.equal(fromEnv.maxUrlLength, 4096);
    const command = addLimitOptions(new Command()).exitOverride();
    command.parse(['--request-timeout', '45s', '--max-url-length', '0'], { from: 'user' });
    const fromFlags = limitConfig(command.opts(), env).limits;
    assert.equal(fromFlags.requestTimeoutMs, 45_000);
    assert.equal(fromFlags.maxUrlLength, 0);
    assert.equal(fromFlags.headersTimeoutMs, 5_000);
  });

  it('refuses values it cannot use, naming the flag', () => {
    assert.throws(() => limitConfig({ requestTimeout: 'soon' }, {}), (error: unknown) => error instanceof ScimError && /--request-timeout/.test(error.detail));
    assert.throws(() => limitConfig({}, { SCIMD_MAX_URL_LENGTH: '-1' }), (error: unknown) => error instanceof ScimError && /--max-url-length/.test(error.detail));
  });
});
