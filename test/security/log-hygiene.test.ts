import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateSecret } from '../../src/auth/secret-format.js';
import { createSecret } from '../../src/auth/secrets.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { requestLines } from '../support/log-lines.js';
import { startScimd, type ScimdProcess } from '../support/scimd-process.js';

/** Personal data sent only in requests that fail: none of it may reach the log. */
const PERSON = 'ada.lovelace.hygiene';
const EMAIL = 'ada.lovelace.hygiene@example.org';
const OTHER_EMAIL = 'charles.babbage.hygiene@example.org';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const STEP_TIMEOUT_MS = 20_000;

/** Every await in setup gets a deadline, so a stuck step fails the test instead of hanging it. */
function within<T>(promise: Promise<T>, what: string, ms = STEP_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

for (const backend of BACKENDS) {
  describe(`no secrets or personal data in the log on failure paths (${backend})`, { timeout: 120_000 }, () => {
    let database: TestDatabase;
    let server: ScimdProcess;
    /** Every secret the test created or sent, by what it is. */
    const secrets: Record<string, string> = {};
    let clientId: string;
    let userId: string;
    let requests = 0;

    const send = async (url: string, init: RequestInit & { secret?: string } = {}) => {
      requests++;
      const { secret, ...rest } = init;
      const response = await fetch(url, {
        ...rest,
        headers: { ...(secret ? { authorization: `Bearer ${secret}` } : {}), ...(rest.headers as Record<string, string>) },
        signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
      });
      return { status: response.status, text: await within(response.text(), `reading ${url}`) };
    };
    const scim = (method: string, path: string, secret: string, body?: string) =>
      send(`${server.url}${path}`, { method, secret, body, headers: body === undefined ? {} : { 'content-type': 'application/scim+json' } });

    before(async () => {
      database = await within(createTestDatabase(backend), 'creating the database');
      const store = await within(database.open(), 'opening the store');
      const now = new Date();
      const longAgo = new Date(now.getTime() - 2 * 86_400_000);
      const directoryId = (await within(store.createDirectory({ id: `dir_hygiene_${backend}`, name: 'hygiene', created: now.toISOString() }), 'creating a directory')).id;
      const scimSecret = await within(createSecret(store, { directoryId, scope: 'scim', name: 'ok', lifetimeMs: 86_400_000, now }), 'creating a secret');
      secrets.valid = scimSecret.secret;
      clientId = scimSecret.record.id;
      const revoked = await within(createSecret(store, { directoryId, scope: 'scim', name: 'revoked', lifetimeMs: 86_400_000, now }), 'creating a secret');
      secrets.revoked = revoked.secret;
      assert.ok(await within(store.revokeSecret(revoked.record.id, now.toISOString()), 'revoking a secret'));
      // Issued two days ago for one hour: well-formed, once real, now expired.
      secrets.expired = (await within(createSecret(store, { directoryId, scope: 'scim', name: 'expired', lifetimeMs: 3_600_000, now: longAgo }), 'creating a secret')).secret;
      secrets.admin = (await within(createSecret(store, { directoryId: null, scope: 'admin', name: 'admin', lifetimeMs: 86_400_000, now }), 'creating a secret')).secret;
      secrets.wrong = generateSecret();
      secrets.wrongAdmin = generateSecret();
      secrets.wrongClientSecret = generateSecret();
      await within(store.close(), 'closing the store');

      server = await within(startScimd(['--db', database.url, '--log-level', 'debug']), 'starting scimd');
      const origin = new URL(server.url).origin;

      // The one user the conflict collides with (the only successful write; it carries PERSON too).
      const created = await scim('POST', '/Users', secrets.valid, JSON.stringify({ schemas: [USER_SCHEMA], userName: PERSON, emails: [{ value: EMAIL }] }));
      assert.equal(created.status, 201, created.text);
      userId = JSON.parse(created.text).id;

      // Refused credentials.
      for (const what of ['wrong', 'revoked', 'expired'] as const) {
        assert.equal((await scim('GET', '/Users', secrets[what])).status, 401, `the ${what} secret is refused`);
        assert.equal((await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${PERSON}"`)}`, secrets[what])).status, 401);
      }
      // Malformed and invalid bodies holding personal data.
      assert.equal((await scim('POST', '/Users', secrets.valid, `{"schemas":["${USER_SCHEMA}"],"userName":"${PERSON}","emails":[{"value":"${EMAIL}"`)).status, 400, 'truncated JSON');
      assert.equal((await scim('POST', '/Users', secrets.valid, JSON.stringify({ schemas: [USER_SCHEMA], userName: { given: PERSON }, emails: EMAIL }))).status, 400, 'wrong types');
      assert.equal(
        (await scim('PATCH', `/Users/${userId}`, secrets.valid, JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'frobnicate', path: 'emails', value: OTHER_EMAIL }] }))).status,
        400,
        'an unknown PATCH op',
      );
      // A uniqueness conflict on the userName.
      const conflict = await scim('POST', '/Users', secrets.valid, JSON.stringify({ schemas: [USER_SCHEMA], userName: PERSON, emails: [{ value: OTHER_EMAIL }] }));
      assert.equal(conflict.status, 409, conflict.text);
      // Bad filters holding an email.
      assert.equal((await scim('GET', `/Users?filter=${encodeURIComponent(`emails.value eq "${EMAIL}" and`)}`, secrets.valid)).status, 400);
      assert.equal((await scim('GET', `/Users?filter=${encodeURIComponent(`emails[value eq "${OTHER_EMAIL}"`)}`, secrets.valid)).status, 400);
      // The admin API with a wrong admin secret, and with a directory secret.
      assert.equal((await send(`${origin}/api/v1/directories`, { secret: secrets.wrongAdmin })).status, 401);
      assert.equal((await send(`${origin}/api/v1/directories`, { secret: secrets.valid })).status, 403);
      assert.equal((await send(`${origin}/metrics`, { secret: secrets.wrongAdmin })).status, 401);
      // The OAuth token endpoint with a wrong client secret, in the body and in Basic authentication.
      const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secrets.wrongClientSecret });
      assert.equal((await send(`${origin}/oauth/token`, { method: 'POST', body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status, 401);
      const basic = Buffer.from(`${clientId}:${secrets.wrongClientSecret}`).toString('base64');
      assert.equal(
        (await send(`${origin}/oauth/token`, { method: 'POST', body: 'grant_type=client_credentials', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` } })).status,
        401,
      );

      assert.equal(await within(server.stop('SIGTERM'), 'stopping scimd'), 0);
    });
    after(async () => {
      await within(server?.stop('SIGKILL') ?? Promise.resolve(null), 'killing scimd');
      await within(database?.drop() ?? Promise.resolve(), 'dropping the database');
    });

    it('logged every request, at debug level', () => {
      assert.ok(requestLines(server.output()).length >= requests, `${requestLines(server.output()).length} request lines for ${requests} requests`);
    });

    it('no secret, nor any part of its random body, is on stdout or stderr', () => {
      const captured = server.output() + server.errors();
      for (const [what, secret] of Object.entries(secrets)) {
        assert.ok(!captured.includes(secret), `the ${what} secret is not logged`);
        assert.ok(!captured.includes(secret.slice(6, 30)), `no part of the ${what} secret is logged`);
      }
      assert.ok(!captured.includes('Bearer') && !captured.includes('Basic '), 'no Authorization header is logged');
    });

    it('no userName or email from bodies or filters is on stdout or stderr', () => {
      const captured = server.output() + server.errors();
      for (const value of [PERSON, EMAIL, OTHER_EMAIL, 'lovelace', 'babbage']) assert.ok(!captured.includes(value), `${value} is not logged`);
    });
  });
}
