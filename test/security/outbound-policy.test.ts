import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { outboundConfig } from '../../src/cli/outbound-options.js';
import { AddressPolicy, parseRanges } from '../../src/outbound/address-policy.js';
import { configureOutbound, outboundSettings, type OutboundSettings } from '../../src/outbound/outbound-settings.js';
import { checkSourcePath } from '../../src/outbound/source-folder.js';
import { TransportError } from '../../src/provisioning/client/client-errors.js';
import { HttpTransport } from '../../src/provisioning/client/http-transport.js';
import { connectLdap } from '../../src/provisioning/sources/ldap/ldap-connect.js';
import { adminApi, assertOk, assertProblem, type AdminCall } from '../support/admin-api.js';
import { BACKENDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('the outbound address policy', () => {
  const defaults = new AddressPolicy();
  const cases: [string, RegExp | undefined][] = [
    ['169.254.169.254', /cloud metadata address/],
    ['::ffff:169.254.169.254', /cloud metadata address/],
    ['fd00:ec2::254', /cloud metadata address/],
    ['169.254.10.20', /link-local/],
    ['fe80::1', /link-local/],
    ['[fe80::1%eth0]', /link-local/],
    ['127.0.0.1', undefined],
    ['::1', undefined],
    ['10.1.2.3', undefined],
    ['93.184.215.14', undefined],
  ];
  for (const [address, refusal] of cases) {
    it(`by default ${refusal ? 'refuses' : 'allows'} ${address}`, () => {
      const reason = defaults.refusal(address);
      if (refusal) assert.match(reason ?? '', refusal);
      else assert.equal(reason, undefined);
    });
  }

  it('refuses the metadata service by name, before any lookup', () => {
    assert.match(defaults.nameRefusal('Metadata.Google.Internal.') ?? '', /cloud metadata service/);
    assert.equal(defaults.nameRefusal('scim.example.com'), undefined);
  });

  it('a deny list adds ranges; an allow list allows only its ranges', () => {
    const denying = new AddressPolicy({ deny: parseRanges('10.0.0.0/8, 127.0.0.2') });
    assert.match(denying.refusal('10.200.0.1') ?? '', /denied range 10\.0\.0\.0\/8 \(--outbound-deny\)/);
    assert.match(denying.refusal('127.0.0.2') ?? '', /denied range 127\.0\.0\.2/);
    assert.equal(denying.refusal('127.0.0.1'), undefined);
    const allowing = new AddressPolicy({ allow: parseRanges('192.168.0.0/16,::1'), deny: parseRanges('192.168.9.0/24') });
    assert.equal(allowing.refusal('192.168.1.1'), undefined);
    assert.equal(allowing.refusal('::1'), undefined);
    assert.match(allowing.refusal('127.0.0.1') ?? '', /outside the allowed ranges \(--outbound-allow 192\.168\.0\.0\/16,::1\)/);
    assert.match(allowing.refusal('192.168.9.9') ?? '', /denied range/, 'deny wins over allow');
  });

  it('flags and environment variables make the settings, and bad ranges say what is wrong', () => {
    const settings = outboundConfig({ outboundDeny: '10.0.0.0/8', outboundMaxResponseBytes: '1048576', db: '/var/lib/scimd/scimd.db' }, { SCIMD_OUTBOUND_ALLOW: '10.0.0.0/8,127.0.0.1' });
    assert.equal(settings.maxResponseBytes, 1048576);
    assert.match(settings.policy.refusal('10.0.0.1') ?? '', /denied range/);
    assert.equal(settings.policy.refusal('127.0.0.1'), undefined);
    assert.match(settings.policy.refusal('127.0.0.2') ?? '', /outside the allowed ranges/);
    assert.equal(settings.sourceDir, '/var/lib/scimd');
    assert.equal(outboundConfig({ db: 'postgres://localhost/scimd' }, {}).sourceDir, join(process.cwd(), 'data'));
    assert.equal(outboundConfig({}, { SCIMD_SOURCE_DIR: '/srv/hr' }).sourceDir, '/srv/hr');
    assert.throws(() => outboundConfig({ outboundAllow: '10.0.0.0/33' }, {}), /--outbound-allow: "10\.0\.0\.0\/33" is not an address range/);
    assert.throws(() => outboundConfig({ outboundDeny: 'example.com' }, {}), /--outbound-deny: "example\.com" is not an address range/);
    assert.throws(() => outboundConfig({ outboundMaxResponseBytes: 'lots' }, {}), /--outbound-max-response-bytes "lots" must be a whole number/);
  });
});

/** A loopback server that counts the connections made to it. */
async function countingServer(): Promise<{ port: number; connections: () => number; close(): Promise<void> }> {
  let connections = 0;
  const server = http.createServer((req, res) => res.end('{}'));
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('the outbound transport asks the policy before it connects', () => {
  let previous: OutboundSettings;
  before(() => (previous = outboundSettings()));
  afterEach(() => configureOutbound(previous));

  it('a request to the metadata address is refused, not attempted, and not retried', async () => {
    const transport = new HttpTransport({ maxSockets: 1, timeoutMs: 60_000 });
    try {
      await assert.rejects(
        transport.send({ method: 'GET', url: new URL('http://169.254.169.254/latest/meta-data/'), headers: {}, label: '/latest/meta-data/' }),
        (error: unknown) => error instanceof TransportError && error.code === 'EOUTBOUNDREFUSED' && !error.sent && /169\.254\.169\.254 is a cloud metadata address/.test(error.message),
      );
    } finally {
      transport.close();
    }
  });

  it('a denied range is refused for an address and for a name that resolves into it', async () => {
    const server = await countingServer();
    configureOutbound({ policy: new AddressPolicy({ deny: parseRanges('127.0.0.0/8,::1') }) });
    const transport = new HttpTransport({ maxSockets: 1, timeoutMs: 60_000 });
    try {
      for (const host of ['127.0.0.1', 'localhost']) {
        await assert.rejects(
          transport.send({ method: 'GET', url: new URL(`http://${host}:${server.port}/Users`), headers: {}, label: '/Users' }),
          (error: unknown) => error instanceof TransportError && error.code === 'EOUTBOUNDREFUSED' && /denied range/.test(error.message),
        );
      }
      assert.equal(server.connections(), 0, 'nothing reached the server');
      configureOutbound(previous);
      assert.equal((await transport.send({ method: 'GET', url: new URL(`http://127.0.0.1:${server.port}/Users`), headers: {}, label: '/Users' })).status, 200);
      assert.equal(server.connections(), 1);
    } finally {
      transport.close();
      await server.close();
    }
  });
});

describe('LDAP sources ask the same policy', () => {
  let previous: OutboundSettings;
  before(() => (previous = outboundSettings()));
  afterEach(() => configureOutbound(previous));

  it('an ldap:// source at the metadata address is refused before any connection', async () => {
    const client = await connectLdap({ url: 'ldap://169.254.169.254:389' }, { timeout: 5000, connectTimeout: 5000 });
    await assert.rejects(client.bind('cn=admin', 'secret'), /refused to connect to 169\.254\.169\.254: 169\.254\.169\.254 is a cloud metadata address/);
  });

  it('ldap:// and ldaps:// hosts in a denied range, by address or by name, are never reached', async () => {
    const listener = net.createServer((socket) => socket.destroy());
    let connections = 0;
    listener.on('connection', () => connections++);
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const { port } = listener.address() as AddressInfo;
    configureOutbound({ policy: new AddressPolicy({ deny: parseRanges('127.0.0.0/8,::1') }) });
    try {
      for (const url of [`ldap://127.0.0.1:${port}`, `ldap://localhost:${port}`, `ldaps://localhost:${port}`]) {
        const client = await connectLdap({ url }, { timeout: 5000, connectTimeout: 5000 });
        await assert.rejects(client.bind('cn=admin', 'secret'), /denied range 127\.0\.0\.0\/8|denied range ::1/, url);
      }
      assert.equal(connections, 0);
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });
});

describe('file sources live in the source folder', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'scimd-sourcedir-'));
    mkdirSync(join(root, 'sources'));
    writeFileSync(join(root, 'sources', 'users.csv'), 'userName\n');
    writeFileSync(join(root, 'secret.csv'), 'userName\n');
    symlinkSync(join(root, 'secret.csv'), join(root, 'sources', 'link.csv'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('accepts a file inside, refuses .. and symbolic links that lead outside', () => {
    const folder = join(root, 'sources');
    checkSourcePath(join(folder, 'users.csv'), folder);
    checkSourcePath(join(folder, 'not-yet.csv'), folder);
    assert.throws(() => checkSourcePath(join(folder, '..', 'secret.csv'), folder), /must be inside the source folder .*sources \(--source-dir or SCIMD_SOURCE_DIR\)/);
    assert.throws(() => checkSourcePath(join(folder, 'link.csv'), folder), /it resolves to .*secret\.csv/);
    assert.throws(() => checkSourcePath('/etc/passwd', folder), /must be inside the source folder/);
    checkSourcePath('/etc/passwd', undefined);
  });
});

for (const backend of BACKENDS) {
  describe(`the outbound policy through the server, on ${backend}`, () => {
    let server: TestServer;
    let call: AdminCall;
    let dir: string;
    let previous: OutboundSettings;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'scimd-policy-'));
      mkdirSync(join(dir, 'sources'));
      writeFileSync(join(dir, 'sources', 'users.csv'), 'userName,externalId\nann@acme.com,e1\n');
      writeFileSync(join(dir, 'outside.csv'), 'userName,externalId\nann@acme.com,e1\n');
      process.env.SCIMD_KEY_FILE = join(dir, 'scimd.key');
      previous = configureOutbound({ sourceDir: join(dir, 'sources') });
      server = await startTestServer(backend);
      ({ call } = await adminApi(server));
    });
    after(async () => {
      await server.close();
      configureOutbound(previous);
      rmSync(dir, { recursive: true, force: true });
      delete process.env.SCIMD_KEY_FILE;
    });

    it('a webhook to the metadata address is refused when it is added, with the reason', async () => {
      for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://[fd00:ec2::254]/', 'http://metadata.google.internal/computeMetadata/v1/']) {
        const refused = await call('POST', '/webhooks', { url });
        assertProblem(refused, 400);
        assert.match(JSON.stringify(refused.body), /The outbound address policy refuses this receiver: .*(cloud metadata address|cloud metadata service)/, url);
      }
    });

    it('a webhook whose name resolves into a denied range is not sent, and the delivery log says why', async () => {
      const receiver = await countingServer();
      const webhook = await call('POST', '/webhooks', { url: `http://localhost:${receiver.port}/hook` });
      assertOk(webhook, 201);
      configureOutbound({ policy: new AddressPolicy({ deny: parseRanges('127.0.0.0/8,::1') }) });
      try {
        const delivery = await call('POST', `/webhooks/${webhook.body.id}/test`);
        assertOk(delivery);
        assert.equal(delivery.body.outcome, 'failed');
        assert.equal(delivery.body.statusCode, null);
        assert.match(delivery.body.error, /^not sent: refused to connect to localhost: it resolves to (127\.0\.0\.1|::1), in the denied range (127\.0\.0\.0\/8|::1) \(--outbound-deny\) \(outbound address policy\)$/);
        assert.equal(receiver.connections(), 0);
        const literal = await call('POST', '/webhooks', { url: `http://127.0.0.1:${receiver.port}/hook` });
        assertProblem(literal, 400);
        assert.match(JSON.stringify(literal.body), /127\.0\.0\.1 is in the denied range 127\.0\.0\.0\/8/);
      } finally {
        configureOutbound({ policy: previous.policy });
        assertOk(await call('DELETE', `/webhooks/${webhook.body.id}`));
        await receiver.close();
      }
    });

    it('a connection whose target is in a denied range fails its cycle with the reason', async () => {
      const directory = await call('POST', '/directories', { name: 'app' });
      const secret = await call('POST', `/directories/${directory.body.id}/secrets`, { name: 'engine' });
      assertOk(await call('POST', '/connections', { name: 'denied', source: `file:${dir}/sources/users.csv`, target: server.baseUrl, secret: secret.body.secret, schedule: 'off' }), 201);
      configureOutbound({ policy: new AddressPolicy({ allow: parseRanges('10.0.0.0/8') }) });
      try {
        const run = await call('POST', '/connections/denied/run');
        assert.equal(run.body.summary.failed, 1);
        const log = await call('GET', `/connections/denied/logs?cycle=${run.body.cycle.id}`);
        assert.match(JSON.stringify(log.body.entries), /127\.0\.0\.1 is outside the allowed ranges \(--outbound-allow 10\.0\.0\.0\/8\)/);
      } finally {
        configureOutbound({ policy: previous.policy });
      }
      const again = await call('POST', '/connections/denied/run');
      assert.equal(again.body.cycle.status, 'completed', again.body.cycle.message);
    });

    it('a file source outside the source folder is refused at create, at update and at run', async () => {
      const created = await call('POST', '/connections', { name: 'escape', source: `file:${dir}/sources/../outside.csv`, target: server.baseUrl, secret: 'scimd_x', schedule: 'off' });
      assertProblem(created, 400);
      assert.match(JSON.stringify(created.body), /must be inside the source folder/);
      assertOk(await call('POST', '/connections', { name: 'inside', source: `file:${dir}/sources/users.csv`, target: server.baseUrl, secret: 'scimd_x', schedule: 'off' }), 201);
      const updated = await call('PATCH', '/connections/inside', { source: `file:${dir}/outside.csv` });
      assertProblem(updated, 400);
      assert.match(JSON.stringify(updated.body), /must be inside the source folder/);
      // The folder moves after the connection was saved: the next cycle refuses to read the file.
      configureOutbound({ sourceDir: join(dir, 'elsewhere') });
      try {
        const run = await call('POST', '/connections/inside/run');
        assert.match(JSON.stringify(run.body), /must be inside the source folder/);
      } finally {
        configureOutbound({ sourceDir: join(dir, 'sources') });
      }
    });
  });
}
