import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AccessTokenCodec } from '../../src/auth/access-token.js';
import { Encryptor, loadEncryptor, readKeyFile } from '../../src/auth/encryption.js';
import { newConnection } from '../../src/provisioning/connections/connection-input.js';
import { openConnectionStore } from '../../src/provisioning/store/open-connection-store.js';
import { WebhookSecrets } from '../../src/webhooks/webhook-secrets.js';
import { WebhookService } from '../../src/webhooks/webhook-service.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { querySql } from '../support/raw-sql.js';
import { runScimd } from '../support/scimd-cli.js';

interface StoredSecrets {
  credential: string;
  source: string;
  webhook: string;
}

for (const backend of BACKENDS) {
  describe(`scimd keys rotate (${backend})`, () => {
    let database: TestDatabase;
    let folder: string;
    let keyFile: string;
    let webhookSecret: string;

    const stored = async (): Promise<StoredSecrets> => {
      const [connection] = await querySql<{ credential: string; source: string }>(database.url, 'SELECT credential, source FROM provisioning_connections');
      const [webhook] = await querySql<{ secrets: string }>(database.url, 'SELECT secrets FROM webhooks');
      return { credential: connection.credential, source: JSON.parse(connection.source).encryptedSecret, webhook: webhook.secrets };
    };
    const opened = (key: Encryptor, values: StoredSecrets) => ({
      credential: JSON.parse(key.decrypt(values.credential)).secret,
      source: key.decrypt(values.source),
      webhook: JSON.parse(key.decrypt(values.webhook))[0].secret,
    });

    before(async () => {
      database = await createTestDatabase(backend);
      folder = mkdtempSync(join(tmpdir(), 'scimd-rotate-'));
      keyFile = join(folder, 'scimd.key');
      const key = loadEncryptor(keyFile, {});
      const connections = await openConnectionStore(database.url);
      try {
        const input = { source: 'scim+https://source.example/scim/v2', sourceSecret: 'source-secret-value', target: 'https://target.example/scim/v2', secret: 'target-secret-value' };
        await connections.createConnection(newConnection('hr', input, key, new Date()));
      } finally {
        await connections.close();
      }
      const store = await database.open();
      try {
        const webhooks = new WebhookService(store, { clock: () => new Date(), secrets: new WebhookSecrets(key), timeoutMs: 1000 });
        webhookSecret = (await webhooks.create({ id: 'test', ip: null }, { url: 'https://hooks.example/scim' })).secret;
      } finally {
        await store.close();
      }
    });
    after(async () => {
      await database.drop();
      rmSync(folder, { recursive: true, force: true });
    });

    it('refuses a key file the database was not encrypted with, and changes nothing', async () => {
      const otherKeyFile = join(folder, 'other.key');
      writeFileSync(otherKeyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
      const before = await stored();
      const result = await runScimd(['keys', 'rotate', '--db', database.url], { SCIMD_KEY_FILE: otherKeyFile });
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /cannot be decrypted with the current key file: nothing was rotated/);
      assert.deepEqual(await stored(), before);
      assert.ok(!existsSync(`${otherKeyFile}.new`), 'no half-written key is left behind');
      assert.deepEqual(readdirSync(folder).filter((name) => name.startsWith('other.key.')), [], 'nor a backup of a key that stays');
    });

    it('writes a new key, re-encrypts every stored credential with it in one go and keeps the old key as a backup', async () => {
      const oldText = readFileSync(keyFile, 'utf8');
      const oldKey = new Encryptor(readKeyFile(keyFile));
      const oldToken = new AccessTokenCodec(oldKey.signingKey()).issue('sec_x', new Date(), 3600).token;

      const result = await runScimd(['keys', 'rotate', '--json', '--db', database.url], { SCIMD_KEY_FILE: keyFile });
      assert.equal(result.code, 0, result.stderr);
      const report = JSON.parse(result.stdout);
      assert.deepEqual(report.reencrypted, { connectionCredentials: 1, sourceSecrets: 1, webhookSecrets: 1 });
      assert.equal(report.keyFile, keyFile);
      assert.match(report.invalidated.join(' '), /console sessions.*access tokens.*cursors/);

      assert.notEqual(readFileSync(keyFile, 'utf8'), oldText);
      assert.equal(readFileSync(report.backupFile, 'utf8'), oldText, 'the old key is kept');
      for (const file of [keyFile, report.backupFile]) assert.equal(statSync(file).mode & 0o777, 0o600, file);

      const newKey = new Encryptor(readKeyFile(keyFile));
      const values = await stored();
      assert.deepEqual(opened(newKey, values), { credential: 'target-secret-value', source: 'source-secret-value', webhook: webhookSecret });
      assert.throws(() => opened(oldKey, values), 'the old key opens nothing any more');
      assert.equal(new AccessTokenCodec(newKey.signingKey()).verify(oldToken, new Date()).ok, false, 'tokens signed with the old key are refused');

      const human = await runScimd(['keys', 'rotate', '--db', database.url], { SCIMD_KEY_FILE: keyFile });
      assert.equal(human.code, 0, human.stderr);
      assert.match(human.stdout, /Re-encrypted: 1 connection credential\(s\), 1 source secret\(s\), 1 webhook signing secret\(s\)/);
      assert.match(human.stdout, /No longer valid: console sessions/);
      assert.deepEqual(opened(new Encryptor(readKeyFile(keyFile)), await stored()), { credential: 'target-secret-value', source: 'source-secret-value', webhook: webhookSecret });
    });

    it('refuses a key given in SCIMD_ENCRYPTION_KEY, which it cannot replace', async () => {
      const result = await runScimd(['keys', 'rotate', '--db', database.url], { SCIMD_ENCRYPTION_KEY: randomBytes(32).toString('base64') });
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /SCIMD_ENCRYPTION_KEY/);
    });
  });
}
