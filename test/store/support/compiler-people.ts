import assert from 'node:assert/strict';
import type { Backend } from '../../support/databases.js';
import { ENTERPRISE_SCHEMA, USER_SCHEMA } from '../../support/scim-assertions.js';
import { startTestServer, type TestDirectory, type TestServer } from '../../support/test-server.js';

/**
 * The users the SQL filter and sort compiler tests query: every kind of attribute (indexed
 * columns, JSON strings of both cases, complex, multi-valued with and without a primary,
 * the enterprise extension), with values missing here and there so `pr`, `not` and the
 * "missing values sort last" rule have something to tell apart.
 */
/** An extension scimd has no schema for: its values are kept and compared as sent. */
export const ACME = 'urn:ietf:params:scim:schemas:extension:Acme:2.0:User';
const person = (userName: string, extra: Record<string, unknown>) => ({ schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA], userName, ...extra });
export const PEOPLE = [
  person('Ada.Lovelace', { externalId: 'E-001', displayName: 'Ada', title: 'Analyst', active: true, nickName: 'ada', name: { givenName: 'Ada', familyName: 'Lovelace' }, emails: [{ type: 'work', value: 'ada@work.example', primary: true }, { type: 'home', value: 'ada@home.example' }], [ENTERPRISE_SCHEMA]: { department: 'Research', employeeNumber: '7' }, [ACME]: { level: 'B' } }),
  person('bob', { externalId: 'E-002', displayName: 'Bob', title: 'builder', active: false, name: { givenName: 'Bob', familyName: 'Baker' }, emails: [{ type: 'home', value: 'BOB@home.example' }], phoneNumbers: [{ type: 'work', value: '+1 555 0100' }], [ENTERPRISE_SCHEMA]: { department: 'Ops', manager: { value: 'boss-1' } }, [ACME]: { level: 'a' } }),
  person('Carol', { externalId: 'e-003', displayName: 'carol', active: true, name: { givenName: 'Carol', familyName: 'Cohen' }, emails: [{ type: 'work', value: 'carol@work.example' }, { type: 'work', value: 'z.cohen@work.example', primary: true }], [ENTERPRISE_SCHEMA]: { department: 'research', employeeNumber: '12' }, [ACME]: { level: 'c' } }),
  person('dave@example.com', { displayName: 'Dave', title: 'Analyst', active: true, nickName: 'Dave', name: { familyName: 'Diaz' }, [ENTERPRISE_SCHEMA]: { employeeNumber: '3' } }),
  person('eve', { externalId: 'E-005', title: 'auditor', active: false, profileUrl: '', x509Certificates: [{ value: '' }], emails: [{ type: 'other', value: 'eve@other.example' }] }),
  person('Frank', { externalId: 'E-006', displayName: 'Frank "F" O\'Neil', title: 'Analyst (acting)', active: true, name: { givenName: 'Frank', familyName: 'O\'Neil' }, phoneNumbers: [{ type: 'mobile', value: '+44 20 7946 0000', primary: true }] }),
  person('grace', { displayName: 'Grace', userType: 'Employee', profileUrl: 'https://example.com/grace', x509Certificates: [{ value: 'MIIB' }], name: { givenName: 'Grace', familyName: 'hopper' }, emails: [{ value: 'grace@work.example' }] }),
];

export interface PeopleDirectory {
  server: TestServer;
  dir: TestDirectory;
  /** The users as scimd returns them, in creation order. */
  users: Record<string, any>[];
}

/** A real server with one directory holding PEOPLE, created a second apart so meta.created and meta.lastModified order them. */
export async function startPeopleDirectory(backend: Backend): Promise<PeopleDirectory> {
  const server = await startTestServer(backend);
  const dir = await server.createDirectory();
  for (const body of PEOPLE) {
    server.clock.now = new Date(server.clock.now.getTime() + 1000);
    assert.equal((await dir.request('POST', '/Users', body)).status, 201);
  }
  const users = (await dir.request('GET', '/Users?count=1000')).body.Resources;
  assert.equal(users.length, PEOPLE.length);
  return { server, dir, users };
}
