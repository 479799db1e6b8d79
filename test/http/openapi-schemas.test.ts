import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ajv } from 'ajv';
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
    before(async () => {
      server = await startTestServer(backend);
      ({ call } = await adminApi(server));
      document = (await call('GET', '/openapi.json', undefined, null)).body;
    });
    after(() => server.close());

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
  });
}

/** A value of a schema's type, for the required fields of a body whose other field is wrong. */
function sample(type: unknown): unknown {
  const first = Array.isArray(type) ? type[0] : type;
  return first === 'integer' || first === 'number' ? 1 : first === 'boolean' ? true : first === 'array' ? ['x'] : first === 'object' ? {} : 'x';
}
