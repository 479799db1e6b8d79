import { invalidClient, invalidRequest, OAuthError } from './oauth-error.js';

/** Form or JSON parameters of a token request, every value as sent (a repeated parameter has several). */
export type TokenParameters = Record<string, string[]>;

/** A well-formed client credentials request, not yet authenticated. */
export interface TokenRequest {
  clientId: string;
  clientSecret: string;
  /** Which §2.3.1 method the client used. */
  method: 'client_secret_basic' | 'client_secret_post';
  scope?: string;
}

export const GRANT_TYPE = 'client_credentials';

/**
 * Checks a token request's shape (RFC 6749 §4.4.2, §2.3.1, §3.2) before any database read:
 * parameters at most once, one client authentication method, grant type `client_credentials`.
 * Throws an OAuthError for the first problem found.
 */
export function parseTokenRequest(authorization: string | undefined, params: TokenParameters): TokenRequest {
  const repeated = Object.entries(params).find(([, values]) => values.length > 1);
  if (repeated) throw invalidRequest(`The parameter ${JSON.stringify(repeated[0])} is repeated; send each parameter once`);
  const param = (name: string) => params[name]?.[0];

  const basic = authorization === undefined ? undefined : parseBasic(authorization);
  const bodyId = param('client_id');
  const bodySecret = param('client_secret');
  if (basic && bodySecret !== undefined) throw invalidRequest('Authenticate the client one way: HTTP Basic or client_secret in the body, not both');
  if (basic && bodyId !== undefined && bodyId !== basic.clientId) throw invalidRequest('client_id in the body differs from the one in the Authorization header');

  const grantType = param('grant_type');
  if (grantType === undefined || grantType === '') throw invalidRequest('grant_type is required; scimd issues tokens for grant_type=client_credentials');
  if (grantType !== GRANT_TYPE) throw new OAuthError(400, 'unsupported_grant_type', `grant_type ${JSON.stringify(grantType)} is not supported; use client_credentials`);

  const scope = param('scope');
  const scoped = scope === undefined ? {} : { scope };
  if (basic) return { ...basic, method: 'client_secret_basic', ...scoped };
  if (bodyId === undefined || bodySecret === undefined || bodyId === '' || bodySecret === '') {
    throw invalidClient('Client authentication is required: HTTP Basic with the secret id as user name and the secret as password, or client_id and client_secret in the body');
  }
  return { clientId: bodyId, clientSecret: bodySecret, method: 'client_secret_post', ...scoped };
}

/** `Authorization: Basic base64(urlencode(id):urlencode(secret))`, per RFC 6749 §2.3.1. */
function parseBasic(header: string): { clientId: string; clientSecret: string } {
  const match = /^Basic\s+([A-Za-z0-9+/=._~-]+)\s*$/i.exec(header);
  if (!match) throw invalidClient('The token endpoint accepts HTTP Basic client authentication only (or client_id and client_secret in the body)');
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw invalidClient('The Basic credentials must be "client_id:client_secret"');
  try {
    const clientId = formDecode(decoded.slice(0, colon));
    const clientSecret = formDecode(decoded.slice(colon + 1));
    if (!clientId || !clientSecret) throw invalidClient('The Basic credentials must name a client id and a client secret');
    return { clientId, clientSecret };
  } catch (error) {
    if (error instanceof OAuthError) throw error;
    throw invalidClient('The Basic credentials are not validly percent-encoded');
  }
}

function formDecode(text: string): string {
  return decodeURIComponent(text.replace(/\+/g, ' '));
}

/** Parameters from an `application/x-www-form-urlencoded` body, keeping repeats. */
export function formParameters(body: string): TokenParameters {
  const params: TokenParameters = Object.create(null);
  for (const [key, value] of new URLSearchParams(body)) (params[key] ??= []).push(value);
  return params;
}

/** Parameters from a JSON object body: string values only (numbers and the like are a client mistake). */
export function jsonParameters(body: unknown): TokenParameters {
  if (body === undefined || body === null) return Object.create(null);
  if (typeof body !== 'object' || Array.isArray(body)) throw invalidRequest('The body must be a JSON object of string parameters (or a form)');
  const params: TokenParameters = Object.create(null);
  for (const [key, value] of Object.entries(body)) {
    if (typeof value !== 'string') throw invalidRequest(`The parameter ${JSON.stringify(key)} must be a string`);
    params[key] = [value];
  }
  return params;
}
