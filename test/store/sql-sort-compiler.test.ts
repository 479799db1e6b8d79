import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { assertScimError, ENTERPRISE_SCHEMA, GROUP_SCHEMA, PATCH_SCHEMA, USER_SCHEMA } from '../support/scim-assertions.js';
import type { TestDirectory } from '../support/test-server.js';
import { ACME, startPeopleDirectory, type PeopleDirectory } from './support/compiler-people.js';

/**
 * The SQL sort compiler (src/store/sql/sort-compiler.ts) in the real database: every sort must
 * order the users as RFC 7644 §3.4.2.3 says. Fast enough to be the mutation-testing subset of
 * the `sql-sort` area (stryker.config.mjs).
 */
const SORTS = ['userName', 'displayName', 'title', 'name.familyName', 'name.givenName', 'externalId', 'emails', 'emails.value', 'emails.type', 'nickName', `${ENTERPRISE_SCHEMA}:department`, 'active', 'phoneNumbers', 'id', 'meta.created', 'meta.lastModified', 'meta.resourceType', `${ACME}:level`];

/** The value a user sorts by: the primary (else first) element of a multi-valued attribute; case folded where not caseExact. */
function sortValue(user: Record<string, any>, sortBy: string): string | boolean | undefined {
  let value: any;
  // An unknown extension's value has no schema, so nothing says it is not caseExact: it sorts as stored.
  if (sortBy.startsWith(ACME)) return user[ACME]?.[sortBy.slice(ACME.length + 1)];
  if (sortBy.startsWith('urn:')) value = user[ENTERPRISE_SCHEMA]?.[sortBy.slice(ENTERPRISE_SCHEMA.length + 1)];
  else {
    const [attr, sub] = sortBy.split('.');
    value = user[attr];
    if (Array.isArray(value)) value = (value.find((e) => e.primary === true) ?? value[0])?.value;
    else if (sub && value !== undefined) value = value[sub];
    else if (sub === 'value' && Array.isArray(user[attr])) value = undefined;
  }
  if (sortBy === 'emails.value' || sortBy === 'emails.type') {
    const element = user.emails?.find((e: any) => e.primary === true) ?? user.emails?.[0];
    value = element?.[sortBy.slice('emails.'.length)];
  }
  if (sortBy.startsWith('meta.')) value = user.meta[sortBy.slice('meta.'.length)];
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const caseExact = sortBy === 'externalId' || sortBy === 'id' || sortBy.startsWith('meta.');
  return typeof value === 'string' && !caseExact ? value.toLowerCase() : value;
}

for (const backend of BACKENDS) {
  describe(`the SQL sort compiler orders as RFC 7644 says (${backend})`, () => {
    let people: PeopleDirectory;
    let dir: TestDirectory;
    let users: Record<string, any>[];
    before(async () => {
      people = await startPeopleDirectory(backend);
      dir = people.dir;
      // Rows in the order they were written are not the order of meta.created or meta.lastModified:
      // a replica whose clock lags writes one user "before" the others, and the first user changes last.
      const { clock } = people.server;
      const latest = clock.now;
      clock.now = new Date(latest.getTime() - 86_400_000);
      assert.equal((await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'lagging', title: 'Late' })).status, 201);
      clock.now = new Date(latest.getTime() + 60_000);
      const ada = people.users[0];
      assert.equal((await dir.request('PATCH', `/Users/${ada.id}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'nickName', value: 'lovelace' }] })).status, 200);
      users = (await dir.request('GET', '/Users?count=1000')).body.Resources;
    });
    after(() => people.server.close());

    it('sorts ascending and descending by strings, case-insensitively where not caseExact, by the primary value of multi-valued attributes, with missing values last', async () => {
      for (const sortBy of SORTS) {
        for (const sortOrder of ['ascending', 'descending'] as const) {
          const response = await dir.request('GET', `/Users?count=1000&sortBy=${encodeURIComponent(sortBy)}&sortOrder=${sortOrder}`);
          assert.equal(response.status, 200, `${sortBy}: ${response.text}`);
          const values = (response.body.Resources as Record<string, any>[]).map((user) => sortValue(user, sortBy));
          const present = values.filter((v) => v !== undefined);
          const expected = [...present].sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
          if (sortOrder === 'descending') expected.reverse();
          const label = `${sortBy} ${sortOrder}: ${JSON.stringify(values)}`;
          assert.deepEqual(present, expected, label);
          assert.deepEqual(values.slice(present.length), values.filter((v) => v === undefined), `missing values come last: ${label}`);
          assert.equal(values.length, users.length);
        }
      }
    });

    it('refuses sorting by what has no order (meta.version, a group’s members) with 400 invalidValue, and sorts groups by displayName without case', async () => {
      for (const [path, detail] of [
        ['/Users?sortBy=meta.version', 'Sorting by meta.version is not supported'],
        ['/Users?sortBy=meta', 'sortBy must name a simple attribute; meta is complex'],
        ['/Groups?sortBy=members', 'Sorting by members is not supported'],
      ]) {
        const response = await dir.request('GET', path);
        assertScimError(response, 400, 'invalidValue');
        assert.equal(response.body.detail, detail, path);
      }
      for (const displayName of ['beta', 'Alpha', 'gamma', 'Delta']) assert.equal((await dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName })).status, 201);
      const sorted = await dir.request('GET', '/Groups?sortBy=displayName&sortOrder=descending');
      assert.deepEqual(sorted.body.Resources.map((g: { displayName: string }) => g.displayName), ['gamma', 'Delta', 'beta', 'Alpha']);
      // Across types (a root search), each type sorts by its own reading of the attribute: Groups
      // before Users by meta.resourceType although every user row was written first.
      const search = (sortBy: string, sortOrder: string) =>
        dir.request('POST', '/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], sortBy, sortOrder, count: 1000 });
      const byType = await search('meta.resourceType', 'ascending');
      assert.deepEqual(byType.body.Resources.map((r: { meta: { resourceType: string } }) => r.meta.resourceType), [...Array(4).fill('Group'), ...Array(users.length).fill('User')]);
      const byName = await search('displayName', 'descending');
      const names = byName.body.Resources.map((r: { displayName?: string }) => r.displayName?.toLowerCase());
      const present = names.filter((n: string | undefined) => n !== undefined);
      assert.deepEqual(present, [...present].sort().reverse());
      assert.deepEqual(names.slice(present.length), Array(names.length - present.length).fill(undefined));
    });
  });
}
