import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { adminApi, assertOk, assertProblem, type AdminCall } from '../support/admin-api.js';
import { BACKENDS } from '../support/databases.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';

/** Starts a server whose console folder is `directory` (read when the app is built). */
async function serverWithConsole(directory: string): Promise<TestServer> {
  const previous = process.env.SCIMD_CONSOLE_DIR;
  process.env.SCIMD_CONSOLE_DIR = directory;
  try {
    return await startTestServer('sqlite');
  } finally {
    if (previous === undefined) delete process.env.SCIMD_CONSOLE_DIR;
    else process.env.SCIMD_CONSOLE_DIR = previous;
  }
}

describe('the console is served at / with safe headers and caching', () => {
  let folder: string;
  let server: TestServer;
  let missing: TestServer;

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'scimd-console-'));
    await mkdir(join(folder, 'assets'));
    await writeFile(join(folder, 'index.html'), '<!doctype html><title>console</title><script type="module" src="/assets/index-AbC123xY.js"></script>');
    await writeFile(join(folder, 'assets', 'index-AbC123xY.js'), 'console.log(1)');
    await writeFile(join(folder, 'secret.txt'), 'not an asset');
    server = await serverWithConsole(folder);
    missing = await serverWithConsole(join(folder, 'nowhere'));
  });
  after(async () => {
    await server.close();
    await missing.close();
    await rm(folder, { recursive: true, force: true });
  });

  const get = (s: TestServer, path: string) => s.raw('GET', `${s.origin}${path}`);

  test('/ is the page, never cached, with CSP, frame, sniffing and referrer protections', async () => {
    const page = await get(server, '/');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type')!, /^text\/html/);
    assert.match(page.text, /<title>console<\/title>/);
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    const csp = page.headers.get('content-security-policy')!;
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
  });

  test('hashed assets are cached for good, keep their case, and are typed', async () => {
    const asset = await get(server, '/assets/index-AbC123xY.js');
    assert.equal(asset.status, 200);
    assert.equal(asset.text, 'console.log(1)');
    assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.match(asset.headers.get('content-type')!, /^text\/javascript/);
    assert.equal(asset.headers.get('x-content-type-options'), 'nosniff');
  });

  test('nothing outside the assets folder can be reached, and a missing asset is a 404 that is not cached', async () => {
    for (const path of ['/assets/..%2fsecret.txt', '/assets/%2e%2e/secret.txt', '/assets/../secret.txt', '/assets/index-nope.js', '/assets/']) {
      const response = await get(server, path);
      assert.notEqual(response.status, 200, path);
      assert.doesNotMatch(response.text, /not an asset/, path);
    }
    const gone = await get(server, '/assets/index-gone.js');
    assert.equal(gone.status, 404);
    assert.equal(gone.headers.get('cache-control'), 'no-store');
  });

  test('without a built console, / says how to build it instead of a bare 404', async () => {
    const page = await get(missing, '/');
    assert.equal(page.status, 503);
    assert.match(page.headers.get('content-type')!, /^text\/html/);
    assert.match(page.text, /npm run build/);
    assert.match(page.text, /SCIMD_CONSOLE_DIR/);
  });
});

for (const backend of BACKENDS) {
  describe(`browsing a directory's users and groups through the admin API (${backend})`, () => {
    let server: TestServer;
    let call: AdminCall;
    let directory: TestDirectory;
    let other: TestDirectory;
    const users: string[] = [];
    let groupId: string;

    before(async () => {
      server = await startTestServer(backend);
      ({ call } = await adminApi(server));
      directory = await server.createDirectory(`browse-${backend}`);
      other = await server.createDirectory(`other-${backend}`);
      for (let i = 1; i <= 7; i++) {
        const created = await directory.request('POST', '/Users', {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: `user${i}@example.com`,
          displayName: i === 3 ? 'Ada "the" Lovelace' : `User ${i}`,
          emails: [{ value: `u${i}@mail.example`, primary: true }],
          active: i % 2 === 1,
        });
        assertOk(created, 201);
        users.push(created.body.id);
      }
      const group = await directory.request('POST', '/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Engineering',
        members: users.slice(0, 5).map((value) => ({ value })),
      });
      assertOk(group, 201);
      groupId = group.body.id;
      assertOk(await directory.request('PATCH', `/Users/${users[0]}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'displayName', value: 'Renamed' }] }));
      assertOk(await other.request('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'user1@other.example' }), 201);
    });
    after(() => server.close());

    const path = (rest: string) => `/directories/${encodeURIComponent(`browse-${backend}`)}${rest}`;

    test('users are listed a page at a time, as a SCIM ListResponse of summaries', async () => {
      const page = await call('GET', path('/users?startIndex=3&count=2'));
      assertOk(page);
      assert.equal(page.body.totalResults, 7);
      assert.equal(page.body.startIndex, 3);
      assert.equal(page.body.Resources.length, 2);
      assert.ok(page.body.Resources.every((u: { userName?: string }) => u.userName?.endsWith('@example.com')));
    });

    test('plain-text search matches names and emails, quotes included, and never another directory', async () => {
      const byName = await call('GET', path(`/users?search=${encodeURIComponent('"the" Love')}`));
      assertOk(byName);
      assert.deepEqual(byName.body.Resources.map((u: { userName: string }) => u.userName), ['user3@example.com']);
      const byMail = await call('GET', path('/users?search=u5%40mail'));
      assert.deepEqual(byMail.body.Resources.map((u: { userName: string }) => u.userName), ['user5@example.com']);
      const everywhere = await call('GET', path('/users?search=user1'));
      assert.deepEqual(everywhere.body.Resources.map((u: { userName: string }) => u.userName), ['user1@example.com']);
    });

    test('a SCIM filter narrows the list, combined with search; a bad filter is a 400 problem', async () => {
      const active = await call('GET', path(`/users?filter=${encodeURIComponent('active eq true')}&search=example.com`));
      assertOk(active);
      assert.equal(active.body.totalResults, 4);
      assertProblem(await call('GET', path(`/users?filter=${encodeURIComponent('userName eq')}`)), 400);
    });

    test("a user's full record and its history from the event log, newest first", async () => {
      const user = await call('GET', path(`/users/${users[0]}`));
      assertOk(user);
      assert.equal(user.body.displayName, 'Renamed');
      assert.ok(Array.isArray(user.body.groups), 'the full record, with its groups');
      const history = await call('GET', path(`/users/${users[0]}/history`));
      assertOk(history);
      const types = history.body.events.map((e: { type: string }) => e.type);
      assert.deepEqual(types, ['user.updated', 'group.member_added', 'user.created']);
    });

    test('a group without its members, and its members paged', async () => {
      const group = await call('GET', path(`/groups/${groupId}`));
      assertOk(group);
      assert.equal(group.body.displayName, 'Engineering');
      assert.equal(group.body.members, undefined);
      const first = await call('GET', path(`/groups/${groupId}/members?startIndex=1&count=3`));
      assertOk(first);
      assert.equal(first.body.totalResults, 5);
      assert.equal(first.body.Resources.length, 3);
      const rest = await call('GET', path(`/groups/${groupId}/members?startIndex=4&count=3`));
      assert.equal(rest.body.Resources.length, 2);
      const all = [...first.body.Resources, ...rest.body.Resources].map((u: { id: string }) => u.id).sort();
      assert.deepEqual(all, users.slice(0, 5).sort());
      const groups = await call('GET', path('/groups?search=engin'));
      assert.equal(groups.body.totalResults, 1);
    });

    test('unknown directories, users and groups are 404 problems; other directories are not reachable', async () => {
      assertProblem(await call('GET', '/directories/nope/users'), 404, 'not-found');
      assertProblem(await call('GET', path('/users/00000000-0000-4000-8000-000000000000')), 404);
      assertProblem(await call('GET', path('/groups/00000000-0000-4000-8000-000000000000/members')), 404);
      const otherUsers = await call('GET', `/directories/other-${backend}/users`);
      const otherId = otherUsers.body.Resources[0].id;
      assertProblem(await call('GET', path(`/users/${otherId}`)), 404);
    });

    test('browsing needs admin credentials', async () => {
      assertProblem(await call('GET', path('/users'), undefined, null), 401);
      assertProblem(await call('GET', path('/users'), undefined, directory.secret), 403);
    });
  });
}
