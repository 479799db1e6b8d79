import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createKeyFile, Encryptor, loadEncryptor } from './encryption.js';

describe('encryption at rest', () => {
  const encryptor = new Encryptor(randomBytes(32));

  it('round-trips and never repeats a ciphertext', () => {
    const a = encryptor.encrypt('whsec_abc');
    const b = encryptor.encrypt('whsec_abc');
    assert.notEqual(a, b);
    assert.ok(!a.includes('whsec_abc'));
    assert.equal(encryptor.decrypt(a), 'whsec_abc');
  });

  it('refuses a tampered ciphertext or another key', () => {
    const value = encryptor.encrypt('secret');
    const raw = Buffer.from(value.slice(3), 'base64');
    raw[raw.length - 1] ^= 1;
    assert.throws(() => encryptor.decrypt(`v1:${raw.toString('base64')}`));
    assert.throws(() => new Encryptor(randomBytes(32)).decrypt(value));
  });

  it('creates an owner-only key file once and reuses it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'scimd-key-')), 'nested', 'scimd.key');
    const first = loadEncryptor(file, {});
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const content = readFileSync(file, 'utf8');
    const second = loadEncryptor(file, {});
    assert.equal(readFileSync(file, 'utf8'), content);
    assert.equal(second.decrypt(first.encrypt('x')), 'x');
  });

  it('tightens an existing key file to 0600 and keeps the key that won a creation race', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'scimd-key-')), 'scimd.key');
    assert.equal(createKeyFile(file, randomBytes(32)), true);
    const winner = readFileSync(file, 'utf8');
    assert.equal(createKeyFile(file, randomBytes(32)), false, 'a second creation finds the file and leaves it');
    assert.equal(readFileSync(file, 'utf8'), winner);
    chmodSync(file, 0o644);
    loadEncryptor(file, {});
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  it('derives one signing key per encryption key, which is not the encryption key', () => {
    const key = randomBytes(32);
    assert.deepEqual(new Encryptor(key).signingKey(), new Encryptor(Buffer.from(key)).signingKey());
    assert.notDeepEqual(new Encryptor(key).signingKey(), key);
    assert.notDeepEqual(new Encryptor(randomBytes(32)).signingKey(), new Encryptor(key).signingKey());
  });

  it('prefers SCIMD_ENCRYPTION_KEY and rejects a key of the wrong length', () => {
    const key = randomBytes(32).toString('base64');
    const file = join(mkdtempSync(join(tmpdir(), 'scimd-key-')), 'unused.key');
    const fromEnv = loadEncryptor(file, { SCIMD_ENCRYPTION_KEY: key });
    assert.equal(new Encryptor(Buffer.from(key, 'base64')).decrypt(fromEnv.encrypt('y')), 'y');
    assert.throws(() => loadEncryptor(file, { SCIMD_ENCRYPTION_KEY: randomBytes(16).toString('base64') }), /32 random bytes/);
  });
});
