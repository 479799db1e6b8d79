import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adAccountDisabled, attributeOf, memberDn, normalizeDn, toLdapRecord } from './ldap-entry.js';
import { generalizedTime } from './ldap-source.js';

describe('LDAP entries', () => {
  it('keeps text attributes, lists only for multi-valued ones, and never passwords or volatile values', () => {
    const record = toLdapRecord({
      dn: 'uid=ann,ou=people,dc=example,dc=com',
      uid: 'ann',
      mail: ['ann@example.com', 'a.lee@example.com'],
      objectClass: ['top', 'inetOrgPerson'],
      userPassword: '{SSHA}secret',
      modifyTimestamp: '20261128153000Z',
      lastLogonTimestamp: '133000000000000000',
    });
    assert.deepEqual(record, { dn: 'uid=ann,ou=people,dc=example,dc=com', attributes: { uid: 'ann', mail: 'ann@example.com', objectClass: ['top', 'inetOrgPerson'] } });
    assert.equal(attributeOf(record, 'MAIL'), 'ann@example.com');
    assert.equal(attributeOf(record, 'distinguishedName'), record.dn);
  });

  it("writes AD's objectGUID in the GUID form AD tools show", () => {
    const bytes = Buffer.from('d4c3b2a1f6e5a8b7090a0b0c0d0e0f10', 'hex');
    assert.equal(toLdapRecord({ dn: 'cn=x', objectGUID: bytes }).attributes.objectGUID, 'a1b2c3d4-e5f6-b7a8-090a-0b0c0d0e0f10');
  });

  it('compares DNs however they are spelt, and strips the unique identifier of a uniqueMember', () => {
    assert.equal(normalizeDn('UID=Ann, OU=People ,DC=Example,DC=com'), normalizeDn('uid=ann,ou=people,dc=example,dc=com'));
    assert.equal(memberDn("uid=ann,dc=example,dc=com#'0101'B"), 'uid=ann,dc=example,dc=com');
  });

  it('reads ACCOUNTDISABLE (bit 2) of userAccountControl', () => {
    assert.equal(adAccountDisabled({ dn: 'x', attributes: { userAccountControl: '514' } }), true);
    assert.equal(adAccountDisabled({ dn: 'x', attributes: { userAccountControl: '512' } }), false);
    assert.equal(adAccountDisabled({ dn: 'x', attributes: {} }), false);
  });

  it('moves generalized times across day and year boundaries', () => {
    assert.equal(generalizedTime('20270101000200Z', -5 * 60_000), '20261231235700Z');
    assert.equal(generalizedTime('20261128153000.0Z', 0), '20261128153000Z');
  });
});
