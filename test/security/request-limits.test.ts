import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_JSON_DEPTH } from '../../src/scim/json-depth.js';
import { BACKENDS } from '../support/databases.js';
import { assertScimError, assertStatus, BULK_REQUEST_SCHEMA, patchOp, q, USER_SCHEMA } from '../support/scim-assertions.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';

const LIMITS = { bodyLimit: 16 * 1024, maxPatchOperations: 10, bulkMaxOperations: 5, filterLimits: { maxLength: 500, maxDepth: 4, maxTerms: 8 } };

/** Every limit a client can run into answers 400 or 413 with the SCIM error body, and nothing is stored. */
for (const backend of BACKENDS) {
  describe(`request size and complexity limits (${backend})`, () => {
    let server: TestServer;
    let dir: TestDirectory;
    let user: { id: string; meta: { version: string } };

    before(async () => {
      server = await startTestServer(backend, LIMITS);
      dir = await server.createDirectory();
      user = (await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'limits@example.com' })).body;
    });
    after(() => server.close());

    const unchanged = async () => assert.equal((await dir.request('GET', `/Users/${user.id}`)).body.meta.version, user.meta.version);

    it('refuses filters over the length, depth or term limits with 400 invalidFilter, on GET and POST .search', async () => {
      const tooLong = `userName eq "${'x'.repeat(LIMITS.filterLimits.maxLength)}"`;
      const tooDeep = `${'('.repeat(5)}userName pr${')'.repeat(5)}`;
      const tooDeepNot = `${'not ('.repeat(5)}userName pr${')'.repeat(5)}`;
      const tooMany = Array.from({ length: 9 }, (_, i) => `userName eq "u${i}"`).join(' or ');
      for (const filter of [tooLong, tooDeep, tooDeepNot, tooMany]) {
        assertScimError(await dir.request('GET', `/Users?filter=${q(filter)}`), 400, 'invalidFilter');
        assertScimError(await dir.request('POST', '/Groups/.search', { filter }), 400, 'invalidFilter');
      }
      // Just inside every limit is served.
      assertStatus(await dir.request('GET', `/Users?filter=${q(`${'('.repeat(4)}userName pr${')'.repeat(4)}`)}`), 200);
      assertStatus(await dir.request('GET', `/Users?filter=${q(Array.from({ length: 8 }, (_, i) => `userName eq "u${i}"`).join(' or '))}`), 200);
    });

    it('refuses a filter in a PATCH path over the limits with 400, and changes nothing', async () => {
      const deep = `emails[${'('.repeat(40)}type eq "work"${')'.repeat(40)}].value`;
      const response = await dir.request('PATCH', `/Users/${user.id}`, patchOp({ op: 'replace', path: deep, value: 'x@example.com' }));
      assertScimError(response, 400);
      await unchanged();
    });

    it('refuses more PATCH operations than allowed with 400 tooMany, and applies none', async () => {
      const ops = Array.from({ length: 11 }, (_, i) => ({ op: 'replace', path: 'title', value: `t${i}` }));
      assertScimError(await dir.request('PATCH', `/Users/${user.id}`, patchOp(...ops)), 400, 'tooMany');
      await unchanged();
      assertStatus(await dir.request('PATCH', `/Users/${user.id}?attributes=title`, patchOp(...ops.slice(0, 10))), 200);
      user = (await dir.request('GET', `/Users/${user.id}`)).body;
    });

    it('refuses a Bulk request over maxOperations or maxPayloadSize with 413 and runs none of it, and says so in ServiceProviderConfig', async () => {
      const operation = (i: number) => ({ method: 'POST', path: '/Users', bulkId: `b${i}`, data: { userName: `bulk-limit-${i}@example.com` } });
      assertScimError(await dir.request('POST', '/Bulk', { schemas: [BULK_REQUEST_SCHEMA], Operations: Array.from({ length: 6 }, (_, i) => operation(i)) }), 413);
      const heavy = { schemas: [BULK_REQUEST_SCHEMA], Operations: [{ ...operation(0), data: { userName: 'heavy@example.com', title: 'x'.repeat(LIMITS.bodyLimit) } }] };
      assertScimError(await dir.request('POST', '/Bulk', heavy), 413);
      assert.equal((await dir.request('GET', `/Users?filter=${q('userName sw "bulk-limit" or userName eq "heavy@example.com"')}`)).body.totalResults, 0);
      const config = (await server.raw('GET', '/ServiceProviderConfig')).body;
      assert.equal(config.bulk.maxOperations, LIMITS.bulkMaxOperations);
      assert.equal(config.bulk.maxPayloadSize, LIMITS.bodyLimit);
    });

    it(`refuses a body nesting deeper than ${MAX_JSON_DEPTH} levels with 400 on every body route (it was a 500 on POST /Groups)`, async () => {
      const deep = (depth: number) => `{"displayName":"deep","userName":"deep@example.com","urn:ietf:params:scim:schemas:extension:Acme:2.0:User":{"tree":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
      for (const [method, path] of [['POST', '/Users'], ['POST', '/Groups'], ['PUT', `/Users/${user.id}`], ['PATCH', `/Users/${user.id}`], ['POST', '/Bulk'], ['POST', '/Users/.search']]) {
        const response = await dir.request(method, path, deep(3000));
        assertScimError(response, 400, 'invalidValue');
        assert.match(response.body.detail, /deeper than 64 levels/);
      }
      assertStatus(await dir.request('POST', '/Groups', deep(MAX_JSON_DEPTH - 3)), 201);
      await unchanged();
    });

    it('caps count at the maximum page size and survives huge attribute lists and numbers', async () => {
      const attributes = Array.from({ length: 900 }, (_, i) => `attr${i}`).join(',');
      assertStatus(await dir.request('GET', `/Users?attributes=${attributes}`), 200);
      // A URL past Node's 16 KiB limit is refused with a SCIM 414 before any parsing (long lists belong in POST .search).
      assertScimError(await dir.request('GET', `/Users?attributes=${attributes.repeat(3)}`), 414);
      for (const count of ['99999999999999999999', '1e309', '-1', '0x10']) {
        const response = await dir.request('GET', `/Users?count=${count}`);
        assert.ok(response.status === 200 || response.status === 400, `count=${count}: ${response.status}`);
        if (response.status === 400) assertScimError(response, 400);
        else assert.ok(response.body.itemsPerPage <= 1000);
      }
    });
  });
}
