import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AccessTokenCodec } from '../../src/auth/access-token.js';
import { SESSION_LIFETIMES } from '../../src/http/admin/session-routes.js';
import { SessionTokenCodec } from '../../src/http/admin/session-token.js';
import { connectionEncryptor } from '../../src/provisioning/connections/encryption-key.js';
import { adminApi, type AdminCall } from '../support/admin-api.js';
import { BACKENDS } from '../support/databases.js';
import { querySql } from '../support/raw-sql.js';
import { startScimd, type ScimdProcess } from '../support/scimd-process.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';

/** Every value of the settings table: all a copy of the database offers to sign with. */
async function settingsValues(databaseUrl: string): Promise<string[]> {
  return (await querySql<{ value: string }>(databaseUrl, 'SELECT value FROM settings')).map((row) => row.value);
}

/** Each settings value read as a key, both base64-decoded (how the server key was kept) and as raw text. */
const candidateKeys = (values: string[]) => values.flatMap((value) => [Buffer.from(value, 'base64'), Buffer.from(value, 'utf8')]);

for (const backend of BACKENDS) {
  describe(`a copy of the database alone cannot sign (${backend})`, () => {
    let server: TestServer;
    let call: AdminCall;
    let adminSecretId: string;
    let directory: TestDirectory;
    let directorySecretId: string;
    before(async () => {
      server = await startTestServer(backend);
      ({ call, secretId: adminSecretId } = await adminApi(server));
      directory = await server.createDirectory('keys');
      directorySecretId = (await server.store.listSecrets(directory.id))[0].id;
    });
    after(() => server.close());

    const scimWith = (token: string) => server.raw('GET', '/Users', { headers: { authorization: `Bearer ${token}` } });
    const adminWith = (session: string) => server.raw('GET', `${server.origin}/api/v1/directories`, { headers: { cookie: `scimd_session=${session}` } });

    it('the settings table holds no server key', async () => {
      const values = await settingsValues(server.databaseUrl);
      assert.equal((await call('GET', '/directories')).status, 200);
      assert.ok(!values.some((value) => Buffer.from(value, 'base64').length === 32), `no 32-byte key among the settings: ${JSON.stringify(values)}`);
    });

    it('refuses access tokens and console sessions signed with anything in the database, accepts those of the key file', async () => {
      const candidates = candidateKeys(await settingsValues(server.databaseUrl));
      for (const key of candidates) {
        const token = new AccessTokenCodec(key).issue(directorySecretId, server.clock.now, 3600).token;
        assert.equal((await scimWith(token)).status, 401, 'a forged access token is refused');
        const session = new SessionTokenCodec(key, SESSION_LIFETIMES).issue(adminSecretId, server.clock.now).token;
        assert.equal((await adminWith(session)).status, 401, 'a forged console session is refused');
      }
      // The same forgery with the key file's signing key works: the refusals above are about the key.
      const signingKey = connectionEncryptor(server.databaseUrl).signingKey();
      assert.equal((await scimWith(new AccessTokenCodec(signingKey).issue(directorySecretId, server.clock.now, 3600).token)).status, 200);
      assert.equal((await adminWith(new SessionTokenCodec(signingKey, SESSION_LIFETIMES).issue(adminSecretId, server.clock.now).token)).status, 200);
    });
  });
}

describe('SQLite files are owner-only', () => {
  let folder: string;
  let server: ScimdProcess | undefined;
  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'scimd-modes-'));
  });
  after(async () => {
    await server?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  const mode = (path: string) => statSync(path).mode & 0o777;
  // The key file beside the database, whatever the calling shell sets.
  const env = { SCIMD_KEY_FILE: '', SCIMD_ENCRYPTION_KEY: '' };

  it('a first start creates the data folder 0700 and the database, its -wal and -shm and the key file 0600', async () => {
    const data = join(folder, 'fresh', 'data');
    const fresh = await startScimd(['--db', join(data, 'scimd.db')], env);
    try {
      assert.equal(mode(data), 0o700);
      for (const file of ['scimd.db', 'scimd.db-wal', 'scimd.db-shm', 'scimd.key']) assert.equal(mode(join(data, file)), 0o600, file);
    } finally {
      await fresh.stop();
    }
  });

  it('files an older install left readable are tightened to 0600 on start', async () => {
    const data = join(folder, 'older');
    mkdirSync(data, { mode: 0o755 });
    const files = ['scimd.db', 'scimd.db-wal', 'scimd.db-shm', 'scimd.key'].map((name) => join(data, name));
    writeFileSync(files[0], '');
    writeFileSync(files[3], `${randomBytes(32).toString('base64')}\n`);
    for (const file of [files[0], files[3]]) chmodSync(file, 0o644);
    server = await startScimd(['--db', files[0]], env);
    for (const file of files) assert.equal(mode(file), 0o600, file);
  });
});
