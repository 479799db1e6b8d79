import type { JsonObject } from '../json.js';
import { allSchemas, resourceModels } from '../schema/resource-models.js';
import type { AttributeDef, SchemaDef } from '../schema/types.js';
import { RESOURCE_TYPE_SCHEMA, SCHEMA_SCHEMA } from '../schema/urns.js';

/** A schema as served by `/Schemas` (RFC 7643 §7): no nulls, camelCase values, meta. */
export function schemaDocument(schema: SchemaDef, baseUrl: string): JsonObject {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map(attributeDocument),
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${schema.id}` },
  };
}

function attributeDocument(def: AttributeDef): JsonObject {
  const doc: JsonObject = {
    name: def.name,
    type: def.type,
    multiValued: def.multiValued,
    description: def.description,
    required: def.required,
    caseExact: def.caseExact,
    mutability: def.mutability,
    returned: def.returned,
    uniqueness: def.uniqueness,
  };
  if (def.canonicalValues) doc.canonicalValues = def.canonicalValues;
  if (def.referenceTypes) doc.referenceTypes = def.referenceTypes;
  if (def.subAttributes) doc.subAttributes = def.subAttributes.map(attributeDocument);
  return doc;
}

export function schemaDocuments(baseUrl: string): JsonObject[] {
  return allSchemas.map((schema) => schemaDocument(schema, baseUrl));
}

export function resourceTypeDocuments(baseUrl: string): JsonObject[] {
  return resourceModels.map((model) => ({
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: model.resourceType.id,
    name: model.resourceType.name,
    endpoint: model.resourceType.endpoint,
    description: model.resourceType.description,
    schema: model.resourceType.schema,
    schemaExtensions: model.resourceType.schemaExtensions.map((e) => ({ schema: e.schema, required: e.required })),
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${model.resourceType.id}` },
  }));
}
