import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Encryptor } from '../../auth/encryption.js';
import { DEFAULT_GROUP_FILTER, DEFAULT_KEY_ATTRIBUTES, DEFAULT_USER_FILTER, type LdapSourceSpec } from './ldap/ldap-source-spec.js';
import { describeSource, parseSourceSpec, sourceText, withoutSecrets } from './source-spec.js';

const encryptor = new Encryptor(randomBytes(32));

describe('--source and its options', () => {
  it('reads an LDAP URL with the base DN in its path, encrypting the bind password, with AD-ish defaults', () => {
    const spec = parseSourceSpec({ source: 'ldaps://dc1.example.com:636/dc=example,dc=com', bindDn: 'cn=reader,dc=example,dc=com', sourceSecret: 'pa55' }, encryptor) as LdapSourceSpec;
    assert.equal(spec.kind, 'ldap');
    assert.equal(spec.url, 'ldaps://dc1.example.com:636');
    assert.equal(spec.baseDn, 'dc=example,dc=com');
    assert.equal(encryptor.decrypt(spec.encryptedPassword), 'pa55');
    assert.ok(!JSON.stringify(spec).includes('pa55'));
    assert.deepEqual([spec.userFilter, spec.groupFilter, spec.keyAttributes, spec.pageSize, spec.incremental], [DEFAULT_USER_FILTER, DEFAULT_GROUP_FILTER, DEFAULT_KEY_ATTRIBUTES, 500, true]);
    assert.equal(describeSource(spec), 'ldaps://dc1.example.com:636/dc=example,dc=com');
    assert.deepEqual(Object.keys(withoutSecrets(spec)).includes('encryptedPassword'), false);
  });

  it('an update changes only the LDAP options given and keeps the stored password', () => {
    const first = parseSourceSpec({ source: 'ldap://127.0.0.1:389', baseDn: 'dc=a', bindDn: 'cn=r,dc=a', sourceSecret: 'x' }, encryptor) as LdapSourceSpec;
    const next = parseSourceSpec({ userFilter: '(objectClass=person)', pageSize: '50', incremental: false, sourceKey: 'uid' }, encryptor, first) as LdapSourceSpec;
    assert.deepEqual({ ...next, userFilter: undefined, pageSize: undefined, incremental: undefined, keyAttributes: undefined }, { ...first, userFilter: undefined, pageSize: undefined, incremental: undefined, keyAttributes: undefined });
    assert.deepEqual([next.userFilter, next.pageSize, next.incremental, next.keyAttributes], ['(objectClass=person)', 50, false, ['uid']]);
  });

  it('says what an LDAP source is missing, and refuses credentials in the URL and unbalanced filters', () => {
    const throwsWith = (input: Parameters<typeof parseSourceSpec>[0], pattern: RegExp) => assert.throws(() => parseSourceSpec(input, encryptor), pattern);
    throwsWith({ source: 'ldap://h', bindDn: 'cn=r', sourceSecret: 'x' }, /needs a base DN/);
    throwsWith({ source: 'ldap://h/dc=a', sourceSecret: 'x' }, /needs --bind-dn/);
    throwsWith({ source: 'ldap://h/dc=a', bindDn: 'cn=r' }, /needs --source-secret/);
    throwsWith({ source: 'ldap://u:p@h/dc=a', bindDn: 'cn=r', sourceSecret: 'x' }, /not in the URL/);
    throwsWith({ source: 'ldap://h/dc=a', bindDn: 'cn=r', sourceSecret: 'x', groupFilter: '(cn=a' }, /--group-filter "\(cn=a" is not an LDAP filter/);
    throwsWith({ source: 'ldap://h/dc=a', bindDn: 'cn=r', sourceSecret: 'x', pageSize: '0' }, /--page-size is a whole number/);
  });

  it('reads a SCIM source with its secret encrypted; the secret is required', () => {
    const spec = parseSourceSpec({ source: 'scim+https://idp.example.com/scim/v2/', sourceSecret: 'tok' }, encryptor);
    assert.equal(spec.kind, 'scim');
    assert.equal(spec.kind === 'scim' && spec.url, 'https://idp.example.com/scim/v2');
    assert.equal(spec.kind === 'scim' && encryptor.decrypt(spec.encryptedSecret), 'tok');
    assert.equal(sourceText(spec), 'scim+https://idp.example.com/scim/v2');
    assert.throws(() => parseSourceSpec({ source: 'scim+https://idp.example.com/scim/v2' }, encryptor), /needs --source-secret/);
    const paged = parseSourceSpec({ source: 'scim+http://127.0.0.1:8080/scim/v2', sourceSecret: 't', pageSize: '100' }, encryptor);
    assert.equal(paged.kind === 'scim' && paged.pageSize, 100);
    const rotated = parseSourceSpec({ sourceSecret: 'tok2' }, encryptor, spec);
    assert.equal(rotated.kind === 'scim' && encryptor.decrypt(rotated.encryptedSecret), 'tok2');
  });

  it('reads a directory source by id or name, and file sources as before', () => {
    assert.deepEqual(parseSourceSpec({ source: 'directory:workforce' }, encryptor), { kind: 'directory', directory: 'workforce' });
    assert.throws(() => parseSourceSpec({ source: 'directory:' }, encryptor), /names the directory/);
    const file = parseSourceSpec({ source: 'file:/tmp/users.csv', groups: '/tmp/groups.csv' }, encryptor);
    assert.deepEqual(file, { kind: 'file', users: '/tmp/users.csv', groups: '/tmp/groups.csv' });
  });

  it('refuses options that belong to another kind of source, and unknown schemes', () => {
    assert.throws(() => parseSourceSpec({ source: 'directory:a', bindDn: 'cn=x' }, encryptor), /--bind-dn is for LDAP sources/);
    assert.throws(() => parseSourceSpec({ source: 'file:/tmp/u.csv', sourceSecret: 'x' }, encryptor), /--source-secret is for LDAP and SCIM sources/);
    assert.throws(() => parseSourceSpec({ source: 'scim+https://h/scim/v2', sourceSecret: 'x', groups: 'g.csv' }, encryptor), /--groups is for file sources/);
    assert.throws(() => parseSourceSpec({ source: 'ftp://h/users.csv' }, encryptor), /a source is file:…, ldap:\/\/…/);
    assert.throws(() => parseSourceSpec({ source: 'directory:a', pageSize: '10' }, encryptor), /--page-size is for LDAP and SCIM sources/);
    assert.throws(() => parseSourceSpec({ source: 'scim+https://h/scim/v2', sourceSecret: 'x', incremental: false }, encryptor), /--incremental is for LDAP sources/);
  });
  it('keeps a file source\'s encoding across updates, and refuses it on other sources', () => {
    const spec = parseSourceSpec({ source: 'file:/tmp/users.csv', sourceEncoding: 'CP1252' }, encryptor);
    assert.deepEqual(spec, { kind: 'file', users: '/tmp/users.csv', encoding: 'windows-1252' });
    assert.deepEqual(parseSourceSpec({ groups: '/tmp/groups.csv' }, encryptor, spec), { kind: 'file', users: '/tmp/users.csv', groups: '/tmp/groups.csv', encoding: 'windows-1252' });
    assert.deepEqual(parseSourceSpec({ sourceEncoding: 'utf-8' }, encryptor, spec), { kind: 'file', users: '/tmp/users.csv' }, 'utf-8 is the default, so it is not stored');
    assert.throws(() => parseSourceSpec({ source: 'file:/tmp/users.csv', sourceEncoding: 'ebcdic' }, encryptor), /--source-encoding is utf-8, utf-16le, windows-1252, latin1/);
    assert.throws(() => parseSourceSpec({ source: 'directory:hr', sourceEncoding: 'latin1' }, encryptor), /--source-encoding is for file sources; this source is directory/);
    assert.throws(() => parseSourceSpec({ source: 'ldap://h/dc=x', bindDn: 'cn=a', sourceSecret: 'p', sourceEncoding: 'latin1' }, encryptor), /--source-encoding is for file sources; this source is ldap/);
  });
});
