import { Ajv, type ErrorObject } from 'ajv';
import type { FastifyInstance, FastifySchemaValidationError } from 'fastify';

/**
 * The admin routes' validators, built from their RouteSchema. Bodies are JSON and taken as typed
 * (`"5"` is not a number, an unknown field is refused rather than dropped); path and query
 * parameters are text, so they are converted to the types their schema names.
 */
export function useSchemaValidation(app: FastifyInstance): void {
  const common = { strict: false, allErrors: false, removeAdditional: false, useDefaults: false, verbose: true, validateFormats: false } as const;
  const bodies = new Ajv({ ...common, coerceTypes: false });
  const texts = new Ajv({ ...common, coerceTypes: true });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodies : texts).compile(schema));
}

/** A schema refusal in the words the admin API uses for its own checks: which field, and what it must be. */
export function validationDetail(errors: readonly FastifySchemaValidationError[], context: string | undefined): string {
  const error = errors[0] as ErrorObject & FastifySchemaValidationError;
  const inQuery = context === 'querystring' || context === 'params';
  const path = error.instancePath.split('/').slice(1).join('.');
  const name = (field: string) => (inQuery ? `the ${context === 'params' ? 'path' : 'query'} parameter ${field}` : field || 'the body');
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const allowed = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
      return `Unknown field ${JSON.stringify(params.additionalProperty)}${path ? ` in ${path}` : ''}; this request accepts ${allowed.join(', ') || 'no fields'}`;
    }
    case 'required':
      return `${name(path ? `${path}.${String(params.missingProperty)}` : String(params.missingProperty))} is required`;
    case 'type':
      if (inQuery && Array.isArray(error.data)) return `Give ${name(path)} once`;
      return `${name(path)} must be ${typeWords(params.type)}`;
    case 'enum':
      return `${name(path)} must be one of ${(params.allowedValues as unknown[]).map((v) => String(v)).join(', ')}`;
    default:
      return `${name(path)} ${error.message ?? 'is not valid'}`;
  }
}

function typeWords(type: unknown): string {
  const words: Record<string, string> = { string: 'a string', number: 'a number', integer: 'an integer', boolean: 'true or false', object: 'a JSON object', array: 'a list', null: 'null' };
  return String(type)
    .split(',')
    .map((t) => words[t] ?? t)
    .join(' or ');
}
