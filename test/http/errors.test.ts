import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { assertScimError, assertStatus, BULK_REQUEST_SCHEMA, GROUP_SCHEMA, patchOp, q, USER_SCHEMA } from '../support/scim-assertions.js';
import { startTestServer, type ScimResponse, type TestDirectory, type TestServer } from '../support/test-server.js';

const ACME = 'urn:ietf:params:scim:schemas:extension:Acme:2.0:User';
const BODY_LIMIT = 2048;

/** Any 4xx with a SCIM error body: what a hostile request may get, never a 500. */
function assertClientError(response: ScimResponse, label: string): void {
  assert.ok(response.status >= 400 && response.status < 500, `${label} → ${response.status} ${response.text.slice(0, 300)}`);
  assertScimError(response, response.status);
}

function assertNotPolluted(): void {
  const probe: Record<string, unknown> = {};
  for (const key of ['polluted', 'isAdmin', 'scimd']) assert.equal(probe[key], undefined, `Object.prototype.${key} was polluted`);
  assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
}

for (const backend of BACKENDS) {
  describe(`malformed requests (${backend})`, () => {
    let server: TestServer;
    let dir: TestDirectory;
    let user: { id: string; userName: string; meta: { version: string } };
    let group: { id: string };

    before(async () => {
      server = await startTestServer(backend, { bodyLimit: BODY_LIMIT });
      dir = await server.createDirectory();
      user = (await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'victim@example.com', title: 'Untouched' })).body;
      group = (await dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Victims', members: [{ value: user.id }] })).body;
    });
    after(() => server.close());

    const send = (method: string, path: string, body: string, contentType = 'application/scim+json') =>
      server.raw(method, path, { body, headers: { authorization: `Bearer ${dir.secret}`, 'content-type': contentType } });

    const expectUserUntouched = async () => {
      const now = await dir.request('GET', `/Users/${user.id}`);
      assertStatus(now, 200);
      assert.equal(now.body.title, 'Untouched');
      assert.equal(now.body.meta.version, user.meta.version);
    };

    it('accepts a JSON content type with an empty body where no body is needed, and refuses it where one is', async () => {
      const victim = (await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'empty-body@example.com' })).body;
      assertStatus(await server.raw('GET', `/Users/${victim.id}`, { headers: { authorization: `Bearer ${dir.secret}`, 'content-type': 'application/json' } }), 200);
      assertStatus(await send('DELETE', `/Users/${victim.id}`, ''), 204);
      for (const method of ['POST', 'PUT', 'PATCH']) {
        const response = await send(method, method === 'POST' ? '/Users' : `/Users/${user.id}`, '', 'application/json');
        assertScimError(response, 400, 'invalidSyntax');
      }
      await expectUserUntouched();
    });

    it('answers malformed JSON with 400 invalidSyntax on every route that takes a body', async () => {
      const routes: [string, string][] = [
        ['POST', '/Users'],
        ['PUT', `/Users/${user.id}`],
        ['PATCH', `/Users/${user.id}`],
        ['POST', '/Groups'],
        ['PATCH', `/Groups/${group.id}`],
        ['POST', '/Users/.search'],
        ['POST', '/Bulk'],
      ];
      for (const [method, path] of routes) {
        for (const body of ['{"userName": ', '{userName: "x"}', "{'userName': 'x'}", '{"a":1}}', '\u0000']) {
          assertScimError(await send(method, path, body), 400, 'invalidSyntax');
        }
        assertScimError(await send(method, path, '{"userName": "x",}', 'application/json'), 400, 'invalidSyntax');
      }
      await expectUserUntouched();
    });

    it('answers an empty JSON body with 400 invalidSyntax', async () => {
      assertScimError(await send('POST', '/Users', ''), 400, 'invalidSyntax');
      assertScimError(await send('PATCH', `/Users/${user.id}`, ''), 400, 'invalidSyntax');
      assertScimError(await send('PUT', `/Users/${user.id}`, '   '), 400, 'invalidSyntax');
    });

    it('answers a body over the limit with 413 and a SCIM body, and stores nothing', async () => {
      const big = JSON.stringify({ schemas: [USER_SCHEMA], userName: 'big@example.com', title: 'x'.repeat(BODY_LIMIT) });
      assertScimError(await send('POST', '/Users', big), 413);
      const bulk = JSON.stringify({
        schemas: [BULK_REQUEST_SCHEMA],
        Operations: Array.from({ length: 40 }, (_, i) => ({ method: 'POST', path: '/Users', bulkId: `b${i}`, data: { userName: `bulk-big-${i}@example.com` } })),
      });
      assert.ok(bulk.length > BODY_LIMIT);
      assertScimError(await send('POST', '/Bulk', bulk), 413);
      assertScimError(await send('PATCH', `/Users/${user.id}`, JSON.stringify(patchOp({ op: 'replace', path: 'title', value: 'y'.repeat(BODY_LIMIT) }))), 413);
      const found = await dir.request('GET', `/Users?filter=${q('userName eq "big@example.com" or userName sw "bulk-big"')}`);
      assert.equal(found.body.totalResults, 0);
      await expectUserUntouched();
      const config = await server.raw('GET', '/ServiceProviderConfig');
      assert.equal(config.body.bulk.maxPayloadSize, BODY_LIMIT);
    });

    it('answers a body that is not JSON with 415', async () => {
      const body = JSON.stringify({ userName: 'typed@example.com' });
      for (const type of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/scim+xml']) {
        assertScimError(await send('POST', '/Users', body, type), 415);
      }
      assertScimError(await send('PATCH', `/Users/${user.id}`, JSON.stringify(patchOp({ op: 'replace', path: 'title', value: 'x' })), 'text/plain'), 415);
      // A body without a content type at all.
      const bare = await server.raw('POST', '/Users', { body, headers: { authorization: `Bearer ${dir.secret}`, 'content-type': '' } });
      assertClientError(bare, 'no content type');
      const found = await dir.request('GET', `/Users?filter=${q('userName eq "typed@example.com"')}`);
      assert.equal(found.body.totalResults, 0);
    });

    it('answers a JSON body that is not an object with 400', async () => {
      for (const body of ['[]', '[{"userName":"x"}]', '"userName"', '42', 'null', 'true']) {
        for (const [method, path] of [
          ['POST', '/Users'],
          ['PUT', `/Users/${user.id}`],
          ['PATCH', `/Users/${user.id}`],
          ['POST', '/Groups'],
          ['POST', '/Users/.search'],
          ['POST', '/Bulk'],
        ]) {
          const response = await send(method, path, body);
          assertScimError(response, 400);
        }
      }
      await expectUserUntouched();
    });

    it('answers PATCH without Operations with 400 invalidSyntax', async () => {
      for (const body of [{ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'] }, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [] }, { Operations: {} }, { Operations: null }]) {
        assertScimError(await dir.request('PATCH', `/Users/${user.id}`, body), 400, 'invalidSyntax');
        assertScimError(await dir.request('PATCH', `/Groups/${group.id}`, body), 400, 'invalidSyntax');
      }
      await expectUserUntouched();
    });

    it('answers /Me with 501', async () => {
      for (const method of ['GET', 'PUT', 'PATCH', 'DELETE', 'POST']) {
        const response = method === 'GET' || method === 'DELETE' ? await dir.request(method, '/Me') : await dir.request(method, '/Me', { userName: 'me' });
        assertScimError(response, 501);
      }
    });

    it('answers unknown routes with 404 and a SCIM body', async () => {
      for (const path of ['/Widgets', '/Users/a/b', '/Groups/x/members', '/Users/.search/more', '/Schemas/urn:nope', '/ResourceTypes/Widget']) {
        assertScimError(await dir.request('GET', path), 404);
      }
      assertScimError(await dir.request('POST', '/Widgets', { a: 1 }), 404);
      assertScimError(await server.raw('GET', `${server.origin}/scim/v3/Users`), 404);
      assertScimError(await server.raw('GET', `${server.origin}/nothing-here`), 404);
    });

    it('answers methods a route does not take with a 4xx SCIM body', async () => {
      for (const [method, path] of [
        ['DELETE', '/Users'],
        ['PUT', '/Groups'],
        ['PATCH', '/Users'],
        ['GET', '/Bulk'],
        ['POST', '/ServiceProviderConfig'],
        ['DELETE', '/Schemas'],
      ]) {
        const response = method === 'GET' || method === 'DELETE' ? await dir.request(method, path) : await dir.request(method, path, { a: 1 });
        assertClientError(response, `${method} ${path}`);
      }
    });

    it('refuses or ignores prototype-pollution keys in bodies, never answering 500 or polluting', async () => {
      const bodies: [string, string][] = [
        ['POST', '{"userName":"proto1@example.com","__proto__":{"polluted":true}}'],
        ['POST', '{"userName":"proto2@example.com","constructor":{"prototype":{"polluted":true}}}'],
        ['POST', `{"userName":"proto3@example.com","name":{"__proto__":{"polluted":true},"givenName":"P"}}`],
        ['POST', `{"userName":"proto4@example.com","${ACME}":{"__proto__":{"polluted":true},"badge":"x"}}`],
        ['POST', `{"userName":"proto5@example.com","${ACME}":{"constructor":{"prototype":{"isAdmin":true}}}}`],
        ['POST', `{"userName":"proto6@example.com","emails":[{"value":"p@example.com","__proto__":{"primary":true}}]}`],
        ['POST', '{"userName":"proto7@example.com","constructor":"plain","toString":"x","hasOwnProperty":"y","valueOf":1}'],
        ['POST', `{"userName":"proto8@example.com","${ACME}:__proto__":{"polluted":true}}`],
      ];
      for (const [method, body] of bodies) {
        const response = await send(method, '/Users', body);
        assert.ok(response.status === 201 || response.status === 400, `${body} → ${response.status} ${response.text}`);
        if (response.status === 400) assertScimError(response, 400);
        else {
          assert.doesNotMatch(response.text, /polluted|isAdmin/);
          const fetched = await dir.request('GET', `/Users/${response.body.id}`);
          assert.doesNotMatch(fetched.text, /polluted|isAdmin/);
        }
        assertNotPolluted();
      }
      const patches = [
        `{"Operations":[{"op":"add","value":{"__proto__":{"polluted":true}}}]}`,
        `{"Operations":[{"op":"add","path":"${ACME}","value":{"__proto__":{"polluted":true}}}]}`,
        `{"Operations":[{"op":"add","path":"${ACME}:constructor","value":{"prototype":{"polluted":true}}}]}`,
        `{"Operations":[{"op":"add","path":"${ACME}:constructor.prototype","value":"polluted"}]}`,
        '{"Operations":[{"op":"add","path":"__proto__.polluted","value":true}]}',
        '{"Operations":[{"op":"add","path":"constructor.prototype.polluted","value":true}]}',
        '{"Operations":[{"op":"replace","value":{"constructor":{"prototype":{"polluted":true}}}}]}',
        '{"__proto__":{"Operations":[{"op":"remove","path":"title"}]}}',
      ];
      const target = await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'proto-patch@example.com' });
      for (const body of patches) {
        const response = await send('PATCH', `/Users/${target.body.id}`, body);
        assert.ok(response.status === 200 || response.status === 400, `${body} → ${response.status} ${response.text}`);
        // A key named "constructor" inside an extension is just data; what matters is the prototype.
        if (response.status === 400) assertScimError(response, 400);
        assertNotPolluted();
      }
      const bulk = `{"schemas":["${BULK_REQUEST_SCHEMA}"],"Operations":[{"method":"POST","path":"/Users","bulkId":"x","data":{"userName":"proto-bulk@example.com","__proto__":{"polluted":true}}}]}`;
      const bulkResponse = await send('POST', '/Bulk', bulk);
      assert.ok(bulkResponse.status === 200 || bulkResponse.status === 400, bulkResponse.text);
      const search = await send('POST', '/Users/.search', '{"__proto__":{"filter":"userName pr"},"constructor":{"prototype":{"polluted":true}}}');
      assert.ok(search.status === 200 || search.status === 400, search.text);
      const query = await dir.request('GET', '/Users?__proto__[polluted]=1&constructor[prototype][polluted]=1&__proto__=x&count=1');
      assertStatus(query, 200);
      assertNotPolluted();
      const stillThere = await dir.request('GET', `/Users/${user.id}`);
      assert.equal(stillThere.body.userName, 'victim@example.com');
    });

    it('never answers 500 to SQL metacharacters in filter values', async () => {
      const values = ["x' OR '1'='1", "x'; DROP TABLE resources; --", 'x\\" OR 1=1 --', '%', '_', '\\', "'", '"', '%%', '*', '$1', '?', ':name', '\\u0000', '\\ud800', '😀', 'a'.repeat(1000)];
      for (const value of values) {
        for (const op of ['eq', 'co', 'ew', 'gt']) {
          for (const attr of ['userName', 'emails.value', `${ACME}:badge`, ...(op === 'eq' ? ['title', 'externalId', 'members.value'] : [])]) {
            const filter = `${attr} ${op} "${value.replace(/"/g, '\\"')}"`;
            const response = await dir.request('GET', `/Users?filter=${q(filter)}`);
            if (attr === 'members.value') assertScimError(response, 400, 'invalidFilter');
            else if (response.status !== 200) assertClientError(response, filter);
            else assert.ok(response.body.Resources.every((r: { userName: string }) => r.userName !== 'victim@example.com' || op !== 'eq'), filter);
          }
        }
      }
      const groupFilter = await dir.request('GET', `/Groups?filter=${q(`members.value eq "x' OR '1'='1"`)}`);
      assertStatus(groupFilter, 200);
      assert.equal(groupFilter.body.totalResults, 0);
      await expectUserUntouched();
    });

    it('answers SQL metacharacters in sortBy, sortOrder, attributes and paging parameters exactly: 400 with the parameter’s scimType, or the listing they ask for', async () => {
      const hostile = ["userName'--", 'userName; DROP TABLE resources', 'userName)', '"userName"', 'name.familyName DESC', '1', '(SELECT 1)', 'emails[type eq "work"]', "urn:x:User:a'b", 'urn:ietf:params:scim:schemas:core:2.0:User:', '', ' '];
      const everyone = await dir.request('GET', '/Users?count=1000');
      assertStatus(everyone, 200);
      const allIds = everyone.body.Resources.map((r: { id: string }) => r.id);
      /** What each parameter must answer for a value: a refusal, or a listing checked in full. */
      type Expected = { refused: string; detail: string } | { listing: (body: any) => void };
      const refused = (scimType: string, detail: string): Expected => ({ refused: scimType, detail });
      const listing = (check: (body: any) => void): Expected => ({ listing: check });
      const everyUser = listing((body) => assert.deepEqual(body.Resources.map((r: { id: string }) => r.id), allIds));
      const idsOnly = listing((body) => {
        assert.deepEqual(body.Resources.map((r: { id: string }) => r.id), allIds);
        for (const resource of body.Resources) assert.deepEqual(Object.keys(resource).sort(), ['id', 'schemas']);
      });
      const expected = (param: string, value: string): Expected => {
        const blank = value.trim() === '';
        switch (param) {
          case 'sortBy':
            return value === '' ? everyUser : refused('invalidValue', `${JSON.stringify(value)} is not a valid attribute path`);
          case 'sortOrder':
            return value === '' ? everyUser : refused('invalidValue', 'sortOrder must be "ascending" or "descending"');
          case 'attributes':
            // Found while writing this (issue 19 report): a blank list and a value path are not
            // refused like other non-attributes but answer ids alone; asserted as they are.
            if (value === '') return everyUser;
            return blank || value === 'emails[type eq "work"]' ? idsOnly : refused('invalidValue', `attributes: ${JSON.stringify(value)} is not an attribute path`);
          case 'excludedAttributes':
            return blank || value === 'emails[type eq "work"]' ? everyUser : refused('invalidValue', `excludedAttributes: ${JSON.stringify(value)} is not an attribute path`);
          case 'count':
            if (value === '1') return listing((body) => assert.deepEqual(body.Resources.map((r: { id: string }) => r.id), allIds.slice(0, 1)));
            return value === '' ? everyUser : refused('invalidCount', 'count must be an integer');
          case 'startIndex':
            return value === '' || value === '1' ? everyUser : refused('invalidValue', 'startIndex must be an integer');
          default: // filter
            if (blank) return everyUser;
            // A value path is a whole filter: users with a work email, and this directory has none.
            if (value === 'emails[type eq "work"]') return listing((body) => assert.deepEqual(body.Resources ?? [], []));
            return refused('invalidFilter', '');
        }
      };
      for (const value of hostile) {
        for (const param of ['sortBy', 'sortOrder', 'attributes', 'excludedAttributes', 'count', 'startIndex', 'filter']) {
          const label = `${param}=${JSON.stringify(value)}`;
          const response = await dir.request('GET', `/Users?${param}=${encodeURIComponent(value)}`);
          const expectation = expected(param, value);
          if ('refused' in expectation) {
            assertScimError(response, 400, expectation.refused);
            if (expectation.detail) assert.equal(response.body.detail, expectation.detail, label);
            else assert.ok(response.body.detail.includes(JSON.stringify(value)), `${label}: the detail quotes the filter: ${response.body.detail}`);
          } else {
            assertStatus(response, 200);
            assert.deepEqual(response.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], label);
            expectation.listing(response.body);
            assert.equal(response.body.itemsPerPage, (response.body.Resources ?? []).length, label);
          }
        }
      }
      await expectUserUntouched();
    });

    it('never answers 500 to hostile ids in paths', async () => {
      const ids = ["1' OR '1'='1", "x'; DROP TABLE resources; --", '%00', '%E2%80%AE', '..%2F..%2Fetc%2Fpasswd', '%ud800', 'a'.repeat(2000), '%25', '%F0%9F%98%80', '%C0%AF', '%ED%A0%80'];
      for (const id of ids) {
        for (const method of ['GET', 'PUT', 'PATCH', 'DELETE']) {
          for (const type of ['Users', 'Groups']) {
            const body = method === 'PUT' ? { userName: 'victim@example.com', displayName: 'Victims' } : method === 'PATCH' ? patchOp({ op: 'replace', path: 'title', value: 'x' }) : undefined;
            const response = await dir.request(method, `/${type}/${id}`, body);
            assertClientError(response, `${method} /${type}/${id}`);
          }
        }
      }
      await expectUserUntouched();
    });

    it('never answers 500 to hostile cursors', async () => {
      for (const cursor of ["' OR 1=1 --", '%00', 'a.b', 'a.b.c', '.', 'e30.e30', `${Buffer.from('{"k":"x","p":"1; DROP TABLE resources"}').toString('base64url')}.AAAAAAAAAAAAAAAAAAAAAA`, '😀']) {
        assertScimError(await dir.request('GET', `/Users?cursor=${encodeURIComponent(cursor)}`), 400, 'invalidCursor');
      }
    });

    it('refuses U+0000 and unpaired surrogates with 400 on every backend, and stores other awkward characters', async () => {
      const unstorable = ['nul\u0000inside', 'lone\ud800surrogate', 'low\udc00first'];
      const awkward = [...unstorable, 'rtl\u202eoverride', 'emoji😀', 'bom\ufeff', 'line\u2028sep', 'zero\u200bwidth'];
      for (const [i, text] of awkward.entries()) {
        const created = await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: `awkward${i}-${text}`, title: text, [ACME]: { note: text } });
        assert.equal(created.status, unstorable.includes(text) ? 400 : 201, `${JSON.stringify(text)}: ${created.text}`);
        if (created.status === 201) {
          const fetched = await dir.request('GET', `/Users/${created.body.id}`);
          assertStatus(fetched, 200);
          assert.equal(fetched.body.userName, created.body.userName);
          const found = await dir.request('GET', `/Users?filter=${q(`userName eq ${JSON.stringify(created.body.userName)}`)}`);
          assertStatus(found, 200);
          assert.deepEqual(found.body.Resources.map((r: { id: string }) => r.id), [created.body.id]);
        } else {
          assertScimError(created, 400, 'invalidValue');
        }
        const patched = await dir.request('PATCH', `/Users/${user.id}?attributes=userName`, patchOp({ op: 'replace', path: `${ACME}:note`, value: text }));
        if (unstorable.includes(text)) assertScimError(patched, 400, 'invalidValue');
        else assertStatus(patched, 200);
        const keyed = await send('POST', '/Users', JSON.stringify({ userName: `keyed-${i}`, [ACME]: { [text]: 'value as key' } }));
        if (unstorable.includes(text)) assertScimError(keyed, 400, 'invalidValue');
        else assertStatus(keyed, 201);
        const filtered = await dir.request('GET', `/Users?filter=${q(`title eq ${JSON.stringify(text)}`)}`);
        if (unstorable.includes(text)) assertScimError(filtered, 400, 'invalidFilter');
        else assert.equal(filtered.body.totalResults, 1);
        // A lone surrogate cannot be percent-encoded at all; the others can appear in a path.
        if (!/^lone|^low/.test(text)) assertClientError(await dir.request('GET', `/Users/${encodeURIComponent(text)}`), `GET /Users/${JSON.stringify(text)}`);
      }
    });

    it('refuses JSON nested deeper than 64 levels with 400 invalidValue, and stores what it answers for numbers JSON cannot hold exactly', async () => {
      const tooDeep = 'The request body nests arrays and objects deeper than 64 levels';
      const deep = `${'['.repeat(900)}1${']'.repeat(900)}`;
      const nested = await send('POST', '/Users', `{"userName":"deep@example.com","${ACME}":{"tree":${deep}}}`);
      assertScimError(nested, 400, 'invalidValue');
      assert.equal(nested.body.detail, tooDeep);
      const objects = `${'{"a":'.repeat(250)}1${'}'.repeat(250)}`;
      const nestedObjects = await send('POST', '/Users', `{"userName":"deep-objects@example.com","${ACME}":{"tree":${objects}}}`);
      assertScimError(nestedObjects, 400, 'invalidValue');
      assert.equal(nestedObjects.body.detail, tooDeep);
      for (const userName of ['deep@example.com', 'deep-objects@example.com']) {
        assert.equal((await dir.request('GET', `/Users?filter=${q(`userName eq "${userName}"`)}`)).body.totalResults, 0, `${userName} was not stored`);
      }
      const numbers = await send('POST', '/Users', `{"userName":"numbers@example.com","${ACME}":{"big":1e400,"small":-1e-400,"long":123456789012345678901234567890}}`);
      assertStatus(numbers, 201);
      // JSON numbers are doubles here: an underflow is 0 and a 30-digit integer is rounded. Found
      // while writing this (issue 19 report): 1e400 is not refused but stored as null. Asserted as
      // it is, so a change is noticed; the answer and the stored user at least agree.
      assert.deepEqual(numbers.body[ACME], { big: null, small: 0, long: 1.2345678901234568e29 });
      assert.deepEqual((await dir.request('GET', `/Users/${numbers.body.id}`)).body[ACME], numbers.body[ACME]);
    });
  });
}
