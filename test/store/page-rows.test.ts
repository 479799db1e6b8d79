import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseAttrPath } from '../../src/scim/path/attr-path.js';
import type { StoredResource } from '../../src/scim/resource/representation.js';
import { modelFor, type ResourceTypeName } from '../../src/scim/schema/resource-models.js';
import { resolveAttribute } from '../../src/scim/schema/resolve.js';
import type { PagePosition } from '../../src/store/store.js';
import { BACKENDS } from '../support/databases.js';
import { assertStatus, GROUP_SCHEMA, USER_SCHEMA } from '../support/scim-assertions.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';

/**
 * A list page reads its rows its own way (on SQLite as arrays, with the membership in one
 * statement after them); every resource on it must be what a read by id gives, and the sort key
 * it carries must walk a cursor through every match once, in the order of one whole page.
 */
for (const backend of BACKENDS) {
  describe(`Resources on a list page are the resources read by id (${backend})`, () => {
    let server: TestServer;
    let dir: TestDirectory;

    before(async () => {
      server = await startTestServer(backend);
      dir = await server.createDirectory();
      const users: string[] = [];
      for (let i = 0; i < 7; i++) {
        const body = { schemas: [USER_SCHEMA], userName: `user${(i * 3) % 7}@example.com`, ...(i % 3 ? { displayName: `Person ${i % 4}` } : {}), ...(i % 2 ? { externalId: `e${i}` } : {}) };
        const created = await dir.request('POST', '/Users', body);
        assertStatus(created, 201);
        users.push(created.body.id);
      }
      const group = async (name: string, members: string[]) => {
        const created = await dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: name, members: members.map((value) => ({ value })) });
        assertStatus(created, 201);
        return created.body.id as string;
      };
      const first = await group('Zeta', [users[0], users[1], users[2]]);
      await group('Alpha', [users[2], users[1]]);
      await group('Mid', [users[2], first]);
      await group('Empty', []);
    });
    after(() => server.close());

    const page = (type: ResourceTypeName, sortBy: string | undefined, descending: boolean, count: number, at: { offset?: number; after?: PagePosition }) =>
      server.store.queryResources(dir.id, type, {
        ...(sortBy ? { sortBy: resolveAttribute(modelFor(type), parseAttrPath(sortBy))! } : {}),
        sortOrder: descending ? 'descending' : 'ascending',
        offset: at.offset ?? 0,
        count,
        ...(at.after ? { after: at.after } : {}),
        includeMembership: true,
        withTotal: true,
        withSequence: true,
      });

    const plain = (resource: StoredResource) => ({
      id: resource.id,
      type: resource.type,
      data: resource.data,
      version: resource.version,
      created: resource.created,
      lastModified: resource.lastModified,
      membership: resource.membership,
    });

    for (const [type, sorts] of [
      ['User', [undefined, 'userName', 'displayName', 'externalId']],
      ['Group', [undefined, 'displayName']],
    ] as const) {
      for (const sortBy of sorts) {
        for (const descending of [false, true]) {
          it(`${type}s sorted by ${sortBy ?? 'nothing'}${descending ? ', descending' : ''}: by index and by cursor`, async () => {
            const whole = await page(type, sortBy, descending, 100, {});
            assert.ok(whole.resources.length >= 4);
            for (const resource of whole.resources) {
              const read = await server.store.getResource(dir.id, type, resource.id, true);
              assert.deepEqual(plain(resource), plain(read!));
            }
            const order = whole.resources.map((r) => r.id);
            const byIndex: string[] = [];
            for (let offset = 0; offset < order.length; offset += 2) byIndex.push(...(await page(type, sortBy, descending, 2, { offset })).resources.map((r) => r.id));
            assert.deepEqual(byIndex, order);
            const byCursor: string[] = [];
            let next: PagePosition | undefined;
            do {
              const result = await page(type, sortBy, descending, 2, next ? { after: next } : {});
              byCursor.push(...result.resources.map((r) => r.id));
              next = result.next;
            } while (next && byCursor.length <= order.length);
            assert.deepEqual(byCursor, order);
          });
        }
      }
    }
  });
}
