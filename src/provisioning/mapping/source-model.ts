import type { ResourceModel } from '../../scim/schema/resource-models.js';
import type { AttributeDef } from '../../scim/schema/types.js';

const NAME = /^[A-Za-z][\w-]*$/;

/**
 * A resource model made from a source's own attribute names, so scoping filters can be SCIM
 * filters over source attributes (`department eq "Sales" and not (jobTitle sw "Intern")`) and run
 * on the protocol core's evaluator. Types come from the values: all booleans make a boolean, all
 * numbers a decimal, any list a multi-valued string; everything else is a case-insensitive string.
 */
export function sourceModel(base: ResourceModel, records: Record<string, unknown>[], attributeNames: string[]): ResourceModel {
  const attributes: AttributeDef[] = attributeNames
    .filter((name) => NAME.test(name))
    .map((name) => {
      const values = records.map((r) => r[name]).filter((v) => v !== undefined && v !== null && v !== '');
      const multiValued = values.some(Array.isArray);
      const scalars = values.flatMap((v) => (Array.isArray(v) ? v : [v]));
      const type = scalars.length && scalars.every((v) => typeof v === 'boolean') ? 'boolean' : scalars.length && scalars.every((v) => typeof v === 'number') ? 'decimal' : 'string';
      return { name, type, multiValued, description: '', required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none' };
    });
  return {
    ...base,
    core: { id: `urn:scimd:source:${base.name}`, name: `Source${base.name}`, description: 'Source attributes', attributes },
    extensions: [],
  };
}
