import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../src/store/open-store.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { runScimd } from '../support/scimd-cli.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';

/**
 * E-mail over an encrypted connection: STARTTLS on smtp:// (the sink accepts a login only after
 * it) and TLS from the start on smtps://. The CLI trusts the test's certificate through
 * NODE_EXTRA_CA_CERTS, as an operator with a private CA would.
 */
describe('notification e-mail over TLS', () => {
  let dir: string;
  let database: TestDatabase;
  let certFile: string;
  let cert: string;
  let key: string;
  const sinks: SmtpSink[] = [];
  let recipientId: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'scimd-smtp-tls-'));
    certFile = join(dir, 'smtp.crt');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'smtp.key'), '-out', certFile,
    ], { stdio: 'ignore' });
    cert = await readFile(certFile, 'utf8');
    key = await readFile(join(dir, 'smtp.key'), 'utf8');
    database = await createTestDatabase('sqlite');
    const added = await runScimd(['notify', 'add', 'ops@example.com', '--db', database.url, '--json'], { SCIMD_KEY_FILE: join(dir, 'scimd.key') });
    assert.equal(added.code, 0, added.stderr);
    recipientId = JSON.parse(added.stdout).id;
  });
  after(async () => {
    for (const sink of sinks) await sink.close();
    await database?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const send = (sink: SmtpSink, extra: NodeJS.ProcessEnv = {}) =>
    runScimd(['notify', 'test', recipientId, '--db', database.url], { SCIMD_KEY_FILE: join(dir, 'scimd.key'), SCIMD_SMTP_URL: sink.url, SCIMD_NOTIFY_FROM: 'scimd@example.com', ...extra });

  it('upgrades smtp:// with STARTTLS before logging in', async () => {
    const sink = await startSmtpSink(undefined, { cert, key });
    sinks.push(sink);
    const result = await send(sink, { NODE_EXTRA_CA_CERTS: certFile });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal(sink.mails.length, 1);
    assert.equal(sink.mails[0]!.secure, true);
    assert.equal(sink.mails[0]!.user, 'scimd');
  });

  it('speaks TLS from the start on smtps://', async () => {
    const sink = await startSmtpSink(undefined, { cert, key, secure: true });
    sinks.push(sink);
    assert.match(sink.url, /^smtps:/);
    const result = await send(sink, { NODE_EXTRA_CA_CERTS: certFile });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal(sink.mails.length, 1);
    assert.equal(sink.mails[0]!.secure, true);
  });

  it('refuses a server whose certificate it does not trust, and says so', async () => {
    const sink = await startSmtpSink(undefined, { cert, key, secure: true });
    sinks.push(sink);
    const result = await send(sink);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^Failed in \d+ ms: .*(self-signed|certificate)/i);
    assert.equal(sink.mails.length, 0);
  });
});
