import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { createSecret } from '../../src/auth/secrets.js';
import { isWellFormedSecret } from '../../src/auth/secret-format.js';
import { BACKENDS } from '../support/databases.js';
import { callWith, DAY, eventsOf, firstSecretOf, HOUR, newSecret } from '../support/lifecycle-helpers.js';
import { startReplica } from '../support/replica.js';
import { assertScimError, assertStatus } from '../support/scim-assertions.js';
import { startTestServer, type ScimResponse, type TestServer } from '../support/test-server.js';
import { withLastCharacterChanged } from '../support/tampered.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** An RFC 6749 §5.2 error: status, code, description, JSON, not cacheable. */
function assertOAuthError(response: ScimResponse, status: number, error: string): void {
  const context = `${response.status} ${response.text}`;
  assert.equal(response.status, status, context);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/, context);
  assert.equal(response.body.error, error, context);
  assert.equal(typeof response.body.error_description, 'string', context);
  assert.equal(response.headers.get('cache-control'), 'no-store', context);
  assert.equal(response.headers.get('pragma'), 'no-cache', context);
  if (error === 'invalid_client' && status === 401) assert.match(response.headers.get('www-authenticate') ?? '', /^Basic realm="scimd"/, context);
}

for (const backend of BACKENDS) {
  describe(`OAuth 2.0 client credentials (${backend})`, () => {
    let server: TestServer;
    let started: Date;
    let dirId: string;
    let clientId: string;
    let clientSecret: string;
    const token = (init: { body?: string; headers?: Record<string, string> }) => server.raw('POST', `${server.origin}/oauth/token`, init);
    const basicToken = (id = clientId, secret = clientSecret, body = 'grant_type=client_credentials') =>
      token({ headers: { ...FORM, authorization: basic(id, secret) }, body });

    before(async () => {
      server = await startTestServer(backend);
      started = server.clock.now;
      const dir = await server.createDirectory();
      dirId = dir.id;
      clientSecret = dir.secret;
      clientId = (await firstSecretOf(server, dir.id)).id;
    });
    afterEach(() => {
      server.clock.now = started;
    });
    after(() => server.close());

    it('publishes RFC 8414 metadata pointing at the token endpoint', async () => {
      const metadata = await server.raw('GET', `${server.origin}/.well-known/oauth-authorization-server`);
      assert.equal(metadata.status, 200);
      assert.equal(metadata.body.issuer, server.origin);
      assert.equal(metadata.body.token_endpoint, `${server.origin}/oauth/token`);
      assert.deepEqual(metadata.body.grant_types_supported, ['client_credentials']);
      assert.deepEqual(metadata.body.token_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post']);
      assert.deepEqual(metadata.body.response_types_supported, []);
    });

    it('advertises the OAuth scheme beside the bearer secret in ServiceProviderConfig', async () => {
      const config = await server.raw('GET', '/ServiceProviderConfig');
      const schemes = config.body.authenticationSchemes as { type: string; primary: boolean; description: string }[];
      assert.deepEqual(
        schemes.map((s) => [s.type, s.primary]),
        [
          ['oauthbearertoken', true],
          ['oauth2', false],
        ],
      );
      assert.ok(schemes[1].description.includes(`${server.origin}/oauth/token`), schemes[1].description);
    });

    it('issues a one-hour Bearer access token for HTTP Basic client credentials, not cacheable', async () => {
      const response = await basicToken();
      assert.equal(response.status, 200, response.text);
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.equal(response.headers.get('pragma'), 'no-cache');
      assert.equal(response.body.token_type, 'Bearer');
      assert.equal(response.body.expires_in, 3600);
      assert.equal(response.body.refresh_token, undefined);
      const accessToken: string = response.body.access_token;
      assert.match(accessToken, /^scimd_at_/);
      assert.equal(isWellFormedSecret(accessToken), false, 'an access token never passes for a client secret');
      assert.ok(!accessToken.includes(clientSecret));

      assertStatus(await callWith(server, accessToken, 'POST', '/Users', { userName: 'oauth@example.com' }), 201);
      const found = await callWith(server, accessToken, 'GET', '/Users?filter=userName%20eq%20%22oauth@example.com%22');
      assert.equal(found.body.totalResults, 1);
      // The same directory as the secret itself.
      assert.equal((await callWith(server, clientSecret, 'GET', '/Users?count=0')).body.totalResults, 1);
    });

    it('accepts client_id and client_secret in a form body, and a JSON body', async () => {
      const form = await token({ headers: FORM, body: `grant_type=client_credentials&client_id=${clientId}&client_secret=${clientSecret}` });
      assert.equal(form.status, 200, form.text);
      assertStatus(await callWith(server, form.body.access_token), 200);
      const json = await token({
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
      });
      assert.equal(json.status, 200, json.text);
      assertStatus(await callWith(server, json.body.access_token), 200);
      const jsonBasic = await token({ headers: { 'content-type': 'application/json', authorization: basic(clientId, clientSecret) }, body: '{"grant_type":"client_credentials"}' });
      assert.equal(jsonBasic.status, 200, jsonBasic.text);
    });

    it('refuses an access token once it has expired, while the secret itself still works', async () => {
      const accessToken = (await basicToken()).body.access_token;
      server.clock.now = new Date(started.getTime() + HOUR - 1000);
      assertStatus(await callWith(server, accessToken), 200);
      server.clock.now = new Date(started.getTime() + HOUR);
      const refused = await callWith(server, accessToken);
      assertScimError(refused, 401);
      assert.match(refused.body.detail, /access token has expired/);
      assert.match(refused.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      assertStatus(await callWith(server, clientSecret), 200);
    });

    it('refuses the access tokens of a revoked secret on the very next request', async () => {
      const dir = await server.createDirectory();
      const secret = await firstSecretOf(server, dir.id);
      const issued = await basicToken(secret.id, dir.secret);
      assertStatus(await callWith(server, issued.body.access_token), 200);
      await server.store.revokeSecret(secret.id, server.clock.now.toISOString());
      const refused = await callWith(server, issued.body.access_token);
      assertScimError(refused, 401);
      assert.match(refused.body.detail, /revoked/);
      assertOAuthError(await basicToken(secret.id, dir.secret), 401, 'invalid_client');
      const rejected = await eventsOf(server, dir.id, 'auth.rejected');
      assert.equal(rejected.length, 1, 'the directory learns its client still uses a revoked secret (once an hour)');
      assert.equal(rejected[0].data.via, 'access_token');
    });

    it('refuses the access tokens of a secret that has expired, and never issues one that outlives its secret', async () => {
      const { record, secret } = await newSecret(server, dirId, 'short-lived', 30 * 60_000);
      const issued = await basicToken(record.id, secret);
      assert.equal(issued.status, 200, issued.text);
      assert.equal(issued.body.expires_in, 30 * 60);
      assertStatus(await callWith(server, issued.body.access_token), 200);
      server.clock.now = new Date(Date.parse(record.expiresAt!) + 1000);
      assertScimError(await callWith(server, issued.body.access_token), 401);
      const refused = await basicToken(record.id, secret);
      assertOAuthError(refused, 401, 'invalid_client');
      assert.match(refused.body.error_description, /expired/);
    });

    it('refuses a token whose payload or signature was changed', async () => {
      const accessToken: string = (await basicToken()).body.access_token;
      const [payload, signature] = accessToken.slice('scimd_at_'.length).split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const longer = Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 86_400 })).toString('base64url');
      assertScimError(await callWith(server, `scimd_at_${longer}.${signature}`), 401);
      assertScimError(await callWith(server, `scimd_at_${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`), 401);
    });

    it('has tokens every replica on the database accepts', async () => {
      const replica = await startReplica(server);
      try {
        const accessToken = (await basicToken()).body.access_token;
        const response = await fetch(`${replica.baseUrl}/Users`, { headers: { authorization: `Bearer ${accessToken}` } });
        assert.equal(response.status, 200);
      } finally {
        await replica.close();
      }
    });

    it('counts a token request as the first use of a newly rotated secret', async () => {
      const dir = await server.createDirectory();
      assertStatus(await dir.request('GET', '/Users'), 200);
      server.clock.now = new Date(started.getTime() + 60_000);
      const { record, secret } = await newSecret(server, dir.id, 'gallery app');
      assert.equal((await basicToken(record.id, secret)).status, 200);
      const firstUses = await eventsOf(server, dir.id, 'secret.first_used');
      assert.deepEqual(
        firstUses.map((e) => [e.subject.id, e.data.rotation]),
        [
          [(await firstSecretOf(server, dir.id)).id, false],
          [record.id, true],
        ],
      );
    });

    it('lasts as long as the server is configured (1 to 6 hours)', async () => {
      const other = await startTestServer(backend, { accessTokenLifetimeSeconds: 6 * 3600 });
      try {
        const dir = await other.createDirectory();
        const id = (await other.store.listSecrets(dir.id))[0].id;
        const response = await other.raw('POST', `${other.origin}/oauth/token`, { headers: { ...FORM, authorization: basic(id, dir.secret) }, body: 'grant_type=client_credentials' });
        assert.equal(response.body.expires_in, 6 * 3600);
        other.clock.now = new Date(other.clock.now.getTime() + 6 * 3600_000 - 1000);
        assert.equal((await other.raw('GET', '/Users', { headers: { authorization: `Bearer ${response.body.access_token}` } })).status, 200);
      } finally {
        await other.close();
      }
    });

    describe('errors (RFC 6749 §5.2)', () => {
      it('invalid_request: no grant_type', async () => {
        assertOAuthError(await basicToken(clientId, clientSecret, ''), 400, 'invalid_request');
        assertOAuthError(await token({ headers: { authorization: basic(clientId, clientSecret) } }), 400, 'invalid_request');
      });

      it('unsupported_grant_type: anything but client_credentials', async () => {
        assertOAuthError(await basicToken(clientId, clientSecret, 'grant_type=password&username=a&password=b'), 400, 'unsupported_grant_type');
        assertOAuthError(await basicToken(clientId, clientSecret, 'grant_type=refresh_token&refresh_token=x'), 400, 'unsupported_grant_type');
      });

      it('invalid_client with 401 and a Basic challenge: no client authentication', async () => {
        assertOAuthError(await token({ headers: FORM, body: 'grant_type=client_credentials' }), 401, 'invalid_client');
        assertOAuthError(await token({ headers: FORM, body: `grant_type=client_credentials&client_id=${clientId}` }), 401, 'invalid_client');
      });

      it('invalid_client: a wrong secret, an unknown client id, or another secret\'s id', async () => {
        const other = await createSecret(server.store, { directoryId: dirId, scope: 'scim', name: 'other', lifetimeMs: DAY, now: server.clock.now });
        const wrong = withLastCharacterChanged(clientSecret);
        assertOAuthError(await basicToken(clientId, wrong), 401, 'invalid_client');
        assertOAuthError(await basicToken('sec_doesnotexist1', clientSecret), 401, 'invalid_client');
        assertOAuthError(await basicToken(other.record.id, clientSecret), 401, 'invalid_client');
        assertOAuthError(await token({ headers: FORM, body: `grant_type=client_credentials&client_id=${other.record.id}&client_secret=${clientSecret}` }), 401, 'invalid_client');
      });

      it('invalid_client: a malformed Basic header or another scheme', async () => {
        assertOAuthError(await token({ headers: { ...FORM, authorization: 'Basic !!!' }, body: 'grant_type=client_credentials' }), 401, 'invalid_client');
        assertOAuthError(await token({ headers: { ...FORM, authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` }, body: 'grant_type=client_credentials' }), 401, 'invalid_client');
        assertOAuthError(await token({ headers: { ...FORM, authorization: `Bearer ${clientSecret}` }, body: 'grant_type=client_credentials' }), 401, 'invalid_client');
      });

      it('invalid_request: two authentication methods, or a repeated parameter', async () => {
        assertOAuthError(await basicToken(clientId, clientSecret, `grant_type=client_credentials&client_secret=${clientSecret}`), 400, 'invalid_request');
        assertOAuthError(await basicToken(clientId, clientSecret, 'grant_type=client_credentials&grant_type=client_credentials'), 400, 'invalid_request');
      });

      it('invalid_request: a body that is neither a form nor a JSON object', async () => {
        assertOAuthError(await token({ headers: { 'content-type': 'text/plain', authorization: basic(clientId, clientSecret) }, body: 'grant_type=client_credentials' }), 400, 'invalid_request');
        assertOAuthError(await token({ headers: { 'content-type': 'application/json', authorization: basic(clientId, clientSecret) }, body: '{"grant_type":' }), 400, 'invalid_request');
        assertOAuthError(await token({ headers: { 'content-type': 'application/json', authorization: basic(clientId, clientSecret) }, body: '["client_credentials"]' }), 400, 'invalid_request');
        assertOAuthError(await token({ headers: { 'content-type': 'application/json', authorization: basic(clientId, clientSecret) }, body: '{"grant_type":7}' }), 400, 'invalid_request');
      });

      it('unauthorized_client: an admin secret cannot obtain a SCIM token', async () => {
        const admin = await createSecret(server.store, { directoryId: null, scope: 'admin', name: 'admin', lifetimeMs: DAY, now: server.clock.now });
        assertOAuthError(await basicToken(admin.record.id, admin.secret), 400, 'unauthorized_client');
      });

      it('invalid_request with 405: a method other than POST', async () => {
        const response = await server.raw('GET', `${server.origin}/oauth/token`);
        assertOAuthError(response, 405, 'invalid_request');
        assert.equal(response.headers.get('allow'), 'POST');
      });

      it('answers every error without a 500 and never echoes the secret', async () => {
        const responses = await Promise.all([
          basicToken(clientId, `${clientSecret}x`),
          token({ headers: { ...FORM, authorization: basic(clientId, clientSecret) }, body: '%%%' }),
          token({ headers: { 'content-type': 'application/json', authorization: basic(clientId, clientSecret) }, body: '{"grant_type":"client_credentials","client_id":"\\u0000"}' }),
          token({ headers: { ...FORM, authorization: basic(clientId, clientSecret) }, body: 'grant_type=client_credentials&' + 'x='.padEnd(2_000_000, 'y') }),
        ]);
        for (const response of responses) {
          assert.ok(response.status >= 400 && response.status < 500, `${response.status} ${response.text.slice(0, 200)}`);
          assert.ok(!response.text.includes(clientSecret));
        }
      });
    });
  });
}
