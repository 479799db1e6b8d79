import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { userModel } from '../../src/scim/schema/resource-models.js';
import { BACKENDS } from '../support/databases.js';
import { assertScimError, USER_SCHEMA } from '../support/scim-assertions.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';
import { ACME } from './support/compiler-people.js';
import { compareWithEvaluator } from './support/evaluator-differential.js';

/**
 * Values the SQL filter compiler reads as one scalar: `meta.resourceType` (a constant), a
 * sub-attribute of an unknown extension (any JSON value), and the columns that cannot take a
 * value filter. Part of the `sql-filter` mutation area (stryker.config.mjs).
 */
const PEOPLE = [
  { userName: 'k-false', [ACME]: { inner: { k: false } } },
  { userName: 'k-list', [ACME]: { inner: { k: ['x'] } } },
  { userName: 'k-object', [ACME]: { inner: { k: { a: 1 } } } },
  { userName: 'k-blank', [ACME]: { inner: { k: '' } } },
  { userName: 'k-none' },
];
const FILTERS = [
  `${ACME}:inner.k pr`,
  `not (${ACME}:inner.k pr)`,
  `${ACME}:inner.k eq null`,
  'meta.resourceType ne "Zebra"',
  'meta.resourceType ne "A"',
  'meta.resourceType eq 5',
  'meta.resourceType ne 5',
];

for (const backend of BACKENDS) {
  describe(`the SQL filter compiler on scalars (${backend})`, () => {
    let server: TestServer;
    let dir: TestDirectory;
    before(async () => {
      server = await startTestServer(backend);
      dir = await server.createDirectory();
      for (const body of PEOPLE) {
        const response = await dir.request('POST', '/Users', { schemas: [USER_SCHEMA, ...(body[ACME] ? [ACME] : [])], ...body });
        assert.equal(response.status, 201, response.text);
      }
    });
    after(() => server.close());

    it('selects what the evaluator selects', async () => {
      const users = (await dir.request('GET', '/Users?count=1000')).body.Resources;
      const sizes = await compareWithEvaluator(dir, '/Users', userModel, users, FILTERS);
      assert.ok(sizes.has(0) && sizes.has(2) && sizes.has(3) && sizes.has(users.length), `the filters select sets of many sizes: ${[...sizes].sort()}`);
    });

    it('refuses a value filter on a single-valued column with 400 invalidFilter', async () => {
      const details: string[] = [];
      for (const filter of ['userName[value eq "x"]', 'id[value eq "x"]', 'active[value eq true]']) {
        const response = await dir.request('GET', `/Users?filter=${encodeURIComponent(filter)}`);
        assertScimError(response, 400, 'invalidFilter');
        details.push(response.body.detail);
      }
      assert.deepEqual(details, ['userName is not multi-valued', 'id is not multi-valued', 'active is not multi-valued']);
    });
  });
}
