import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { querySql } from '../support/raw-sql.js';
import { assertStatus, patchOp, USER_SCHEMA } from '../support/scim-assertions.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';

/**
 * A user's indexed email values (`resource_values`) are rewritten only by a write that changes
 * them: most PATCHes and PUTs keep the emails, and rewriting their rows cost a DELETE and an
 * INSERT with index maintenance on every write (docs/performance.md, "Where a PostgreSQL write's
 * time goes"). A row's physical identity tells whether it was rewritten: `xmin` and `ctid` on
 * PostgreSQL, the rowid on SQLite (a deleted and re-inserted row gets a new one, since a later
 * user's row holds the largest).
 */
for (const backend of BACKENDS) {
  describe(`indexed values on PUT and PATCH (${backend})`, () => {
    let server: TestServer;
    let dir: TestDirectory;
    before(async () => {
      server = await startTestServer(backend);
      dir = await server.createDirectory();
    });
    after(() => server.close());

    const tag = backend === 'postgres' ? "xmin::text || ' ' || ctid::text" : 'rowid';
    const indexedRows = async (id: string) =>
      querySql<{ tag: unknown; value_key: string }>(
        server.databaseUrl,
        `SELECT ${tag} AS tag, value_key FROM resource_values WHERE resource_pk = (SELECT pk FROM resources WHERE id = $1) ORDER BY value_key`,
        [id],
      );
    const user = (userName: string, emails: string[], displayName = 'Ada') => ({
      schemas: [USER_SCHEMA],
      userName,
      displayName,
      emails: emails.map((value, i) => ({ value, type: i === 0 ? 'work' : 'home' })),
    });
    const found = async (email: string): Promise<number> => {
      const answer = await dir.request('GET', `/Users?filter=${encodeURIComponent(`emails.value eq "${email}"`)}`);
      assertStatus(answer, 200);
      return answer.body.totalResults;
    };

    it('a PATCH or PUT that keeps the emails leaves their rows; one that changes them rewrites them', async () => {
      const created = await dir.request('POST', '/Users', user('ada', ['ada@work.example', 'ada@home.example']));
      assertStatus(created, 201);
      const id = created.body.id;
      // A later user's rows hold the largest rowid, so a rewrite of ada's could not reuse hers.
      assertStatus(await dir.request('POST', '/Users', user('bob', ['bob@work.example'])), 201);
      const original = await indexedRows(id);
      assert.deepEqual(original.map((r) => r.value_key), ['ada@home.example', 'ada@work.example']);

      assertStatus(await dir.request('PATCH', `/Users/${id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Ada L.' })), 200);
      assert.deepEqual(await indexedRows(id), original, 'a PATCH of the display name leaves the rows');
      // The same address in other letter case folds to the same indexed value.
      assertStatus(await dir.request('PUT', `/Users/${id}`, user('ada', ['ADA@work.example', 'ada@home.example'], 'Ada Lovelace')), 200);
      assert.deepEqual(await indexedRows(id), original, 'a PUT with the same emails leaves the rows');
      assert.equal(await found('ada@work.example'), 1);

      assertStatus(await dir.request('PATCH', `/Users/${id}`, patchOp({ op: 'replace', path: 'emails[type eq "work"].value', value: 'lovelace@work.example' })), 200);
      const patched = await indexedRows(id);
      assert.deepEqual(patched.map((r) => r.value_key), ['ada@home.example', 'lovelace@work.example']);
      assert.equal(await found('lovelace@work.example'), 1);
      assert.equal(await found('ada@work.example'), 0);

      assertStatus(await dir.request('PUT', `/Users/${id}`, user('ada', ['ada@home.example'], 'Ada Lovelace')), 200);
      const put = await indexedRows(id);
      assert.deepEqual(put.map((r) => r.value_key), ['ada@home.example']);
      assert.notDeepEqual(put[0].tag, patched[0].tag, 'a PUT that drops an email rewrites the rows');
      assert.equal(await found('lovelace@work.example'), 0);
      assert.equal(await found('ada@home.example'), 1);
    });
  });
}
