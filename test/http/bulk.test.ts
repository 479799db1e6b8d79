import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { assertScimError, assertStatus, BULK_REQUEST_SCHEMA, GROUP_SCHEMA, patchOp, q, USER_SCHEMA } from '../support/scim-assertions.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';

const BULK_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';
const MAX_OPERATIONS = 10;

type OpResult = { method: string; bulkId?: string; location?: string; version?: string; status: string; response?: { schemas: string[]; status: string; scimType?: string; detail: string } };

for (const backend of BACKENDS) {
  describe(`Bulk (${backend})`, () => {
    let server: TestServer;
    let dir: TestDirectory;
    let counter = 0;

    before(async () => {
      server = await startTestServer(backend, { bulkMaxOperations: MAX_OPERATIONS });
      dir = await server.createDirectory();
    });
    after(() => server.close());

    const bulk = async (operations: object[], extra: object = {}) => {
      const response = await dir.request('POST', '/Bulk', { schemas: [BULK_REQUEST_SCHEMA], Operations: operations, ...extra });
      assertStatus(response, 200);
      assert.deepEqual(response.body.schemas, [BULK_RESPONSE_SCHEMA]);
      return response.body.Operations as OpResult[];
    };
    const userNamed = async (userName: string) => {
      const response = await dir.request('GET', `/Users?filter=${q(`userName eq "${userName}"`)}`);
      return response.body.Resources[0] as { id: string; groups?: { value: string }[] } | undefined;
    };
    const idFrom = (location: string | undefined) => location!.slice(location!.lastIndexOf('/') + 1);
    const assertOpError = (result: OpResult, status: number, scimType?: string) => {
      assert.equal(result.status, String(status), JSON.stringify(result));
      assert.equal(result.response?.status, String(status));
      assert.deepEqual(result.response?.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
      assert.ok(result.response?.detail);
      if (scimType) assert.equal(result.response?.scimType, scimType);
      assert.equal(result.location, undefined);
    };

    it('announces maxOperations and maxPayloadSize in ServiceProviderConfig', async () => {
      const config = await server.raw('GET', '/ServiceProviderConfig');
      assert.equal(config.body.bulk.supported, true);
      assert.equal(config.body.bulk.maxOperations, MAX_OPERATIONS);
      assert.equal(typeof config.body.bulk.maxPayloadSize, 'number');
    });

    for (const groupFirst of [false, true]) {
      it(`creates a user and a group whose members name the user by bulkId${groupFirst ? ', with the group listed first' : ''}`, async () => {
        const n = ++counter;
        const userOp = { method: 'POST', path: '/Users', bulkId: `user${n}`, data: { schemas: [USER_SCHEMA], userName: `bulk-user-${n}@example.com` } };
        const groupOp = { method: 'POST', path: '/Groups', bulkId: `group${n}`, data: { schemas: [GROUP_SCHEMA], displayName: `Bulk Group ${n}`, members: [{ type: 'User', value: `bulkId:user${n}` }] } };
        const results = await bulk(groupFirst ? [groupOp, userOp] : [userOp, groupOp]);
        assert.equal(results.length, 2);
        // Results come back in the order of the request.
        assert.deepEqual(results.map((r) => r.bulkId), groupFirst ? [`group${n}`, `user${n}`] : [`user${n}`, `group${n}`]);
        for (const result of results) {
          assert.equal(result.method, 'POST');
          assert.equal(result.status, '201');
          assert.match(result.version!, /^W\/"/);
        }
        const userResult = results.find((r) => r.bulkId === `user${n}`)!;
        const groupResult = results.find((r) => r.bulkId === `group${n}`)!;
        assert.match(userResult.location!, new RegExp(`^${server.baseUrl}/Users/[^/]+$`));
        assert.match(groupResult.location!, new RegExp(`^${server.baseUrl}/Groups/[^/]+$`));
        const group = await dir.request('GET', `/Groups/${idFrom(groupResult.location)}`);
        assertStatus(group, 200);
        assert.equal(group.headers.get('etag'), groupResult.version);
        assert.deepEqual(group.body.members.map((m: { value: string }) => m.value), [idFrom(userResult.location)]);
        const user = await dir.request('GET', `/Users/${idFrom(userResult.location)}`);
        assert.equal(user.body.userName, `bulk-user-${n}@example.com`);
        assert.deepEqual(user.body.groups.map((g: { value: string }) => g.value), [idFrom(groupResult.location)]);
      });
    }

    it('runs PUT, PATCH and DELETE on resources named by bulkId in the path, with per-operation statuses', async () => {
      const n = ++counter;
      const results = await bulk([
        { method: 'POST', path: '/Users', bulkId: 'a', data: { userName: `chain-${n}@example.com`, title: 'created' } },
        { method: 'PATCH', path: '/Users/bulkId:a', data: patchOp({ op: 'replace', path: 'title', value: 'patched' }) },
        { method: 'POST', path: '/Users', bulkId: 'b', data: { userName: `chain-b-${n}@example.com` } },
        { method: 'PUT', path: '/Users/bulkId:b', data: { userName: `chain-b-${n}@example.com`, title: 'put' } },
        { method: 'DELETE', path: '/Users/bulkId:b' },
      ]);
      assert.deepEqual(results.map((r) => r.status), ['201', '200', '201', '200', '204']);
      assert.deepEqual(results.map((r) => r.method), ['POST', 'PATCH', 'POST', 'PUT', 'DELETE']);
      const a = idFrom(results[0].location);
      assert.equal(results[1].location, `${server.baseUrl}/Users/${a}`);
      const user = await dir.request('GET', `/Users/${a}`);
      assert.equal(user.body.title, 'patched');
      assert.equal(user.body.meta.version, results[1].version);
      assertScimError(await dir.request('GET', `/Users/${idFrom(results[2].location)}`), 404);
    });

    it('a failing operation does not undo the operations around it', async () => {
      const n = ++counter;
      assertStatus(await dir.request('POST', '/Users', { userName: `existing-${n}@example.com` }), 201);
      const results = await bulk([
        { method: 'POST', path: '/Users', bulkId: 'first', data: { userName: `before-${n}@example.com` } },
        { method: 'POST', path: '/Users', bulkId: 'dup', data: { userName: `EXISTING-${n}@example.com` } },
        { method: 'POST', path: '/Users', bulkId: 'bad', data: { title: 'no userName' } },
        { method: 'PATCH', path: '/Users/no-such-id', data: patchOp({ op: 'replace', path: 'title', value: 'x' }) },
        { method: 'POST', path: '/Users', bulkId: 'last', data: { userName: `after-${n}@example.com` } },
      ]);
      assert.deepEqual(results.map((r) => r.status), ['201', '409', '400', '404', '201']);
      assertOpError(results[1], 409, 'uniqueness');
      assertOpError(results[2], 400, 'invalidValue');
      assertOpError(results[3], 404);
      assert.ok(await userNamed(`before-${n}@example.com`));
      assert.ok(await userNamed(`after-${n}@example.com`));
    });

    it('stops after failOnErrors errors and runs nothing after that', async () => {
      const n = ++counter;
      const results = await bulk(
        [
          { method: 'POST', path: '/Users', bulkId: 'ok1', data: { userName: `foe-1-${n}@example.com` } },
          { method: 'DELETE', path: '/Users/missing-1' },
          { method: 'POST', path: '/Users', bulkId: 'ok2', data: { userName: `foe-2-${n}@example.com` } },
          { method: 'DELETE', path: '/Users/missing-2' },
          { method: 'POST', path: '/Users', bulkId: 'never', data: { userName: `foe-3-${n}@example.com` } },
          { method: 'DELETE', path: '/Users/missing-3' },
        ],
        { failOnErrors: 2 },
      );
      assert.deepEqual(results.map((r) => r.status), ['201', '404', '201', '404']);
      assert.ok(await userNamed(`foe-2-${n}@example.com`));
      assert.equal(await userNamed(`foe-3-${n}@example.com`), undefined);
      const one = await bulk(
        [
          { method: 'DELETE', path: '/Users/missing-1' },
          { method: 'POST', path: '/Users', bulkId: 'never', data: { userName: `foe-4-${n}@example.com` } },
        ],
        { failOnErrors: 1 },
      );
      assert.deepEqual(one.map((r) => r.status), ['404']);
      assert.equal(await userNamed(`foe-4-${n}@example.com`), undefined);
    });

    it('refuses more than maxOperations operations with 413 and runs none of them', async () => {
      const n = ++counter;
      const operations = Array.from({ length: MAX_OPERATIONS + 1 }, (_, i) => ({ method: 'POST', path: '/Users', bulkId: `u${i}`, data: { userName: `too-many-${n}-${i}@example.com` } }));
      const response = await dir.request('POST', '/Bulk', { schemas: [BULK_REQUEST_SCHEMA], Operations: operations });
      assertScimError(response, 413);
      assert.equal(await userNamed(`too-many-${n}-0@example.com`), undefined);
      // Exactly maxOperations is fine.
      const results = await bulk(operations.slice(0, MAX_OPERATIONS));
      assert.deepEqual(results.map((r) => r.status), operations.slice(0, MAX_OPERATIONS).map(() => '201'));
    });

    it('answers 409 for each operation of a circular bulkId reference, and still runs the others', async () => {
      const n = ++counter;
      const results = await bulk([
        { method: 'POST', path: '/Groups', bulkId: 'g1', data: { displayName: `Circle 1 ${n}`, members: [{ value: 'bulkId:g2' }] } },
        { method: 'POST', path: '/Groups', bulkId: 'g2', data: { displayName: `Circle 2 ${n}`, members: [{ value: 'bulkId:g1' }] } },
        { method: 'POST', path: '/Groups', bulkId: 'self', data: { displayName: `Self ${n}`, members: [{ value: 'bulkId:self' }] } },
        { method: 'POST', path: '/Users', bulkId: 'fine', data: { userName: `circle-ok-${n}@example.com` } },
      ]);
      assert.deepEqual(results.map((r) => r.status), ['409', '409', '409', '201']);
      for (const result of results.slice(0, 3)) assertOpError(result, 409);
      const groups = await dir.request('GET', `/Groups?filter=${q(`displayName sw "Circle" or displayName sw "Self"`)}`);
      assert.equal(groups.body.totalResults, 0);
    });

    it('answers 409 for a reference to a bulkId that is not declared or whose operation failed', async () => {
      const n = ++counter;
      const results = await bulk([
        { method: 'POST', path: '/Users', bulkId: 'broken', data: { userName: '' } },
        { method: 'POST', path: '/Groups', bulkId: 'needs-broken', data: { displayName: `Needs broken ${n}`, members: [{ value: 'bulkId:broken' }] } },
        { method: 'POST', path: '/Groups', bulkId: 'needs-ghost', data: { displayName: `Needs ghost ${n}`, members: [{ value: 'bulkId:ghost' }] } },
        { method: 'PATCH', path: '/Users/bulkId:ghost', data: patchOp({ op: 'replace', path: 'title', value: 'x' }) },
      ]);
      assert.deepEqual(results.map((r) => r.status), ['400', '409', '409', '409']);
    });

    it('answers 400 for an operation on an unknown path, and still runs the others', async () => {
      const n = ++counter;
      const results = await bulk([
        { method: 'POST', path: '/Widgets', bulkId: 'w', data: { name: 'x' } },
        { method: 'DELETE', path: '/Users/a/b' },
        { method: 'POST', path: '/Users/some-id', bulkId: 'p', data: { userName: `wrong-path-${n}@example.com` } },
        { method: 'PATCH', path: '/Users', data: patchOp({ op: 'replace', path: 'title', value: 'x' }) },
        { method: 'POST', path: 'Users', bulkId: 'ok', data: { userName: `bare-path-${n}@example.com` } },
      ]);
      assert.deepEqual(results.map((r) => r.status), ['400', '400', '400', '400', '201']);
      for (const result of results.slice(0, 4)) assertOpError(result, 400);
      assert.equal(await userNamed(`wrong-path-${n}@example.com`), undefined);
    });

    it('honours an operation version as If-Match: a stale version is 412 for that operation only', async () => {
      const n = ++counter;
      const created = await dir.request('POST', '/Users', { userName: `versioned-${n}@example.com`, title: 'v1' });
      const results = await bulk([
        { method: 'PATCH', path: `/Users/${created.body.id}`, version: 'W/"999"', data: patchOp({ op: 'replace', path: 'title', value: 'stale' }) },
        { method: 'PATCH', path: `/Users/${created.body.id}`, version: created.body.meta.version, data: patchOp({ op: 'replace', path: 'title', value: 'fresh' }) },
      ]);
      assert.deepEqual(results.map((r) => r.status), ['412', '200']);
      const user = await dir.request('GET', `/Users/${created.body.id}`);
      assert.equal(user.body.title, 'fresh');
    });

    it('refuses a malformed bulk request as a whole with 400', async () => {
      const n = ++counter;
      const malformed: unknown[] = [
        [],
        {},
        { schemas: ['urn:wrong'], Operations: [{ method: 'DELETE', path: '/Users/x' }] },
        { schemas: [BULK_REQUEST_SCHEMA], Operations: [] },
        { schemas: [BULK_REQUEST_SCHEMA], Operations: 'all of them' },
        { schemas: [BULK_REQUEST_SCHEMA], Operations: [42] },
        { schemas: [BULK_REQUEST_SCHEMA], Operations: [{ method: 'GET', path: '/Users' }] },
        { schemas: [BULK_REQUEST_SCHEMA], Operations: [{ method: 'DELETE' }] },
        { schemas: [BULK_REQUEST_SCHEMA], Operations: [{ method: 'POST', path: '/Users', data: { userName: `no-bulk-id-${n}` } }] },
        {
          schemas: [BULK_REQUEST_SCHEMA],
          Operations: [
            { method: 'POST', path: '/Users', bulkId: 'twice', data: { userName: `twice-1-${n}` } },
            { method: 'POST', path: '/Users', bulkId: 'twice', data: { userName: `twice-2-${n}` } },
          ],
        },
        { schemas: [BULK_REQUEST_SCHEMA], failOnErrors: 0, Operations: [{ method: 'DELETE', path: '/Users/x' }] },
        { schemas: [BULK_REQUEST_SCHEMA], failOnErrors: 'two', Operations: [{ method: 'DELETE', path: '/Users/x' }] },
      ];
      for (const body of malformed) assertScimError(await dir.request('POST', '/Bulk', body), 400);
      assert.equal(await userNamed(`twice-1-${n}`), undefined);
      assert.equal(await userNamed(`no-bulk-id-${n}`), undefined);
    });
  });
}
