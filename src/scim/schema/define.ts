import type { AttributeDef } from './types.js';

type Options = Partial<Omit<AttributeDef, 'name' | 'type'>>;

/** RFC 7643 §2.2 defaults, so schema files only spell out what differs. */
function attribute(name: string, type: AttributeDef['type'], options: Options = {}): AttributeDef {
  return {
    name,
    type,
    multiValued: false,
    description: '',
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...options,
    ...(type === 'complex' ? { subAttributes: options.subAttributes ?? [] } : {}),
  };
}

export const string = (name: string, description: string, options: Options = {}) =>
  attribute(name, 'string', { description, ...options });
export const boolean = (name: string, description: string, options: Options = {}) =>
  attribute(name, 'boolean', { description, ...options });
export const dateTime = (name: string, description: string, options: Options = {}) =>
  attribute(name, 'dateTime', { description, ...options });
export const binary = (name: string, description: string, options: Options = {}) =>
  attribute(name, 'binary', { description, caseExact: true, ...options });
export const reference = (name: string, description: string, referenceTypes: string[], options: Options = {}) =>
  attribute(name, 'reference', { description, referenceTypes, caseExact: true, ...options });
export const complex = (name: string, description: string, subAttributes: AttributeDef[], options: Options = {}) =>
  attribute(name, 'complex', { description, subAttributes, ...options });

/** The sub-attributes shared by the multi-valued attributes of RFC 7643 §2.4. */
export function multiValuedSubAttributes(
  valueDescription: string,
  types: string[],
  value: Options & { type?: AttributeDef['type'] } = {},
): AttributeDef[] {
  const { type = 'string', ...valueOptions } = value;
  return [
    attribute('value', type, { description: valueDescription, ...valueOptions }),
    string('display', 'A human-readable name, primarily used for display purposes.'),
    string('type', 'A label indicating the function of this value.', types.length ? { canonicalValues: types } : {}),
    boolean('primary', 'Whether this value is the preferred one; at most one value may be primary.'),
  ];
}
