import type { JsonObject } from '../../scim/json.js';
import type { ResourceModel } from '../../scim/schema/resource-models.js';
import { compileMappings, matchingMappings, type CompiledMapping } from '../mapping/compile-mappings.js';
import { identityMappings } from '../mapping/default-mappings.js';
import type { AttributeMapping } from '../mapping/mapping.js';
import { ScopeFilter } from '../mapping/scope-filter.js';
import { sourceModel } from '../mapping/source-model.js';
import { parseTargetPath, writeTarget, type TargetPath } from '../mapping/target-path.js';
import type { SourceRecord, SourceSchema } from '../sources/source.js';

/**
 * How one resource type (users or groups) of a connection is provisioned in this cycle: the
 * mappings in force (the connection's own, or the defaults for the source's format), the
 * matching attributes in precedence order, the paths the engine keeps in step, and the scope.
 */
export interface ResourceConfig {
  model: ResourceModel;
  mappings: CompiledMapping[];
  matching: CompiledMapping[];
  /** Target paths updated on every cycle (not apply-on-create, not the manager). */
  managedPaths: string[];
  pathsByText: Map<string, TargetPath>;
  manager: boolean;
  scope: ScopeFilter;
  /** The document the scoping filter is evaluated on. */
  scopeDocument(record: SourceRecord): JsonObject;
  format: 'scim' | 'attributes';
}

export interface ResourceConfigInput {
  model: ResourceModel;
  format: 'scim' | 'attributes';
  attributes: string[];
  records: SourceRecord[];
  /** The connection's own mappings; undefined uses the defaults. */
  custom: AttributeMapping[] | undefined;
  defaults: AttributeMapping[];
  scoping: string | undefined;
  label: string;
  /** When given, the connection's own mappings may read only these source attributes (checked when a connection is saved). */
  known?: SourceSchema;
}

export function buildResourceConfig(input: ResourceConfigInput): ResourceConfig {
  // An empty SCIM-shaped source (a new directory, a server with no users yet) names no columns;
  // its records, once there are some, carry the name attribute, so that is what is matched on.
  const columns = input.attributes.length ? input.attributes.filter((a) => a.toLowerCase() !== 'members') : [input.model.nameAttribute, 'externalId'];
  const specs = input.custom ?? (input.format === 'scim' ? identityMappings(columns, input.model.nameAttribute) : input.defaults);
  const mappings = compileMappings(specs, input.model, input.label, input.custom ? input.known : undefined);
  const matching = matchingMappings(mappings);
  if (matching.length === 0) throw new Error(`The ${input.label} mappings name no matching attribute; mark one with "matching": 1`);
  const managedPaths = mappings.filter((m) => m.spec.apply !== 'create' && !m.path.isManager).map((m) => m.path.text);
  const pathsByText = new Map(mappings.map((m) => [m.path.text, m.path]));
  if (input.model.name === 'User' && !pathsByText.has('active')) {
    // The engine always manages `active` (disable on scope loss), mapped or not.
    pathsByText.set('active', parseTargetPath('active', input.model));
    managedPaths.push('active');
  }
  let scope: ScopeFilter;
  let scopeDocument: (record: SourceRecord) => JsonObject;
  if (input.format === 'scim') {
    const columns = new Map<string, TargetPath>();
    for (const name of input.attributes) {
      try {
        columns.set(name, parseTargetPath(name, input.model));
      } catch {
        // not a SCIM column; it cannot be filtered on
      }
    }
    scope = new ScopeFilter(input.scoping, input.model);
    scopeDocument = (record) => {
      const doc: JsonObject = {};
      for (const [name, value] of Object.entries(record.attributes)) {
        const path = columns.get(name);
        if (path && value !== undefined && value !== null) writeTarget(doc, path, coerceForScope(value));
      }
      return doc;
    };
  } else {
    scope = new ScopeFilter(input.scoping, sourceModel(input.model, input.records.map((r) => r.attributes), input.attributes));
    scopeDocument = (record) => record.attributes as JsonObject;
  }
  return { model: input.model, mappings, matching, managedPaths, pathsByText, manager: mappings.some((m) => m.path.isManager), scope, scopeDocument, format: input.format };
}

/** CSV text "true"/"false" read as booleans, so `active eq false` works on a CSV source. */
function coerceForScope(value: unknown): JsonObject[string] {
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return value as JsonObject[string];
}
