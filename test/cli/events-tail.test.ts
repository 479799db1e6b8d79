import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { runScimd } from '../support/scimd-cli.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

for (const backend of BACKENDS) {
  describe(`scimd events tail names the subjects on ${backend}`, () => {
    let server: TestServer;
    let userId = '';
    let groupId = '';

    before(async () => {
      server = await startTestServer(backend);
      const directory = await server.createDirectory('named');
      userId = (await directory.request('POST', '/Users', { schemas: [USER], userName: 'ada@example.com' })).body.id;
      groupId = (await directory.request('POST', '/Groups', { schemas: [GROUP], displayName: 'Engineering', members: [{ value: userId }] })).body.id;
      await directory.request('PATCH', `/Users/${userId}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'title', value: 'Analyst' }] });
      await directory.request('PATCH', `/Users/${userId}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] });
      await directory.request('DELETE', `/Users/${userId}`);
    });
    after(() => server?.close());

    it('a text line shows the userName or displayName beside the Type/id of every user and group event', async () => {
      const tail = await runScimd(['events', 'tail', 'named', '--after', '0', '--no-follow', '--db', server.databaseUrl]);
      assert.equal(tail.code, 0, tail.stderr);
      const line = (type: string) => tail.stdout.split('\n').find((l) => l.includes(` ${type} `)) ?? assert.fail(`no ${type} line in\n${tail.stdout}`);
      assert.ok(line('user.created').includes(`ada@example.com (User/${userId})`), line('user.created'));
      assert.ok(line('group.created').includes(`Engineering (Group/${groupId})`), line('group.created'));
      // The member was named by its own earlier event.
      assert.ok(line('group.member_added').includes(`Engineering (Group/${groupId})  member ada@example.com (${userId})`), line('group.member_added'));
      assert.ok(line('user.updated').includes(`ada@example.com (User/${userId})  title`), line('user.updated'));
      assert.ok(line('user.deactivated').includes(`ada@example.com (User/${userId})`), line('user.deactivated'));
      assert.ok(line('group.member_removed').includes(`Engineering (Group/${groupId})`), line('group.member_removed'));
      assert.ok(line('user.deleted').includes(`ada@example.com (User/${userId})`), line('user.deleted'));
    });

    it('the JSON feed keeps ids where they were and adds the subject\'s name as data.display', async () => {
      const tail = await runScimd(['events', 'tail', 'named', '--after', '0', '--no-follow', '--json', '--db', server.databaseUrl]);
      assert.equal(tail.code, 0, tail.stderr);
      const events = tail.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; subject: { id: string }; data: Record<string, unknown> });
      const updated = events.find((e) => e.type === 'user.updated')!;
      assert.equal(updated.subject.id, userId);
      assert.equal(updated.data.display, 'ada@example.com');
      const added = events.find((e) => e.type === 'group.member_added')!;
      assert.deepEqual(added.data.member, { value: userId, type: 'User' });
      assert.equal(added.data.display, 'Engineering');
    });
  });
}
