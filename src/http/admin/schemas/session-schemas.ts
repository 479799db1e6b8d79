import { objectBody, ok, problem, ref, type RouteSchema, routeSchemas } from '../route-schema.js';

const session = [{ consoleSession: [] }];
const directorySecret = [{ directorySecret: [] }];
const noDirectorySecret = { '401': problem('No valid directory client secret.') };

/** Console sign-in (session-routes.ts), self-rotation (self-routes.ts) and this document. */
export const SESSION_SCHEMAS = routeSchemas({
  signIn: {
    summary: 'Console sign-in: exchange an admin secret for a session cookie',
    description:
      'Sets `scimd_session` (HttpOnly, SameSite=Strict, Path=/, Secure over TLS). The cookie then authenticates every admin route in place of the bearer ' +
      'secret; unsafe methods must also send the `X-Scimd-Csrf` header with `csrfToken`, and are refused from another Origin. A session ends after 30 idle ' +
      'minutes, 12 hours after sign-in, on sign-out, or when its admin secret is revoked.',
    security: [],
    body: objectBody({ secret: { type: 'string' } }, ['secret']),
    responses: {
      '201': ok('The session; the cookie is in Set-Cookie', ref('Session')),
      '400': problem('The body is malformed (`invalid-input`).'),
      '401': problem('The secret is unknown, expired, revoked, or not an admin secret.'),
      '429': problem('Too many failed authentications from this address; see Retry-After.'),
    },
  },
  get: {
    summary: 'The current console session, with its CSRF token',
    security: session,
    responses: { '200': ok('The session', ref('Session')), '401': problem('Not signed in, or the session has ended.') },
  },
  signOut: {
    summary: 'Sign out: the session cookie stops working everywhere',
    security: session,
    responses: { '204': { description: 'Signed out; the cookie is cleared' }, '401': problem('Not signed in.'), '403': problem('No or a wrong `X-Scimd-Csrf` header, or another Origin.') },
  },
});

export const SELF_SCHEMAS = routeSchemas({
  rotate: {
    summary: "Rotate: a directory's client asks for a successor to the secret it calls with",
    description: "Authenticated by a current directory client secret itself (an OAuth access token is refused). The successor has the directory's default lifetime.",
    security: directorySecret,
    body: objectBody({ name: { type: 'string' } }, [], { optional: true }),
    responses: {
      '201': ok('The successor, shown once', ref('CreatedSecret')),
      '400': problem('The body is malformed (`invalid-input`).'),
      ...noDirectorySecret,
      '403': problem('The directory does not allow self-rotation (`self-rotation-disabled`), an access token was sent instead of the client secret (`client-secret-required`), or an admin secret was sent.'),
      '409': problem('At the active-secret limit and the caller is not the only active secret (`active-secret-limit`).'),
    },
  },
  get: {
    summary: 'The secret the request is made with: its expiry and use (how a client learns when to rotate)',
    security: directorySecret,
    responses: { '200': ok('The secret, without its value', ref('Secret')), ...noDirectorySecret },
  },
  retire: {
    summary: 'Retire the secret the request is made with, once its successor has carried a request',
    security: directorySecret,
    responses: {
      '200': ok('The revoked secret', ref('Secret')),
      ...noDirectorySecret,
      '403': problem('An access token was sent instead of the client secret itself (`client-secret-required`).'),
      '409': problem('No other active secret has been used yet (`successor-not-used`).'),
    },
  },
});

export const OPENAPI_SCHEMA: RouteSchema = { summary: 'This document', security: [], responses: { '200': { description: 'The OpenAPI 3.1 document' } } };
