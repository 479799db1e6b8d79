import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Encryptor, loadEncryptor } from './encryption.js';

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

  it('prefers SCIMD_ENCRYPTION_KEY and rejects a key of the wrong length', () => {
    const key = randomBytes(32).toString('base64');
    const file = join(mkdtempSync(join(tmpdir(), 'scimd-key-')), 'unused.key');
    const fromEnv = loadEncryptor(file, { SCIMD_ENCRYPTION_KEY: key });
    assert.equal(new Encryptor(Buffer.from(key, 'base64')).decrypt(fromEnv.encrypt('y')), 'y');
    assert.throws(() => loadEncryptor(file, { SCIMD_ENCRYPTION_KEY: randomBytes(16).toString('base64') }), /32 random bytes/);
  });
});
