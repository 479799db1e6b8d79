import type { JsonObject, JsonValue } from '../../scim/json.js';
import type { ScimObject } from '../client/scim-client.js';
import { writeTarget } from '../mapping/target-path.js';
import type { ResourceConfig } from '../planner/resource-config.js';

/**
 * The body of a POST: the mapped values written at their paths, the manager as `{value: id}`,
 * members as `[{value: id}]`, and `schemas` listing the core schema and every extension used
 * (Entra omits extension URNs; listing them is what RFC 7643 asks).
 */
export function buildResource(config: ResourceConfig, attributes: Record<string, JsonValue>, extras: { managerId?: string; memberIds?: string[] } = {}): ScimObject {
  const doc: JsonObject = {};
  for (const [path, value] of Object.entries(attributes)) {
    const target = config.pathsByText.get(path);
    if (!target) throw new Error(`No mapping writes ${path}`);
    writeTarget(doc, target, value);
  }
  if (extras.managerId !== undefined) {
    const manager = [...config.pathsByText.values()].find((p) => p.isManager);
    if (manager) writeTarget(doc, manager, extras.managerId);
  }
  if (extras.memberIds?.length) doc.members = extras.memberIds.map((value) => ({ value }));
  const extensions = Object.keys(doc).filter((k) => /^urn:/i.test(k));
  return { schemas: [config.model.core.id, ...extensions], ...doc };
}
