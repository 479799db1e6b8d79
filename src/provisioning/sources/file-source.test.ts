import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FileSource } from './file-source.js';
import { parseFileSpec } from './file-source-spec.js';

const dir = mkdtempSync(join(tmpdir(), 'scimd-source-'));
after(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('file sources', () => {
  it('reads a CSV whose header names SCIM attributes as a direct source keyed by externalId', async () => {
    const users = file('scim.csv', 'userName,externalId,"emails[type eq ""work""].value",active,manager\nA@x.com,E1,a@x.com,true,\nb@x.com,e2,,false,E1\n');
    const snapshot = await new FileSource(parseFileSpec(`file:${users}`)).read();
    assert.equal(snapshot.userFormat, 'scim');
    assert.deepEqual(snapshot.users.map((u) => u.key), ['e1', 'e2']);
    assert.deepEqual(snapshot.users[1].attributes, { userName: 'b@x.com', externalId: 'e2', active: 'false', manager: 'E1' });
    assert.equal(snapshot.users[0].origin, 'scim.csv line 2');
    assert.deepEqual(snapshot.groups, []);
  });

  it('reads a CSV of directory attributes through the mapping, keyed by objectId', async () => {
    const users = file('entra.csv', 'objectId,userPrincipalName,givenName,department\n1,a@x.com,A,Sales\n2,b@x.com,B,\n');
    const snapshot = await new FileSource(parseFileSpec(users)).read();
    assert.equal(snapshot.userFormat, 'attributes');
    assert.deepEqual(snapshot.userAttributes, ['objectId', 'userPrincipalName', 'givenName', 'department']);
    assert.deepEqual(snapshot.users.map((u) => u.key), ['1', '2']);
    assert.equal('department' in snapshot.users[1].attributes, false, 'empty cells are absent attributes');
  });

  it('reads a JSON file saved with a UTF-8 byte-order mark, and groups and memberships in the encoding given', async () => {
    const json = join(dir, 'bom.json');
    writeFileSync(json, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify([{ id: '1', userPrincipalName: 'zoë@x.com' }]))]));
    assert.deepEqual((await new FileSource(parseFileSpec(json)).read()).users[0].attributes, { id: '1', userPrincipalName: 'zoë@x.com' });

    const latin = (name: string, text: string) => {
      writeFileSync(join(dir, name), Buffer.from(text, 'latin1'));
      return join(dir, name);
    };
    const spec = parseFileSpec(latin('users-1252.csv', 'objectId,userPrincipalName\n1,zoë@x.com\n'), {
      groups: latin('groups-1252.csv', 'objectId,displayName\ng1,Équipe\n'),
      memberships: latin('members-1252.csv', 'group,member\nÉquipe,zoë@x.com\n'),
      encoding: 'windows-1252',
    });
    const snapshot = await new FileSource(spec).read();
    assert.deepEqual(snapshot.problems, []);
    assert.deepEqual(snapshot.groups.map((g) => [g.attributes.displayName, g.members]), [['Équipe', ['1']]]);
  });

  it('skips rows without a key or with a key seen before, and says so', async () => {
    const users = file('dupes.csv', 'userName,title\na@x,1\n,2\nA@X,3\n');
    const snapshot = await new FileSource(parseFileSpec(users)).read();
    assert.deepEqual(snapshot.users.map((u) => u.attributes.title), ['1']);
    assert.deepEqual(snapshot.problems, ['dupes.csv line 3: no userName, so the user is skipped', 'dupes.csv line 4: the userName "A@X" is also on dupes.csv line 2; this one is skipped']);
  });

  it('uses the key column the connection names, and refuses one the file lacks', async () => {
    const users = file('keyed.csv', 'employeeNo,userName\n100,a@x\n');
    assert.deepEqual((await new FileSource(parseFileSpec(users, { userKey: 'employeeNo' })).read()).users.map((u) => u.key), ['100']);
    await assert.rejects(new FileSource(parseFileSpec(users, { userKey: 'nope' })).read(), /The user key column "nope" is not in the source/);
    const nokey = file('nokey.csv', 'jobTitle\nx\n');
    await assert.rejects(new FileSource(parseFileSpec(nokey)).read(), /No column identifies each user: name one of objectId, id, externalId, userPrincipalName, userName, or choose one with --user-key/);
  });

  it('reads groups and memberships from CSV files, naming members by key or user name', async () => {
    const users = file('u.csv', 'objectId,userPrincipalName\nu1,a@x.com\nu2,b@x.com\n');
    const groups = file('g.csv', 'objectId,displayName\ng1,Sales\ng2,Eng\n');
    const memberships = file('m.csv', 'group,member\ng1,u1\nSales,b@x.com\nEng,U1\ng2,ghost\nnobody,u1\n');
    const snapshot = await new FileSource(parseFileSpec(users, { groups, memberships })).read();
    assert.deepEqual(snapshot.groups.map((g) => [g.key, g.members]), [['g1', ['u1', 'u2']], ['g2', ['u1']]]);
    assert.deepEqual(snapshot.problems, ['m.csv line 5: the member "ghost" is not a user of the source', 'm.csv line 6: the group "nobody" is not a group of the source']);
  });

  it('reads a JSON file of users and groups with members', async () => {
    const people = file(
      'people.json',
      JSON.stringify({
        users: [
          { id: 'u1', userPrincipalName: 'a@x', accountEnabled: true, proxyAddresses: ['smtp:a@x'] },
          { id: 'u2', userPrincipalName: 'b@x', accountEnabled: false, mail: null },
        ],
        groups: [{ id: 'g1', displayName: 'Sales', members: ['u1', { value: 'b@x' }] }],
      }),
    );
    const snapshot = await new FileSource(parseFileSpec(`file:${people}`)).read();
    assert.equal(snapshot.userFormat, 'attributes');
    assert.deepEqual(snapshot.users[1].attributes, { id: 'u2', userPrincipalName: 'b@x', accountEnabled: false });
    assert.deepEqual(snapshot.groups.map((g) => [g.key, g.members, g.attributes]), [['g1', ['u1', 'u2'], { id: 'g1', displayName: 'Sales' }]]);
  });

  it('reads SCIM resources in JSON (as another SCIM server returns them) as a direct source', async () => {
    const people = file(
      'scim.json',
      JSON.stringify([
        {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          id: 'server-id',
          userName: 'a@x',
          externalId: 'E1',
          name: { givenName: 'A', familyName: 'B' },
          emails: [{ type: 'work', value: 'a@x' }],
          'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Sales', manager: { value: 'E0' } },
          meta: { resourceType: 'User' },
        },
      ]),
    );
    const snapshot = await new FileSource(parseFileSpec(people)).read();
    assert.equal(snapshot.userFormat, 'scim');
    assert.deepEqual(snapshot.users[0].key, 'e1');
    assert.deepEqual(snapshot.users[0].attributes, {
      userName: 'a@x',
      externalId: 'E1',
      'name.givenName': 'A',
      'name.familyName': 'B',
      emails: [{ type: 'work', value: 'a@x' }],
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department': 'Sales',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager': 'E0',
    });
  });

  it('explains unreadable and malformed files', async () => {
    await assert.rejects(new FileSource(parseFileSpec(join(dir, 'missing.csv'))).read(), /Cannot read the source file .*missing\.csv: it does not exist/);
    await assert.rejects(new FileSource(parseFileSpec(file('bad.json', '{"users": '))).read(), /bad\.json is not valid JSON/);
    await assert.rejects(new FileSource(parseFileSpec(file('bad2.json', '{"users": {}}'))).read(), /expected an array of users/);
    assert.throws(() => parseFileSpec('file:users.xlsx'), /a source file is \.csv or \.json/);
    assert.throws(() => parseFileSpec('ldap://dc.example.com'), /only file sources exist so far/);
  });
});
