import type { FastifySchema } from 'fastify';

/** A JSON Schema (draft 2020-12 as OpenAPI 3.1 reads it), kept loose: Ajv checks the keywords. */
export type JsonSchema = Record<string, unknown>;

/** An object schema for path or query parameters: each property becomes one OpenAPI parameter. */
export interface ParameterSchema {
  type: 'object';
  properties: Record<string, JsonSchema>;
  required?: readonly string[];
  additionalProperties?: boolean;
}

/** One documented answer of a route. */
export interface ResponseDoc {
  description: string;
  content?: Record<string, { schema: JsonSchema }>;
}

/**
 * What an admin route declares once: Fastify validates `params`, `querystring` and `body` with
 * it, and openapi-builder.ts writes the OpenAPI operation from the same object. `responses` is
 * documentation only; it is not Fastify's `response`, which would re-serialize (and trim) answers.
 */
export interface RouteSchema extends FastifySchema {
  summary: string;
  description?: string;
  /** Who may call; absent: an admin secret or the console session, with the usual refusals added. */
  security?: Record<string, string[]>[];
  params?: ParameterSchema;
  querystring?: ParameterSchema;
  /** An object schema; a type of ['object', 'null'] makes the body optional. */
  body?: JsonSchema;
  responses: Record<string, ResponseDoc>;
}

/** Route schemas by name, each typed as a RouteSchema (so Fastify takes it as the route's schema). */
export const routeSchemas = <K extends string>(schemas: Record<K, RouteSchema>): Record<K, RouteSchema> => schemas;

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
export const json = (schema: JsonSchema) => ({ 'application/json': { schema } });
export const ok = (description: string, schema: JsonSchema): ResponseDoc => ({ description, content: json(schema) });
export const problem = (description: string): ResponseDoc => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });
export const nullable = (type: string, extra: JsonSchema = {}): JsonSchema => ({ type: [type, 'null'], ...extra });
export const listOf = (key: string, item: string): JsonSchema => ({ type: 'object', required: [key], properties: { [key]: { type: 'array', items: ref(item) } } });
export const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
export const nullableDateTime: JsonSchema = nullable('string', { format: 'date-time' });

/** Path parameters, all required. */
export function pathParams(properties: Record<string, JsonSchema>): ParameterSchema {
  return { type: 'object', properties, required: Object.keys(properties) };
}

/** Query parameters; none required unless named. */
export function queryParams(properties: Record<string, JsonSchema>, required: string[] = []): ParameterSchema {
  return { type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties: true };
}

/** A JSON object body with only the named fields (a misspelt field is refused, not ignored). */
export function objectBody(properties: Record<string, JsonSchema>, required: string[] = [], options: { optional?: boolean } = {}): JsonSchema {
  return { type: options.optional ? ['object', 'null'] : 'object', additionalProperties: false, properties, ...(required.length ? { required } : {}) };
}

export const DIRECTORY_PARAM: JsonSchema = { type: 'string', description: 'The directory id (`dir_…`) or name.' };
export const SECRET_PARAM: JsonSchema = { type: 'string', description: 'The secret id (`sec_…`).' };
