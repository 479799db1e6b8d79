import { DIRECTORY_PARAM, listOf, objectBody, ok, pathParams, problem, queryParams, ref, routeSchemas, SECRET_PARAM } from '../route-schema.js';

const directory = pathParams({ directory: DIRECTORY_PARAM });
const notFound = { '404': problem('No such directory or secret (`not-found`).') };
const force = queryParams({ force: { type: 'boolean', default: false, description: 'Revoke even the last active secret, which stops every client that uses it.' } });
const secretBody = objectBody(
  {
    name: { type: 'string', maxLength: 200, description: 'A label to recognise the secret by.' },
    expiresIn: { type: 'string', examples: ['90d', '1y', '12h', 'never'], description: "Lifetime; absent takes the directory's default (admin secrets: the server's)." },
  },
  [],
  { optional: true },
);

/** Directory client secrets and admin secrets (secret-routes.ts). */
export const SECRET_SCHEMAS = routeSchemas({
  list: { summary: "A directory's client secrets", params: directory, responses: { '200': ok('The secrets', listOf('secrets', 'Secret')), ...notFound } },
  create: {
    summary: 'Create a client secret ("+ Client Secret"); the secret is in this response only',
    params: directory,
    body: secretBody,
    responses: {
      '201': ok('The secret, shown once', ref('CreatedSecret')),
      '409': problem('The directory holds as many active secrets as it allows (`active-secret-limit`).'),
      ...notFound,
    },
  },
  revoke: {
    summary: 'Revoke a client secret: requests with it are refused from the next one on',
    params: pathParams({ directory: DIRECTORY_PARAM, secret: SECRET_PARAM }),
    querystring: force,
    responses: {
      '200': ok('The revoked secret', ref('Secret')),
      '409': problem('Already revoked (`already-revoked`), or the last active secret without `force` (`last-active-secret`).'),
      ...notFound,
    },
  },
  get: { summary: 'A client secret by id', params: pathParams({ secret: SECRET_PARAM }), responses: { '200': ok('The secret', ref('Secret')), ...notFound } },
  listAdmin: { summary: 'Admin secrets', responses: { '200': ok('The admin secrets', listOf('secrets', 'Secret')) } },
  createAdmin: { summary: 'Create an admin secret; the secret is in this response only', body: secretBody, responses: { '201': ok('The secret, shown once', ref('CreatedSecret')) } },
  revokeAdmin: {
    summary: 'Revoke an admin secret',
    params: pathParams({ secret: SECRET_PARAM }),
    querystring: force,
    responses: { '200': ok('The revoked secret', ref('Secret')), '409': problem('Already revoked, or the last active admin secret without `force`.'), ...notFound },
  },
});
