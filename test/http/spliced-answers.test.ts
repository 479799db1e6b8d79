import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listResponse } from '../../src/scim/list/list-response.js';
import { applyProjection, parseProjection } from '../../src/scim/resource/projection.js';
import { representationText } from '../../src/scim/resource/representation-text.js';
import { toRepresentation, type StoredResource } from '../../src/scim/resource/representation.js';
import { modelFor, type ResourceTypeName } from '../../src/scim/schema/resource-models.js';
import { BACKENDS } from '../support/databases.js';
import { assertStatus, ENTERPRISE_SCHEMA, GROUP_SCHEMA, patchOp, USER_SCHEMA } from '../support/scim-assertions.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';

const CUSTOM = 'urn:example:params:scim:schemas:extension:custom:2.0:User';

/** Users whose documents differ in every way a splice could get wrong. */
function userBodies(): object[] {
  const bodies: object[] = [];
  for (let i = 0; i < 40; i++) {
    const body: Record<string, unknown> = { schemas: [USER_SCHEMA], userName: `user${i}@example.com` };
    // externalId first, in the middle, last, or absent: the answer puts it right after id.
    if (i % 4 === 0) Object.assign(body, { externalId: `ext-${i}` });
    body.name = { givenName: `Given ${i}`, familyName: 'Family "quoted" \\ back\tslash' };
    if (i % 4 === 1) body.externalId = `ext-${i}`;
    body.displayName = `Ünïcödé ${i} 😀 \u2028 <tag> &amp;`;
    body.emails = [
      { value: `user${i}@example.com`, type: 'work', primary: true },
      { value: `home${i}@example.org`, type: 'home' },
    ];
    body.active = i % 3 !== 0;
    if (i % 2 === 0) body[ENTERPRISE_SCHEMA] = { employeeNumber: String(1000 + i), department: 'Sales', manager: { value: 'boss' } };
    if (i % 5 === 0) body[CUSTOM] = { costCode: `cc-${i}`, level: i, ratio: 1.5, flags: [true, false, null], nested: { deep: { deeper: [1, 2, { x: '}' }] } } };
    if (i % 4 === 2) body.externalId = `ext-"${i}"-}{][`;
    if (i % 7 === 0) body.password = 'never shown';
    bodies.push(body);
  }
  return bodies;
}

for (const backend of BACKENDS) {
  describe(`Answers spliced from stored JSON text (${backend})`, () => {
    let server: TestServer;
    let dir: TestDirectory;
    const users: string[] = [];
    const groups: string[] = [];

    before(async () => {
      server = await startTestServer(backend);
      dir = await server.createDirectory();
      for (const body of userBodies()) {
        const response = await dir.request('POST', '/Users', body);
        assertStatus(response, 201);
        users.push(response.body.id);
      }
      // Changed after creation: attributes removed and added, an extension emptied by PATCH.
      assertStatus(await dir.request('PATCH', `/Users/${users[2]}`, patchOp({ op: 'remove', path: 'name' }, { op: 'add', path: 'title', value: 'Late' })), 200);
      assertStatus(await dir.request('PATCH', `/Users/${users[4]}`, patchOp({ op: 'remove', path: `${ENTERPRISE_SCHEMA}:employeeNumber` }, { op: 'remove', path: `${ENTERPRISE_SCHEMA}:department` }, { op: 'remove', path: `${ENTERPRISE_SCHEMA}:manager` })), 200);
      // Documents only a bulk load or an older version could leave: an empty extension object and
      // externalId between other keys.
      const now = server.clock.now.toISOString();
      const odd = await server.store.insertResources(dir.id, 'User', [
        { id: 'odd-empty-extension', data: { userName: 'odd1@example.com', [CUSTOM]: {} } },
        { id: 'odd-external-id', data: { userName: 'odd2@example.com', externalId: 'in-the-middle', title: 'T' } },
      ], { now });
      users.push(...odd);
      for (let g = 0; g < 4; g++) {
        const members = users.slice(g * 5, g * 5 + 3 + g * 10).map((value) => ({ value }));
        const response = await dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: `Group "${g}" ✓`, externalId: `g-${g}`, members });
        assertStatus(response, 201);
        groups.push(response.body.id);
      }
    });
    after(() => server.close());

    /** The answer built the old way: parse, represent, project, serialise. */
    const built = (type: ResourceTypeName, resource: StoredResource, projection = {}) =>
      applyProjection(modelFor(type), toRepresentation(modelFor(type), { ...resource }, server.baseUrl), projection);

    const read = async (type: ResourceTypeName, id: string) => (await server.store.getResource(dir.id, type, id, true))!;

    it('splices every stored document a projection would leave whole, and no other', async () => {
      for (const [type, ids] of [['User', users], ['Group', groups]] as const) {
        for (const id of ids) {
          const resource = await read(type, id);
          const text = representationText(modelFor(type), resource, server.baseUrl);
          if (id === 'odd-empty-extension') {
            assert.equal(text, undefined, 'a projection drops an empty extension object, so it is built');
            continue;
          }
          assert.equal(text, JSON.stringify(built(type, resource)), `${type} ${id}`);
        }
      }
    });

    it('a copy with another document, or a document assigned anew, is never spliced from the old text', async () => {
      const resource = await read('User', users[0]);
      assert.notEqual(representationText(modelFor('User'), resource, server.baseUrl), undefined);
      const copy = { ...resource, data: { userName: 'changed@example.com' } };
      assert.equal(representationText(modelFor('User'), copy, server.baseUrl), undefined);
      resource.data = { userName: 'assigned@example.com' };
      assert.equal(representationText(modelFor('User'), resource, server.baseUrl), undefined);
      assert.equal(resource.data.userName, 'assigned@example.com');
    });

    it('GET by id answers byte for byte what the built representation serialises to', async () => {
      for (const [type, ids] of [['User', users], ['Group', groups]] as const) {
        for (const id of ids) {
          const response = await dir.request('GET', `/${type}s/${id}`);
          assertStatus(response, 200);
          assert.equal(response.text, JSON.stringify(built(type, await read(type, id))), `${type} ${id}`);
        }
      }
    });

    it('a page of users (with their groups) is the built ListResponse, byte for byte', async () => {
      const response = await dir.request('GET', '/Users?startIndex=1&count=100');
      assertStatus(response, 200);
      const expected = await Promise.all(users.map((id) => read('User', id).then((r) => built('User', r))));
      assert.equal(response.text, JSON.stringify(listResponse(expected, users.length, { startIndex: 1 })));
    });

    it('a cursor page of groups with their members, and one without, are the built ListResponses', async () => {
      const response = await dir.request('GET', '/Groups?cursor&count=3');
      assertStatus(response, 200);
      const page = await Promise.all(groups.slice(0, 3).map((id) => read('Group', id).then((r) => built('Group', r))));
      assert.equal(response.text, JSON.stringify(listResponse(page, groups.length, { nextCursor: response.body.nextCursor })));

      const without = await dir.request('GET', '/Groups?startIndex=2&count=2&excludedAttributes=members');
      assertStatus(without, 200);
      const projection = parseProjection(modelFor('Group'), undefined, 'members');
      const expected = await Promise.all(groups.slice(1, 3).map((id) => server.store.getResource(dir.id, 'Group', id, false).then((r) => built('Group', r!, projection))));
      assert.equal(without.text, JSON.stringify(listResponse(expected, groups.length, { startIndex: 2 })));
    });

    it('a filtered page and an empty page keep their totals', async () => {
      const one = await dir.request('GET', `/Users?filter=${encodeURIComponent('externalId eq "ext-1"')}`);
      assertStatus(one, 200);
      assert.equal(one.text, JSON.stringify(listResponse([built('User', await read('User', users[1]))], 1, { startIndex: 1 })));
      const none = await dir.request('GET', `/Users?filter=${encodeURIComponent('userName eq "nobody@example.com"')}`);
      assert.equal(none.text, JSON.stringify(listResponse([], 0, { startIndex: 1 })));
      const past = await dir.request('GET', '/Users?startIndex=500&count=10');
      assert.equal(past.text, JSON.stringify(listResponse([], users.length, { startIndex: 500 })));
    });
  });
}
