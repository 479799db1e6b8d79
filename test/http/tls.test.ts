import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest, Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, type PeerCertificate } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { startScimd, type ScimdProcess } from '../support/scimd-process.js';
import { waitFor } from '../support/wait.js';

/** A self-signed certificate for 127.0.0.1, made with openssl, as PEM text. */
interface Certificate {
  cert: string;
  key: string;
  fingerprint: string;
}

function makeCertificate(dir: string, commonName: string): Certificate {
  const certFile = join(dir, `${commonName}.crt`);
  const keyFile = join(dir, `${commonName}.key`);
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', `/CN=${commonName}`, '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', keyFile, '-out', certFile,
  ], { stdio: 'ignore' });
  const cert = readFileSync(certFile, 'utf8');
  return { cert, key: readFileSync(keyFile, 'utf8'), fingerprint: new X509Certificate(cert).fingerprint256 };
}

interface TlsResponse {
  status: number;
  body: string;
  peer: PeerCertificate;
  reusedSocket: boolean;
}

/** One HTTPS request trusting only `ca`; a fresh connection unless an agent is given. */
function get(url: string, ca: string[], options: { agent?: Agent; headers?: Record<string, string>; method?: string; body?: string } = {}): Promise<TlsResponse> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: options.method ?? 'GET', ca, agent: options.agent ?? false, headers: options.headers }, (res) => {
      const peer = (res.socket as import('node:tls').TLSSocket).getPeerCertificate();
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, peer, reusedSocket: req.reusedSocket }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

for (const backend of BACKENDS) {
  describe(`scimd serve --tls-cert --tls-key (${backend})`, () => {
    let dir: string;
    let database: TestDatabase;
    let server: ScimdProcess;
    let first: Certificate;
    let second: Certificate;
    const certFile = () => join(dir, 'server.crt');
    const keyFile = () => join(dir, 'server.key');
    const origin = () => new URL(server.url).origin;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'scimd-tls-'));
      first = makeCertificate(dir, 'scimd-first');
      second = makeCertificate(dir, 'scimd-second');
      writeFileSync(certFile(), first.cert);
      writeFileSync(keyFile(), first.key);
      database = await createTestDatabase(backend);
      server = await startScimd(['--db', database.url, '--tls-cert', certFile(), '--tls-key', keyFile(), '--log-level', 'info']);
    });
    after(async () => {
      await server?.stop();
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('serves HTTPS with the certificate, and SCIM locations use https', async () => {
      assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+\/scim\/v2$/, 'the printed URL is https');
      const health = await get(`${origin()}/healthz`, [first.cert]);
      assert.equal(health.status, 200);
      assert.equal(health.peer.fingerprint256, first.fingerprint);

      const secret = /Client secret:\s+(\S+)/.exec(server.errors())?.[1];
      assert.ok(secret, 'the first-start banner shows a secret');
      const created = await get(`${server.url}/Users`, [first.cert], {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'tls.user@example.com' }),
      });
      assert.equal(created.status, 201, created.body);
      assert.ok((JSON.parse(created.body).meta.location as string).startsWith(`${server.url}/Users/`), 'meta.location is the https URL');
    });

    it('refuses clients that offer nothing newer than TLS 1.1', async () => {
      const port = Number(new URL(server.url).port);
      const error = await new Promise<Error>((resolve) => {
        const socket = tlsConnect({ host: '127.0.0.1', port, ca: [first.cert], minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' });
        socket.on('secureConnect', () => {
          socket.destroy();
          resolve(new Error('connected'));
        });
        socket.on('error', resolve);
      });
      assert.notEqual(error.message, 'connected');
      const tls12 = await new Promise<string>((resolve, reject) => {
        const socket = tlsConnect({ host: '127.0.0.1', port, ca: [first.cert], maxVersion: 'TLSv1.2' }, () => {
          resolve(socket.getProtocol() ?? '');
          socket.destroy();
        });
        socket.on('error', reject);
      });
      assert.equal(tls12, 'TLSv1.2', 'TLS 1.2 is accepted');
    });

    it('reloads replaced certificate files: new connections get the new one, open ones keep working', async () => {
      const keepAlive = new Agent({ keepAlive: true, maxSockets: 1, ca: [first.cert, second.cert] });
      try {
        const opened = await get(`${origin()}/healthz`, [first.cert, second.cert], { agent: keepAlive });
        assert.equal(opened.peer.fingerprint256, first.fingerprint);

        writeFileSync(certFile(), second.cert);
        writeFileSync(keyFile(), second.key);
        await waitFor('the reload log line', () => /TLS certificate reloaded/.test(server.output()));
        const fresh = await get(`${origin()}/healthz`, [first.cert, second.cert]);
        assert.equal(fresh.status, 200);
        assert.equal(fresh.peer.fingerprint256, second.fingerprint, 'a new connection sees the new certificate');
        await assert.rejects(get(`${origin()}/healthz`, [first.cert]), /self.signed|unable to verify|certificate/i, 'a client trusting only the old certificate no longer connects');

        const reused = await get(`${origin()}/healthz`, [first.cert, second.cert], { agent: keepAlive });
        assert.equal(reused.status, 200);
        assert.equal(reused.reusedSocket, true, 'the connection opened before the reload was not dropped');
        assert.equal(reused.peer.fingerprint256, first.fingerprint);
      } finally {
        keepAlive.destroy();
      }
    });

    it('keeps serving the current certificate when the files are replaced by something unusable', async () => {
      const warnings = () => server.output().split('TLS certificate not reloaded').length - 1;
      const before = warnings();
      writeFileSync(certFile(), first.cert); // does not match the key on disk (the second one)
      await waitFor('the warning', () => warnings() > before);
      const response = await get(`${origin()}/healthz`, [second.cert]);
      assert.equal(response.status, 200);
      assert.equal(response.peer.fingerprint256, second.fingerprint);
      assert.ok(!server.output().includes('PRIVATE KEY'), 'no key material is logged');
    });
  });
}

describe('scimd serve with half a TLS configuration', () => {
  it('refuses --tls-cert without --tls-key, and an unreadable certificate, with a message on stderr', async () => {
    const { runScimd } = await import('../support/scimd-cli.js');
    const half = await runScimd(['serve', '--port', '0', '--db', ':memory:', '--tls-cert', '/nonexistent.crt']);
    assert.notEqual(half.code, 0);
    assert.match(half.stderr, /needs both --tls-cert and --tls-key/);
    const missing = await runScimd(['serve', '--port', '0', '--db', ':memory:', '--no-bootstrap', '--tls-cert', '/nonexistent.crt', '--tls-key', '/nonexistent.key']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /cannot read the TLS certificate \/nonexistent\.crt: ENOENT/);
  });
});

