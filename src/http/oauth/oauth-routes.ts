import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccessTokenCodec } from '../../auth/access-token.js';
import { ScimError } from '../../scim/errors.js';
import type { ClientAuthenticator } from '../client-auth.js';
import { bodyTooLargeDetail } from '../body-limit-detail.js';
import { invalidClient, invalidRequest, OAuthError } from './oauth-error.js';
import { formParameters, GRANT_TYPE, jsonParameters, parseTokenRequest, type TokenParameters } from './token-request.js';

export const OAUTH_TOKEN_PATH = '/oauth/token';
export const OAUTH_METADATA_PATH = '/.well-known/oauth-authorization-server';
/** The one scope scimd issues: the SCIM API of the secret's directory. */
const SCOPE = 'scim';

export interface OAuthOptions {
  authenticator: ClientAuthenticator;
  tokens: AccessTokenCodec;
  /** Access token lifetime in seconds; a token never outlives its secret. */
  lifetimeSeconds: number;
  /** The issuer: the server's public origin, never a request header (the metadata is cached publicly). */
  origin: () => string;
}

/** A form body, kept apart from JSON bodies so repeated form parameters can be refused. */
class FormBody {
  constructor(readonly params: TokenParameters) {}
}

/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4), which Entra's gallery requires: a directory
 * secret's id and value buy a short-lived bearer access token for the SCIM API. Plus the RFC 8414
 * metadata document that points clients at the token endpoint. Errors are RFC 6749 §5.2 JSON.
 */
export async function oauthRoutes(app: FastifyInstance, options: OAuthOptions): Promise<void> {
  const { authenticator, tokens, lifetimeSeconds, origin } = options;
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, new FormBody(formParameters(body as string)));
  });
  app.setErrorHandler((error: Error, request, reply) => sendOAuthError(reply, toOAuthError(error, request)));

  app.get(OAUTH_METADATA_PATH, async (_request, reply) => {
    return reply.header('cache-control', 'public, max-age=3600').send({
      issuer: origin(),
      token_endpoint: `${origin()}${OAUTH_TOKEN_PATH}`,
      grant_types_supported: [GRANT_TYPE],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      // No authorization endpoint: client credentials need none, so no response types either.
      response_types_supported: [],
      scopes_supported: [SCOPE],
    });
  });

  app.post(OAUTH_TOKEN_PATH, async (request, reply) => {
    const params = request.body instanceof FormBody ? request.body.params : jsonParameters(request.body);
    const token = parseTokenRequest(request.headers.authorization, params);
    const result = await authenticator.client(token.clientId, token.clientSecret, request);
    if (!result.ok) {
      if (result.retryAfter !== undefined) {
        throw new OAuthError(429, 'invalid_client', `Too many failed client authentications from this address; retry in ${result.retryAfter} seconds`, {
          'retry-after': String(result.retryAfter),
        });
      }
      throw invalidClient(clientRefusal(result.reason, result.secret?.expiresAt ?? null));
    }
    const { secret, client } = result;
    if (secret.scope !== 'scim' || !secret.directoryId) {
      throw new OAuthError(400, 'unauthorized_client', 'Admin secrets cannot obtain SCIM access tokens; use a directory client secret');
    }
    await authenticator.accepted(secret, client, request);
    const secretLeft = secret.expiresAt === null ? Infinity : Math.floor((Date.parse(secret.expiresAt) - client.at.getTime()) / 1000);
    const expiresIn = Math.max(1, Math.min(lifetimeSeconds, secretLeft));
    const issued = tokens.issue(secret.id, client.at, expiresIn);
    return noStore(reply).send({ access_token: issued.token, token_type: 'Bearer', expires_in: expiresIn, scope: SCOPE });
  });

  app.route({
    method: ['GET', 'PUT', 'PATCH', 'DELETE'],
    url: OAUTH_TOKEN_PATH,
    handler: async (_request, reply) => {
      reply.header('allow', 'POST');
      throw new OAuthError(405, 'invalid_request', 'The token endpoint accepts POST only');
    },
  });
}

function clientRefusal(reason: string, expiresAt: string | null): string {
  switch (reason) {
    case 'expired':
      return `The client secret expired on ${expiresAt}; create a new one and update the identity provider`;
    case 'revoked':
      return 'The client secret has been revoked';
    default:
      return 'Client authentication failed: no active client secret with this client_id and client_secret';
  }
}

/** RFC 6749 §5.1: token responses, errors included, must not be cached. */
function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
}

function sendOAuthError(reply: FastifyReply, error: OAuthError): FastifyReply {
  noStore(reply).code(error.status).headers(error.headers);
  if (error.status === 503) reply.header('retry-after', '5');
  return reply.type('application/json; charset=utf-8').send(error.toBody());
}

/** Every failure as an RFC 6749 error: body problems are invalid_request, an unreachable database 503. */
function toOAuthError(error: Error, request: FastifyRequest): OAuthError {
  if (error instanceof OAuthError) return error;
  if (error instanceof ScimError) {
    if (error.status === 503) return new OAuthError(503, 'temporarily_unavailable', 'The database is not reachable; retry shortly');
    if (error.status < 500) return invalidRequest(error.detail);
  }
  const fastify = error as FastifyError;
  switch (fastify.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new OAuthError(413, 'invalid_request', bodyTooLargeDetail(request));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return invalidRequest('Send the parameters as application/x-www-form-urlencoded (or a JSON object)');
  }
  // Parser messages quote the body, which may hold the client secret: none is echoed.
  if (error instanceof SyntaxError || fastify.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fastify.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return invalidRequest('The body is not valid JSON');
  }
  if (fastify.statusCode && fastify.statusCode >= 400 && fastify.statusCode < 500) return invalidRequest('The request body could not be read');
  request.log.error({ err: error }, 'token request failed');
  return new OAuthError(500, 'server_error', 'The server failed to process the token request');
}
