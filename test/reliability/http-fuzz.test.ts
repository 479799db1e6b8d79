import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { BACKENDS } from '../support/databases.js';
import { assertStatus, BULK_REQUEST_SCHEMA, GROUP_SCHEMA, patchOp, USER_SCHEMA } from '../support/scim-assertions.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';
import { assertHandled, assertPrototypeClean, clientView } from './support/http-checks.js';
import { fuzzParameters, hostileText, PROTOTYPE_KEYS, SQL_METACHARACTERS } from './support/fuzz-settings.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** JSON text with prototype keys planted at a random depth, written as text so they stay own keys. */
const pollutedJson = fc
  .tuple(fc.constantFrom(...PROTOTYPE_KEYS), fc.integer({ min: 0, max: 4 }), fc.constantFrom('userName', 'name', 'emails', ENTERPRISE, 'Operations', 'data'))
  .map(([key, depth, outer]) => {
    let inner = `{${JSON.stringify(key)}:{"polluted":true,"isAdmin":true}}`;
    for (let i = 0; i < depth; i++) inner = i % 2 ? `[${inner}]` : `{${JSON.stringify(key)}:${inner},"value":"v"}`;
    return `{"userName":"proto-${depth}@example.com",${JSON.stringify(outer)}:${inner}}`;
  });

/** Random JSON documents, shaped like SCIM bodies some of the time. */
const jsonBody = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.record({ userName: hostileText, displayName: hostileText, emails: fc.array(fc.record({ value: hostileText, primary: fc.boolean() })), [ENTERPRISE]: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 })) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  fc.record({ schemas: fc.constant(['urn:ietf:params:scim:api:messages:2.0:PatchOp']), Operations: fc.array(fc.record({ op: fc.constantFrom('add', 'replace', 'remove', 'x'), path: hostileText, value: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: [] }), { maxLength: 4 }) }).map((v) => JSON.stringify(v)),
  fc.record({ schemas: fc.constant([BULK_REQUEST_SCHEMA]), Operations: fc.array(fc.record({ method: fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE', 'GET'), path: fc.oneof(hostileText, fc.constantFrom('/Users', '/Groups', '/Users/bulkId:a', '/Groups/bulkId:b')), bulkId: hostileText, data: fc.jsonValue({ maxDepth: 3 }) }, { requiredKeys: [] }), { maxLength: 4 }) }).map((v) => JSON.stringify(v)),
  pollutedJson,
  fc.integer({ min: 100, max: 5000 }).map((depth) => `{"userName":"deep","${ENTERPRISE}":{"tree":${'['.repeat(depth)}${']'.repeat(depth)}}}`),
  fc.integer({ min: 1, max: 60_000 }).map((length) => JSON.stringify({ userName: `long-${length}`, title: 'é'.repeat(length) })),
);

/** A valid body with one cut, one byte flipped or one stray character: broken in the ways a truncated network write would break it. */
const mutatedBody = fc
  .tuple(fc.nat(), fc.constantFrom('cut', 'flip', 'insert'), fc.constantFrom('"', '{', '}', ',', ':', '\\', '\u0000', '\ud800', '💥'))
  .map(([at, how, char]) => {
    const valid = JSON.stringify({ schemas: [USER_SCHEMA], userName: 'mutant@example.com', emails: [{ value: 'm@example.com', primary: true }], [ENTERPRISE]: { department: 'R&D' } });
    const i = at % valid.length;
    if (how === 'cut') return valid.slice(0, i);
    if (how === 'flip') return `${valid.slice(0, i)}${String.fromCharCode(valid.charCodeAt(i) ^ 0x20)}${valid.slice(i + 1)}`;
    return `${valid.slice(0, i)}${char}${valid.slice(i)}`;
  });

/** Bytes that are not UTF-8 at all, inside an otherwise plausible body. */
const invalidUtf8 = fc.uint8Array({ minLength: 1, maxLength: 16 }).map((noise) =>
  Buffer.concat([Buffer.from('{"userName":"'), Buffer.from([0xc0, 0xff, 0xfe]), Buffer.from(noise), Buffer.from('"}')]),
);

const QUERY_PARAMETERS = ['filter', 'sortBy', 'sortOrder', 'attributes', 'excludedAttributes', 'cursor', 'count', 'startIndex'];

for (const backend of BACKENDS) {
  describe(`HTTP fuzzing (${backend})`, () => {
    let server: TestServer;
    let dir: TestDirectory;
    let victim: { id: string; meta: { version: string } };
    let target: { id: string };
    let group: { id: string };
    let requests = 0;

    before(async () => {
      server = await startTestServer(backend, { bodyLimit: 64 * 1024 });
      dir = await server.createDirectory();
      victim = (await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'victim@example.com', title: 'Untouched' })).body;
      target = (await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'target@example.com' })).body;
      group = (await dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Targets', members: [{ value: target.id }] })).body;
    });
    after(async () => {
      await server.close();
      console.log(`HTTP fuzzing (${backend}): ${requests} requests`);
    });

    const send = async (method: string, path: string, body?: string | Buffer, contentType = 'application/scim+json') => {
      requests++;
      const response = await fetch(`${server.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${dir.secret}`, ...(body === undefined ? {} : { 'content-type': contentType }) },
        ...(body === undefined ? {} : { body }),
      });
      const text = await response.text();
      let parsed: any;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = text;
      }
      return { status: response.status, headers: response.headers, body: parsed, text };
    };

    const expectVictimUntouched = async () => {
      const now = await send('GET', `/Users/${victim.id}`);
      assertStatus(now, 200);
      assert.equal(now.body.title, 'Untouched');
      assert.equal(now.body.meta.version, victim.meta.version);
    };

    /** Every route that takes a body; the writes go to `target`, so `victim` must never change. */
    const bodyRoutes = (): [string, string][] => [
      ['POST', '/Users'],
      ['PUT', `/Users/${target.id}`],
      ['PATCH', `/Users/${target.id}`],
      ['POST', '/Groups'],
      ['PATCH', `/Groups/${group.id}`],
      ['POST', '/Users/.search'],
      ['POST', '/Bulk'],
    ];

    it('answers random, polluted, deep and huge JSON bodies on every body route with success or an RFC error, never 500', async () => {
      await fc.assert(
        fc.asyncProperty(jsonBody, fc.nat(), async (body, routeIndex) => {
          const routes = bodyRoutes();
          const [method, path] = routes[routeIndex % routes.length];
          assertHandled(await send(method, path, body), `${method} ${path} ${body.slice(0, 200)}`);
          assertPrototypeClean();
        }),
        fuzzParameters(100),
      );
      await expectVictimUntouched();
    });

    it('answers truncated and corrupted bodies and invalid UTF-8 with success or an RFC error, never 500', async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(mutatedBody, invalidUtf8), fc.nat(), async (body, routeIndex) => {
          const routes = bodyRoutes();
          const [method, path] = routes[routeIndex % routes.length];
          const response = await send(method, path, body);
          assertHandled(response, `${method} ${path} ${body.toString().slice(0, 200)}`);
        }),
        fuzzParameters(80),
      );
      await expectVictimUntouched();
    });

    it('never answers 500 to SQL metacharacters or prototype keys in any query parameter, path id or bulk id', async () => {
      const injection = fc.oneof(fc.constantFrom(...SQL_METACHARACTERS, ...PROTOTYPE_KEYS), hostileText);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...QUERY_PARAMETERS), injection, fc.constantFrom('Users', 'Groups'), async (parameter, value, type) => {
          const query = await send('GET', `/${type}?${parameter}=${encodeURIComponent(value)}`);
          assertHandled(query, `${parameter}=${value}`);
          if (query.status === 200) assert.ok(Array.isArray(query.body.Resources) || query.body.totalResults !== undefined);
          const filtered = await send('GET', `/${type}?filter=${encodeURIComponent(`displayName eq ${JSON.stringify(value)} or userName co ${JSON.stringify(value)}`)}`);
          assertHandled(filtered, `filter value ${value}`);
          const byId = await send('GET', `/${type}/${encodeURIComponent(value)}`);
          assertHandled(byId, `GET /${type}/${value}`);
          const patched = await send('PATCH', `/${type}/${encodeURIComponent(value)}`, JSON.stringify(patchOp({ op: 'replace', path: 'title', value: 'x' })));
          assertHandled(patched, `PATCH /${type}/${value}`);
          const bulk = await send(
            'POST',
            '/Bulk',
            JSON.stringify({
              schemas: [BULK_REQUEST_SCHEMA],
              Operations: [
                { method: 'POST', path: '/Users', bulkId: value, data: { userName: `bulk-${requests}@example.com` } },
                { method: 'PATCH', path: `/Users/bulkId:${value}`, data: patchOp({ op: 'replace', path: 'title', value: 'bulk' }) },
                { method: 'DELETE', path: `/Users/${value}` },
              ],
            }),
          );
          assertHandled(bulk, `bulkId ${value}`);
        }),
        fuzzParameters(30),
      );
      await expectVictimUntouched();
    });

    it('gives the same resource whether PATCH operations come in one request or one request each', async () => {
      const text = fc.constantFrom('a', "O'Brien", '%_', 'x y', 'é');
      const op = fc.oneof(
        text.map((v) => ({ op: 'replace', path: 'title', value: v })),
        text.map((v) => ({ op: 'add', path: 'nickName', value: v })),
        fc.boolean().map((v) => ({ op: 'replace', path: 'active', value: v })),
        fc.record({ value: fc.constantFrom('a@x.example', 'b@x.example'), type: fc.constantFrom('work', 'home'), primary: fc.boolean() }).map((e) => ({ op: 'add', path: 'emails', value: [e] })),
        text.map((v) => ({ op: 'replace', path: 'emails[type eq "work"].value', value: `${v.replace(/\W/g, '')}w@x.example` })),
        fc.constantFrom('title', 'nickName', 'emails[type eq "home"]', `${ENTERPRISE}:department`).map((path) => ({ op: 'remove', path })),
        text.map((v) => ({ op: 'replace', value: { [`${ENTERPRISE}:department`]: v, 'name.givenName': v } })),
      );
      let n = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 2, maxLength: 5 }), async (ops) => {
          n++;
          const start = { schemas: [USER_SCHEMA], title: 'T', emails: [{ value: 'w@x.example', type: 'work', primary: true }] };
          const one = (await send('POST', '/Users', JSON.stringify({ ...start, userName: `seq-${n}@example.com` }))).body;
          const two = (await send('POST', '/Users', JSON.stringify({ ...start, userName: `batch-${n}@example.com` }))).body;
          for (const operation of ops) assertStatus(await send('PATCH', `/Users/${one.id}`, JSON.stringify(patchOp(operation))), 200);
          assertStatus(await send('PATCH', `/Users/${two.id}`, JSON.stringify(patchOp(...ops))), 200);
          const [a, b] = await Promise.all([send('GET', `/Users/${one.id}`), send('GET', `/Users/${two.id}`)]);
          const view = (r: Record<string, unknown>) => ({ ...clientView(r), userName: undefined });
          assert.deepEqual(view(a.body), view(b.body), JSON.stringify(ops));
        }),
        fuzzParameters(15),
      );
    });
  });
}
