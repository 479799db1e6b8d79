import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { Slapd } from '../provisioning/support/slapd.js';
import { adminApi, assertOk, assertProblem, type AdminCall } from '../support/admin-api.js';
import { BACKENDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

interface Parameter {
  name: string;
  in: 'path' | 'query';
  schema: Record<string, unknown>;
}
interface Operation {
  summary: string;
  security?: object[];
  parameters?: Parameter[];
  requestBody?: { required: boolean; content: { 'application/json': { schema: { type: string | string[]; properties?: Record<string, { type?: unknown }>; required?: string[]; additionalProperties?: boolean } } } };
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object> };
}

/** Every documented operation behind an admin secret, its path filled with ids no route knows (input is checked before they are looked up). */
function adminOperations(document: Document): { method: string; path: string; operation: Operation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([, operation]) => operation.security === undefined)
      .map(([method, operation]) => ({ method: method.toUpperCase(), path: path.replace(/\{\w+\}/g, 'nosuch'), operation })),
  );
}

for (const backend of BACKENDS) {
  describe(`admin API: the OpenAPI document is written from the schemas the routes validate with (${backend})`, () => {
    let server: TestServer;
    let call: AdminCall;
    let document: Document;
    let dir: string;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'scimd-openapi-'));
      process.env.SCIMD_KEY_FILE = join(dir, 'scimd.key');
      server = await startTestServer(backend);
      ({ call } = await adminApi(server));
      document = (await call('GET', '/openapi.json', undefined, null)).body;
    });
    after(async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
      delete process.env.SCIMD_KEY_FILE;
    });

    /** Whether a body matches the schema an operation documents for one status; the errors otherwise. */
    const validates = (body: unknown, method: string, path: string, status: number): string | undefined => {
      const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
      const schema = document.paths[path][method].responses[String(status)]?.content?.['application/json']?.schema;
      assert.ok(schema, `${method} ${path} documents ${status}`);
      const validate = ajv.compile({ components: document.components, allOf: [schema] });
      return validate(body) ? undefined : ajv.errorsText(validate.errors);
    };

    it('a body with a field its documented schema does not name is refused 400 invalid-input, on every route that takes one', async () => {
      const withBodies = adminOperations(document).filter(({ operation }) => operation.requestBody?.content['application/json'].schema.additionalProperties === false);
      assert.ok(withBodies.length >= 15, `routes with a closed body schema: ${withBodies.length}`);
      for (const { method, path, operation } of withBodies) {
        const schema = operation.requestBody!.content['application/json'].schema;
        const body = { ...Object.fromEntries((schema.required ?? []).map((field) => [field, sample(schema.properties?.[field]?.type)])), colour: 'red' };
        const refused = await call(method, path, body);
        assertProblem(refused, 400, 'invalid-input');
        assert.match(refused.body.detail, /Unknown field "colour"; this request accepts /, `${method} ${path}`);
      }
    });

    it('a body without a field its documented schema requires is refused 400 with the field named', async () => {
      const withRequired = adminOperations(document).filter(({ operation }) => operation.requestBody?.content['application/json'].schema.required?.length);
      assert.ok(withRequired.length >= 5);
      for (const { method, path, operation } of withRequired) {
        const [field] = operation.requestBody!.content['application/json'].schema.required!;
        const refused = await call(method, path, {});
        assertProblem(refused, 400, 'invalid-input');
        assert.equal(refused.body.detail, `${field} is required`, `${method} ${path}`);
      }
    });

    it('a query parameter below its documented minimum is refused 400 invalid-input, on every route that has one', async () => {
      const bounded = adminOperations(document).flatMap(({ method, path, operation }) =>
        (operation.parameters ?? []).filter((p) => p.in === 'query' && typeof p.schema.minimum === 'number').map((p) => ({ method, path, parameter: p })),
      );
      assert.ok(bounded.length >= 8, `bounded query parameters: ${bounded.length}`);
      for (const { method, path, parameter } of bounded) {
        const refused = await call(method, `${path}?${parameter.name}=${(parameter.schema.minimum as number) - 1}`);
        assertProblem(refused, 400, 'invalid-input');
        assert.match(refused.body.detail, new RegExp(`^the query parameter ${parameter.name} must be >= `), `${method} ${path}`);
      }
    });

    it('wrong JSON types, enum values and repeated query parameters are refused in words, not as a 500', async () => {
      const cases: [string, string, unknown, string][] = [
        ['POST', '/directories', { name: 42 }, 'name must be a string'],
        ['POST', '/directories', { name: 'typed', settings: { maxActiveSecrets: '3' } }, 'settings.maxActiveSecrets must be an integer or null'],
        ['POST', '/directories', [1, 2], 'the body must be a JSON object'],
        ['POST', '/webhooks', { url: 'https://example.com/x', format: 'xml' }, 'format must be one of json, scim-set, scim-set-notice'],
        ['GET', '/audit?limit=ten', undefined, 'the query parameter limit must be an integer'],
        ['GET', '/audit?directory=a&directory=b', undefined, 'Give the query parameter directory once'],
      ];
      for (const [method, path, body, detail] of cases) {
        const refused = await call(method, path, body);
        assertProblem(refused, 400, 'invalid-input');
        assert.equal(refused.body.detail, detail, `${method} ${path}`);
      }
    });

    it('every answer with a body documents its schema, and the main views are components', async () => {
      for (const [path, item] of Object.entries(document.paths)) {
        for (const [method, operation] of Object.entries(item)) {
          for (const [status, response] of Object.entries(operation.responses)) {
            if (status.startsWith('2') && status !== '204' && path !== '/openapi.json') assert.ok(response.content?.['application/json']?.schema, `${method} ${path} ${status}`);
          }
        }
      }
      const views = ['Directory', 'DirectoryDetails', 'Secret', 'CreatedSecret', 'Settings', 'StatusReport', 'DirectoryStatus', 'AuditPage', 'Session', 'Event', 'Webhook', 'WebhookDetails', 'Delivery', 'NotificationRecipient', 'Connection', 'TargetProfile', 'TestReport', 'Cycle', 'LogEntry', 'ConnectionHealth'];
      for (const name of views) assert.ok(document.components.schemas[name], name);
    });

    it('real answers match the response schemas the document gives for them', async () => {
      const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
      const check = (response: { status: number; body: unknown }, method: string, path: string) => {
        const operation = document.paths[path][method];
        const schema = operation.responses[String(response.status)]?.content?.['application/json']?.schema;
        assert.ok(schema, `${method} ${path} documents ${response.status}`);
        const validate = ajv.compile({ components: document.components, allOf: [schema] });
        assert.ok(validate(response.body), `${method} ${path}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(response.body)}`);
      };
      const created = await call('POST', '/directories', { name: 'shapes', settings: { maxActiveSecrets: 5 } });
      check(created, 'post', '/directories');
      const id = created.body.id as string;
      check(await call('GET', `/directories/${id}`), 'get', '/directories/{directory}');
      check(await call('GET', '/directories'), 'get', '/directories');
      check(await call('POST', `/directories/${id}/secrets`, { name: 'Entra' }), 'post', '/directories/{directory}/secrets');
      check(await call('GET', `/directories/${id}/secrets`), 'get', '/directories/{directory}/secrets');
      check(await call('GET', `/directories/${id}/status`), 'get', '/directories/{directory}/status');
      check(await call('GET', '/status'), 'get', '/status');
      check(await call('GET', '/audit'), 'get', '/audit');
      const webhook = await call('POST', '/webhooks', { url: 'https://example.com/hook', directory: id });
      check(webhook, 'post', '/webhooks');
      check(await call('GET', `/webhooks/${webhook.body.id}`), 'get', '/webhooks/{webhook}');
      check(await call('GET', '/webhooks'), 'get', '/webhooks');
      check(await call('POST', '/notifications', { recipient: 'ops@example.com' }), 'post', '/notifications');
      check(await call('GET', '/notifications'), 'get', '/notifications');
      check(await call('GET', `/directories/${id}/events`), 'get', '/directories/{directory}/events');
      check(await call('GET', '/connections'), 'get', '/connections');
      assertOk(await call('DELETE', `/directories/${id}?confirm=shapes`));
    });

    it("a connection's source, scoping and settings answer to the shapes the document gives them, for file, LDAP and SCIM sources", async () => {
      const ldap = await Slapd.start();
      try {
        await ldap.add('uid=ann,ou=people,dc=example,dc=test', { objectClass: ['inetOrgPerson'], uid: 'ann', cn: 'Ann', sn: 'Lee', title: 'Engineer' });
        const app = await call('POST', '/directories', { name: 'shapes-app' });
        const appSecret = (await call('POST', `/directories/${app.body.id}/secrets`, { name: 'engine' })).body.secret as string;
        const people = await call('POST', '/directories', { name: 'shapes-people' });
        const peopleSecret = (await call('POST', `/directories/${people.body.id}/secrets`, { name: 'reader' })).body.secret as string;
        writeFileSync(join(dir, 'users.csv'), 'userName,externalId,department,active\nann@acme.com,e1,Sales,true\n');
        writeFileSync(join(dir, 'groups.csv'), 'displayName,externalId\nSales,g1\n');
        const target = { target: server.baseUrl, secret: appSecret };
        const bodies = {
          file: { source: `file:${dir}/users.csv`, groups: `${dir}/groups.csv`, userKey: 'externalId', sourceEncoding: 'latin1', scopeUsers: 'department eq "Sales"', scopeGroups: 'displayName eq "Sales"', deletionThreshold: '10%', wireFormat: 'entra-legacy' },
          ldap: { source: `${ldap.url}/ou=people,dc=example,dc=test`, bindDn: ldap.rootDn, sourceSecret: ldap.rootPassword, pageSize: 50, scopeUsers: 'title eq "Engineer"', schedule: '40min', membersPerRequest: 20 },
          scim: { source: `scim+${server.baseUrl}`, sourceSecret: peopleSecret, pageSize: 100, scopeUsers: 'userName sw "a"', deletionThreshold: 'off', fullSyncEvery: '24h' },
        };
        const connections: Record<string, { id: string; source: Record<string, unknown> }> = {};
        for (const [kind, body] of Object.entries(bodies)) {
          const created = await call('POST', '/connections', { name: `shapes-${kind}`, ...target, ...body });
          assertOk(created, 201);
          assert.equal(validates(created.body, 'post', '/connections', 201), undefined, `POST /connections (${kind}): ${JSON.stringify(created.body.connection)}`);
          const shown = await call('GET', `/connections/${created.body.connection.id}`);
          assert.equal(validates(shown.body, 'get', '/connections/{connection}', 200), undefined, `GET /connections/{connection} (${kind}): ${JSON.stringify(shown.body)}`);
          assert.equal(shown.body.source.kind, kind);
          connections[kind] = shown.body;
        }
        const listed = await call('GET', '/connections');
        assert.equal(listed.body.connections.length, 3);
        assert.equal(validates(listed.body, 'get', '/connections', 200), undefined);

        // The shapes are described, not just "an object": what a view never holds is refused.
        const { file, ldap: fromLdap, scim } = connections;
        const refused: [string, object][] = [
          ['an LDAP source with its encrypted password', tampered(fromLdap, (c) => (c.source.encryptedPassword = 'v1:abc'))],
          ['a SCIM source with its encrypted secret', tampered(scim, (c) => (c.source.encryptedSecret = 'v1:abc'))],
          ['a source of an unknown kind', tampered(file, (c) => (c.source.kind = 'ftp'))],
          ['an LDAP source without its base DN', tampered(fromLdap, (c) => delete c.source.baseDn)],
          ['a file encoding there is none of', tampered(file, (c) => (c.source.encoding = 'ebcdic'))],
          ['a scoping filter that is not text', tampered(file, (c) => ((c as unknown as { scoping: object }).scoping = { users: 42 }))],
          ['scoping of a third type', tampered(file, (c) => ((c as unknown as { scoping: object }).scoping = { devices: 'x eq "y"' }))],
          ['settings without concurrency', tampered(scim, (c) => delete (c as unknown as { settings: Record<string, unknown> }).settings.concurrency)],
          ['a deletion threshold as a number', tampered(scim, (c) => ((c as unknown as { settings: Record<string, unknown> }).settings.deletionThreshold = 500))],
        ];
        for (const [what, body] of refused) assert.notEqual(validates(body, 'get', '/connections/{connection}', 200), undefined, what);
      } finally {
        await ldap.stop();
      }
    });
  });
}

/** A copy of a JSON value with one change made to it. */
function tampered<T>(value: T, change: (copy: T) => void): T {
  const copy = structuredClone(value);
  change(copy);
  return copy;
}

/** A value of a schema's type, for the required fields of a body whose other field is wrong. */
function sample(type: unknown): unknown {
  const first = Array.isArray(type) ? type[0] : type;
  return first === 'integer' || first === 'number' ? 1 : first === 'boolean' ? true : first === 'array' ? ['x'] : first === 'object' ? {} : 'x';
}
