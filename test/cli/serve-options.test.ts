import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serverConfig } from '../../src/cli/serve-command.js';
import { DEFAULT_CONFIG } from '../../src/config.js';

describe('scimd serve operations settings', () => {
  it('off by default: plain HTTP, /metrics behind an admin secret, 25 s to finish requests on stop', () => {
    const config = serverConfig({}, {});
    assert.equal(config.tlsCert, undefined);
    assert.equal(config.tlsKey, undefined);
    assert.equal(config.metricsPublic, false);
    assert.equal(config.shutdownTimeoutMs, DEFAULT_CONFIG.shutdownTimeoutMs);
    assert.equal(config.shutdownTimeoutMs, 25_000);
  });

  it('reads SCIMD_TLS_CERT, SCIMD_TLS_KEY, SCIMD_METRICS_PUBLIC=1 and SCIMD_SHUTDOWN_TIMEOUT', () => {
    const config = serverConfig({}, { SCIMD_TLS_CERT: '/tls/cert.pem', SCIMD_TLS_KEY: '/tls/key.pem', SCIMD_METRICS_PUBLIC: '1', SCIMD_SHUTDOWN_TIMEOUT: '5000' });
    assert.equal(config.tlsCert, '/tls/cert.pem');
    assert.equal(config.tlsKey, '/tls/key.pem');
    assert.equal(config.metricsPublic, true);
    assert.equal(config.shutdownTimeoutMs, 5000);
  });

  it('flags win over the environment', () => {
    const config = serverConfig(
      { tlsCert: '/flag/cert.pem', tlsKey: '/flag/key.pem', shutdownTimeout: '100' },
      { SCIMD_TLS_CERT: '/env/cert.pem', SCIMD_TLS_KEY: '/env/key.pem', SCIMD_SHUTDOWN_TIMEOUT: '5000' },
    );
    assert.equal(config.tlsCert, '/flag/cert.pem');
    assert.equal(config.tlsKey, '/flag/key.pem');
    assert.equal(config.shutdownTimeoutMs, 100);
  });

  it('refreshes PostgreSQL planner statistics unless --no-db-analyze or SCIMD_NO_DB_ANALYZE=1', () => {
    assert.equal(serverConfig({}, {}).dbAnalyze, true);
    assert.equal(serverConfig({ dbAnalyze: false }, {}).dbAnalyze, false);
    assert.equal(serverConfig({}, { SCIMD_NO_DB_ANALYZE: '1' }).dbAnalyze, false);
  });

  it('refuses a certificate without a key, and a shutdown timeout that is not a number', () => {
    assert.throws(() => serverConfig({ tlsCert: '/c.pem' }, {}), /needs both --tls-cert and --tls-key/);
    assert.throws(() => serverConfig({}, { SCIMD_TLS_KEY: '/k.pem' }), /needs both/);
    assert.throws(() => serverConfig({ shutdownTimeout: 'soon' }, {}), /shutdown timeout must be a non-negative integer/);
  });
});
