import { foldCase } from '../../../scim/compare.js';
import { groupModel, userModel } from '../../../scim/schema/resource-models.js';
import { ENTERPRISE_USER_SCHEMA } from '../../../scim/schema/urns.js';
import { scimSourceNames } from '../../mapping/source-names.js';
import type { SourceGroupRecord, SourceRecord, SourceSnapshot } from '../source.js';

/** A SCIM resource as a SCIM or directory source keeps it: flattened attributes (see scim-json.ts) and member ids. */
export interface ScimSourceRecord {
  id: string;
  attributes: Record<string, unknown>;
  /** Groups: the ids of the member users. */
  members?: string[];
}

const MANAGER = `${ENTERPRISE_USER_SCHEMA}:manager`;

/**
 * The snapshot of a SCIM source: each object's key is its id there (folded), attributes are SCIM
 * paths that map to themselves, the manager and members name users by id. Members that are not
 * users of the source (nested groups) are left out and reported.
 */
export function scimSnapshot(users: { key: string; record: ScimSourceRecord }[], groups: { key: string; record: ScimSourceRecord }[], where: string): SourceSnapshot {
  const problems: string[] = [];
  const userKeys = new Set(users.map((u) => u.key));
  const userRecords: SourceRecord[] = users.map(({ key, record }) => {
    const attributes = { ...record.attributes };
    if (typeof attributes[MANAGER] === 'string') attributes[MANAGER] = foldCase(attributes[MANAGER]);
    return { key, attributes, origin: `${where} User ${record.id}` };
  });
  const groupRecords: SourceGroupRecord[] = groups.map(({ key, record }) => {
    const members: string[] = [];
    for (const id of record.members ?? []) {
      if (userKeys.has(foldCase(id))) members.push(foldCase(id));
      else problems.push(`${where} Group ${record.id}: the member ${id} is not a user of the source; it is left out`);
    }
    return { key, attributes: record.attributes, origin: `${where} Group ${record.id}`, members };
  });
  return {
    users: userRecords,
    groups: groupRecords,
    userFormat: 'scim',
    groupFormat: 'scim',
    userAttributes: names(userRecords),
    groupAttributes: names(groupRecords),
    problems,
    // Mappings may read any attribute of the SCIM schemas, held by a resource today or not, and
    // the extension attributes the resources carry.
    userSchema: { names: [...new Set([...scimSourceNames(userModel), ...names(userRecords)])], from: `the SCIM User schema and the attributes of ${where}` },
    groupSchema: { names: [...new Set([...scimSourceNames(groupModel), ...names(groupRecords)])], from: `the SCIM Group schema and the attributes of ${where}` },
  };
}

function names(records: SourceRecord[]): string[] {
  const all = new Set<string>();
  for (const record of records) for (const name of Object.keys(record.attributes)) all.add(name);
  return [...all].sort();
}
