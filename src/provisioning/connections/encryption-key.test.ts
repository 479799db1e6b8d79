import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { connectionEncryptor, keyFileFor, serverEncryptor } from './encryption-key.js';

describe('the server key', () => {
  it('is the key file beside a SQLite database, shared with the connection key', () => {
    const db = join(mkdtempSync(join(tmpdir(), 'scimd-server-key-')), 'scimd.db');
    const server = serverEncryptor(db, {});
    assert.ok(existsSync(keyFileFor(db, {})));
    assert.deepEqual(server.signingKey(), connectionEncryptor(db, {}).signingKey());
  });

  it('of an in-memory database lives and dies with the process: no key file in the working directory', () => {
    const folder = mkdtempSync(join(tmpdir(), 'scimd-memory-key-'));
    const previous = process.cwd();
    process.chdir(folder);
    try {
      const first = serverEncryptor(':memory:', {});
      assert.notDeepEqual(first.signingKey(), serverEncryptor('sqlite::memory:', {}).signingKey());
      assert.deepEqual(readdirSync(folder), []);
    } finally {
      process.chdir(previous);
    }
  });
});
