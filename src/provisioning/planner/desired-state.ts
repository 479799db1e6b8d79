import { eqFilter } from '../client/scim-filter-text.js';
import { fromBoolean, parseBoolean } from '../expressions/values.js';
import { mapObject, type MappedObject } from '../mapping/map-object.js';
import type { SourceGroupRecord, SourceRecord } from '../sources/source.js';
import type { ObjectType } from './object-state.js';
import type { ResourceConfig } from './resource-config.js';

/** What the source says one object should be on the target in this cycle. */
export interface DesiredObject {
  type: ObjectType;
  key: string;
  origin: string;
  inScope: boolean;
  /** Users: in scope and not disabled in the source. Groups: in scope. */
  enabled: boolean;
  /** The mapped values; absent when mapping failed. */
  mapped?: MappedObject;
  /** Why the object cannot be provisioned this cycle. */
  error?: string;
  /** The stage that failed: mapping (default) or looking the object up on the target. */
  errorAction?: 'map' | 'match';
  /** `path eq "value"` for each matching attribute with a value, in precedence order. */
  matchFilters: string[];
  /** The same as path and value, for matching against a listing of the target. */
  matchValues: { path: string; value: string | number | boolean }[];
  /** Groups: the member users' keys. */
  members?: string[];
  /** Something worth telling that does not stop the object, e.g. a manager not in the source. */
  warning?: string;
}

/** Reads an attribute by its exact name, then case-insensitively. */
function lookup(attributes: Record<string, unknown>, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(attributes, name)) return attributes[name];
  const lower = name.toLowerCase();
  const key = Object.keys(attributes).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : attributes[key];
}

/**
 * Maps one source user. Like Entra, the engine computes `IsSoftDeleted` (out of scope, or
 * `accountEnabled` false, or the source's own IsSoftDeleted), and `active` is always managed:
 * from the mapping when one targets it, else from scope and source state; out of scope forces false.
 */
export function desiredUser(record: SourceRecord, config: ResourceConfig, now: Date, resolveManager: (ref: string) => string | undefined): DesiredObject {
  const inScope = config.scope.matches(config.scopeDocument(record));
  const attributes = record.attributes;
  let disabled = config.format === 'attributes' && (parseBoolean(text(lookup(attributes, 'accountEnabled'))) === false || parseBoolean(text(lookup(attributes, 'IsSoftDeleted'))) === true);
  const desired: DesiredObject = { type: 'User', key: record.key, origin: record.origin, inScope, enabled: false, matchFilters: [], matchValues: [] };
  try {
    const mapped = mapObject(config.mappings, {
      attribute: (name) => (name.toLowerCase() === 'issoftdeleted' ? fromBoolean(!inScope || disabled) : lookup(attributes, name)),
      now: () => now,
    });
    if (config.format === 'scim' && mapped.attributes.active === false) disabled = true;
    if (mapped.attributes.active === undefined || !inScope) mapped.attributes.active = inScope && !disabled;
    if (mapped.managerKey) {
      const manager = resolveManager(mapped.managerKey);
      // An unknown manager leaves the manager as it is rather than failing the user.
      if (manager === undefined) desired.warning = `the manager ${JSON.stringify(mapped.managerKey)} is not a user of the source; the manager is left unchanged`;
      mapped.managerKey = manager;
    }
    desired.mapped = mapped;
    desired.enabled = inScope && mapped.attributes.active !== false;
    desired.matchValues = matchValues(mapped, config);
    desired.matchFilters = desired.matchValues.map((m) => eqFilter(m.path, m.value));
    if (inScope && desired.matchFilters.length === 0 && !desired.error) desired.error = `no value for the matching attribute${config.matching.length > 1 ? 's' : ''} ${config.matching.map((m) => m.path.text).join(', ')}`;
  } catch (error) {
    desired.error = (error as Error).message;
  }
  return desired;
}

export function desiredGroup(record: SourceGroupRecord, config: ResourceConfig, now: Date): DesiredObject {
  const inScope = config.scope.matches(config.scopeDocument(record));
  const desired: DesiredObject = { type: 'Group', key: record.key, origin: record.origin, inScope, enabled: inScope, matchFilters: [], matchValues: [], members: record.members };
  try {
    const mapped = mapObject(config.mappings, { attribute: (name) => lookup(record.attributes, name), now: () => now });
    desired.mapped = mapped;
    desired.matchValues = matchValues(mapped, config);
    desired.matchFilters = desired.matchValues.map((m) => eqFilter(m.path, m.value));
    if (inScope && desired.matchFilters.length === 0) desired.error = `no value for the matching attribute ${config.matching.map((m) => m.path.text).join(', ')}`;
  } catch (error) {
    desired.error = (error as Error).message;
  }
  return desired;
}

function matchValues(mapped: MappedObject, config: ResourceConfig): DesiredObject['matchValues'] {
  const values: DesiredObject['matchValues'] = [];
  for (const mapping of config.matching) {
    const value = mapped.attributes[mapping.path.text] ?? mapped.createOnly[mapping.path.text];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') values.push({ path: mapping.path.text, value });
  }
  return values;
}

function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return String(value);
}
