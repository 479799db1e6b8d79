import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OAuthError } from './oauth-error.js';
import { formParameters, jsonParameters, parseTokenRequest } from './token-request.js';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const form = (text: string) => formParameters(text);

function refuses(run: () => unknown, status: number, code: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof OAuthError, String(error));
    assert.equal(error.code, code);
    assert.equal(error.status, status);
    if (code === 'invalid_client') assert.match(error.headers['www-authenticate'], /^Basic /);
    return true;
  });
}

describe('token request parsing', () => {
  it('reads HTTP Basic client authentication', () => {
    assert.deepEqual(parseTokenRequest(basic('sec_1', 'scimd_x'), form('grant_type=client_credentials')), {
      clientId: 'sec_1',
      clientSecret: 'scimd_x',
      method: 'client_secret_basic',
    });
  });

  it('form-decodes the Basic user name and password (RFC 6749 §2.3.1)', () => {
    assert.deepEqual(parseTokenRequest(basic('sec%5F1', 'a+b%3Ac'), form('grant_type=client_credentials')), {
      clientId: 'sec_1',
      clientSecret: 'a b:c',
      method: 'client_secret_basic',
    });
  });

  it('reads client_id and client_secret from the body, and the scope when given', () => {
    assert.deepEqual(parseTokenRequest(undefined, form('grant_type=client_credentials&client_id=sec_1&client_secret=scimd_x&scope=scim')), {
      clientId: 'sec_1',
      clientSecret: 'scimd_x',
      method: 'client_secret_post',
      scope: 'scim',
    });
    assert.equal(parseTokenRequest(undefined, jsonParameters({ grant_type: 'client_credentials', client_id: 'sec_1', client_secret: 's' })).method, 'client_secret_post');
  });

  it('accepts client_id in the body beside Basic when it is the same client', () => {
    assert.equal(parseTokenRequest(basic('sec_1', 's'), form('grant_type=client_credentials&client_id=sec_1')).method, 'client_secret_basic');
  });

  it('refuses a repeated parameter with invalid_request', () => {
    refuses(() => parseTokenRequest(basic('sec_1', 's'), form('grant_type=client_credentials&grant_type=client_credentials')), 400, 'invalid_request');
  });

  it('refuses two client authentication methods with invalid_request', () => {
    refuses(() => parseTokenRequest(basic('sec_1', 's'), form('grant_type=client_credentials&client_secret=s')), 400, 'invalid_request');
    refuses(() => parseTokenRequest(basic('sec_1', 's'), form('grant_type=client_credentials&client_id=sec_2')), 400, 'invalid_request');
  });

  it('refuses a missing grant_type with invalid_request and another grant with unsupported_grant_type', () => {
    refuses(() => parseTokenRequest(basic('sec_1', 's'), form('')), 400, 'invalid_request');
    refuses(() => parseTokenRequest(basic('sec_1', 's'), form('grant_type=password&username=a&password=b')), 400, 'unsupported_grant_type');
    refuses(() => parseTokenRequest(basic('sec_1', 's'), form('grant_type=authorization_code&code=x')), 400, 'unsupported_grant_type');
  });

  it('refuses missing or unusable client authentication with 401 invalid_client and a Basic challenge', () => {
    refuses(() => parseTokenRequest(undefined, form('grant_type=client_credentials')), 401, 'invalid_client');
    refuses(() => parseTokenRequest(undefined, form('grant_type=client_credentials&client_id=sec_1')), 401, 'invalid_client');
    refuses(() => parseTokenRequest(undefined, form('grant_type=client_credentials&client_id=&client_secret=')), 401, 'invalid_client');
    refuses(() => parseTokenRequest('Bearer scimd_x', form('grant_type=client_credentials')), 401, 'invalid_client');
    refuses(() => parseTokenRequest('Basic', form('grant_type=client_credentials')), 401, 'invalid_client');
    refuses(() => parseTokenRequest(`Basic ${Buffer.from('no-colon').toString('base64')}`, form('grant_type=client_credentials')), 401, 'invalid_client');
    refuses(() => parseTokenRequest(basic('sec_1', ''), form('grant_type=client_credentials')), 401, 'invalid_client');
    refuses(() => parseTokenRequest(basic('sec_1', '%E0%A4%A'), form('grant_type=client_credentials')), 401, 'invalid_client');
  });

  it('refuses JSON bodies that are not objects of strings', () => {
    refuses(() => jsonParameters([]), 400, 'invalid_request');
    refuses(() => jsonParameters('grant_type=client_credentials'), 400, 'invalid_request');
    refuses(() => jsonParameters({ grant_type: 1 }), 400, 'invalid_request');
    assert.deepEqual({ ...jsonParameters(undefined) }, {});
  });

  it('keeps parameter names that shadow Object.prototype as plain parameters', () => {
    const params = form('grant_type=client_credentials&constructor=x&__proto__=y');
    assert.deepEqual(params.constructor, ['x']);
    assert.equal(parseTokenRequest(basic('sec_1', 's'), params).clientId, 'sec_1');
  });
});
