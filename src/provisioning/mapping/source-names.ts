import { ExpressionError } from '../expressions/expression-error.js';
import { closestName } from '../expressions/closest-name.js';
import { coreAttributes, type ResourceModel } from '../../scim/schema/resource-models.js';
import { ENTERPRISE_USER_SCHEMA } from '../../scim/schema/urns.js';
import type { SourceSchema } from '../sources/source.js';
import { compileExpression } from '../expressions/compile-expression.js';
import type { CompiledMapping } from './compile-mappings.js';
import type { AttributeMapping } from './mapping.js';

/** Names the engine gives every source user itself (see desired-state.ts). */
const COMPUTED = ['IsSoftDeleted'];
/** Keys of a SCIM resource that a SCIM source does not pass on as attributes (scim-json.ts). */
const NOT_ATTRIBUTES = new Set(['id', 'meta', 'schemas', 'groups', 'members', 'password']);

/**
 * The attribute names a SCIM resource of a model flattens to (scim-json.ts): simple and
 * multi-valued attributes by name (`emails`), sub-attributes of single complex ones
 * (`name.givenName`), extension attributes with their URN (`urn:…:User:department`).
 */
export function scimSourceNames(model: ResourceModel): string[] {
  const names: string[] = [];
  for (const def of coreAttributes(model)) {
    if (NOT_ATTRIBUTES.has(def.name.toLowerCase())) continue;
    if (def.type === 'complex' && !def.multiValued) names.push(...(def.subAttributes ?? []).map((sub) => `${def.name}.${sub.name}`));
    else names.push(def.name);
  }
  for (const extension of model.extensions) {
    for (const def of extension.attributes) names.push(`${extension.id}:${def.name}`);
  }
  if (model.extensions.some((e) => e.id === ENTERPRISE_USER_SCHEMA)) names.push(`${ENTERPRISE_USER_SCHEMA}:manager`);
  return [...new Set(names)];
}

/** The source attributes a list of mappings reads (for default mappings that name several flavours of a source). */
export function namesReadBy(mappings: AttributeMapping[]): string[] {
  return [...new Set(mappings.flatMap((m) => (m.source !== undefined ? [m.source] : m.expression !== undefined ? compileExpression(m.expression).attributes : [])))];
}

/**
 * Checks that every source attribute the mappings read is one the source has (compared without
 * case, as values are looked up). A mistake names the mapping's attribute, suggests the closest
 * known name and, inside an expression, points at the character where the name starts.
 */
export function checkSourceNames(mapping: CompiledMapping, schema: SourceSchema): void {
  const known = new Set([...schema.names, ...COMPUTED].map((n) => n.toLowerCase()));
  const unknown = (name: string) => !known.has(name.toLowerCase());
  const hint = (name: string, quote: (n: string) => string) => {
    const suggestion = suggestSourceName(name, [...schema.names, ...COMPUTED]);
    return `${suggestion ? `did you mean ${quote(suggestion)}? ` : ''}checked against ${schema.from}`;
  };
  if (mapping.kind === 'direct' && unknown(mapping.spec.source!)) {
    const source = mapping.spec.source!;
    throw new Error(`the source has no attribute ${JSON.stringify(source)} (${hint(source, (n) => JSON.stringify(n))})`);
  }
  const reference = mapping.expression?.references.find((r) => unknown(r.name));
  if (reference) {
    throw new ExpressionError(`The source has no attribute [${reference.name}] (${hint(reference.name, (n) => `[${n}]`)})`, reference.at, mapping.expression!.text);
  }
}

/** The closest known name; for a short name such as `department`, the URN-qualified one that ends with it. */
function suggestSourceName(name: string, names: string[]): string | undefined {
  const suffix = `:${name.toLowerCase()}`;
  return names.find((n) => n.toLowerCase().endsWith(suffix)) ?? closestName(name, names);
}
