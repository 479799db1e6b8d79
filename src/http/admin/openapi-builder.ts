import type { FastifyInstance } from 'fastify';
import { problem, type JsonSchema, type ParameterSchema, type ResponseDoc, type RouteSchema } from './route-schema.js';

/** A registered admin route with the schema it validates with. */
export interface DescribedRoute {
  method: string;
  /** The path as Fastify has it, prefix included (`/api/v1/directories/:directory`). */
  url: string;
  schema: RouteSchema;
}

/** The refusals every route behind an admin secret may answer, added to each such operation. */
const ADMIN_ERRORS: Record<string, ResponseDoc> = {
  '400': problem('The request is malformed: unknown field, wrong type, bad value (`invalid-input`).'),
  '401': problem('No admin secret, or one that is unknown, expired or revoked.'),
  '403': problem('A directory client secret was sent; admin routes need an admin secret.'),
  '429': problem('Too many failed authentications from this address; see Retry-After.'),
};

/**
 * Keeps every route registered from here on (child plugins included) with its schema. A route
 * without one is refused at start-up: the document could not describe it.
 */
export function collectRoutes(app: FastifyInstance): DescribedRoute[] {
  const routes: DescribedRoute[] = [];
  app.addHook('onRoute', (route) => {
    const schema = route.schema as RouteSchema | undefined;
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      if (!schema?.summary) throw new Error(`The admin route ${method} ${route.url} has no RouteSchema: every admin route is described`);
      routes.push({ method, url: route.url, schema });
    }
  });
  return routes;
}

/** The OpenAPI 3.1 document of the routes, their paths relative to `prefix` (the document's server URL). */
export function openApiDocument(routes: readonly DescribedRoute[], prefix: string, base: { info: object; components: { securitySchemes: object; schemas: Record<string, JsonSchema> } }): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const { method, url, schema } of routes) {
    const path = url.slice(prefix.length).replace(/:(\w+)/g, '{$1}') || '/';
    (paths[path] ??= {})[method.toLowerCase()] = operation(schema);
  }
  return { openapi: '3.1.0', info: base.info, servers: [{ url: prefix }], security: [{ adminSecret: [] }], paths, components: base.components };
}

function operation(schema: RouteSchema): object {
  const parameters = [...parametersOf(schema.params, 'path'), ...parametersOf(schema.querystring, 'query')];
  const body = schema.body;
  const optionalBody = body !== undefined && Array.isArray(body.type) && body.type.includes('null');
  return {
    summary: schema.summary,
    ...(schema.description ? { description: schema.description } : {}),
    ...(schema.security ? { security: schema.security } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(body ? { requestBody: { required: !optionalBody, content: { 'application/json': { schema: body } } } } : {}),
    responses: schema.security ? schema.responses : { ...ADMIN_ERRORS, ...schema.responses },
  };
}

function parametersOf(schema: ParameterSchema | undefined, where: 'path' | 'query'): object[] {
  if (!schema) return [];
  return Object.entries(schema.properties).map(([name, { description, ...rest }]) => ({
    name,
    in: where,
    required: where === 'path' || (schema.required ?? []).includes(name),
    ...(description ? { description } : {}),
    schema: rest,
  }));
}
