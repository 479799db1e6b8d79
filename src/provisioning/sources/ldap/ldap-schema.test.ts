import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attributeTypeNames } from './ldap-schema.js';

describe('LDAP subschema attribute types', () => {
  const CASES: [string, string[]][] = [
    ["( 2.5.4.3 NAME ( 'cn' 'commonName' ) DESC 'RFC4519: common name(s)' SUP name )", ['cn', 'commonName']],
    ["( 0.9.2342.19200300.100.1.6 NAME 'roomNumber' DESC 'RFC1274: room number' EQUALITY caseIgnoreMatch )", ['roomNumber']],
    ["( 1.2.840.113556.1.4.221 NAME 'sAMAccountName' SYNTAX '1.3.6.1.4.1.1466.115.121.1.15' SINGLE-VALUE )", ['sAMAccountName']],
    ['( 1.2.3 DESC (no name) )', []],
  ];
  for (const [description, names] of CASES) {
    it(`reads ${JSON.stringify(names)} from an attribute type description`, () => assert.deepEqual(attributeTypeNames(description), names));
  }
});
