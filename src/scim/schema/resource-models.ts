import { commonAttributes } from './common.js';
import { enterpriseUserSchema } from './enterprise-user.js';
import { groupSchema } from './group.js';
import type { AttributeDef, ResourceTypeDef, SchemaDef } from './types.js';
import { userSchema } from './user.js';

export type ResourceTypeName = 'User' | 'Group';

/** Everything the protocol core knows about one resource type: its endpoint and schemas. */
export interface ResourceModel {
  name: ResourceTypeName;
  endpoint: '/Users' | '/Groups';
  core: SchemaDef;
  extensions: SchemaDef[];
  /** The attribute that names the resource and is unique per directory, case-insensitively. */
  nameAttribute: 'userName' | 'displayName';
  /** The multi-valued reference attribute kept in the membership table rather than the JSON. */
  membership: 'members' | 'groups';
  resourceType: ResourceTypeDef;
}

function resourceType(name: string, endpoint: string, description: string, core: SchemaDef, extensions: SchemaDef[]): ResourceTypeDef {
  return {
    id: name,
    name,
    endpoint,
    description,
    schema: core.id,
    schemaExtensions: extensions.map((schema) => ({ schema: schema.id, required: false })),
  };
}

export const userModel: ResourceModel = {
  name: 'User',
  endpoint: '/Users',
  core: userSchema,
  extensions: [enterpriseUserSchema],
  nameAttribute: 'userName',
  membership: 'groups',
  resourceType: resourceType('User', '/Users', 'User Account', userSchema, [enterpriseUserSchema]),
};

export const groupModel: ResourceModel = {
  name: 'Group',
  endpoint: '/Groups',
  core: groupSchema,
  extensions: [],
  nameAttribute: 'displayName',
  membership: 'members',
  resourceType: resourceType('Group', '/Groups', 'Group', groupSchema, []),
};

export const resourceModels: readonly ResourceModel[] = [userModel, groupModel];
export const allSchemas: readonly SchemaDef[] = [userSchema, groupSchema, enterpriseUserSchema];

export function modelFor(name: ResourceTypeName): ResourceModel {
  return name === 'User' ? userModel : groupModel;
}

/** Case-insensitive lookup of an attribute definition in a list (RFC 7643 §2.1). */
export function findAttribute(attributes: readonly AttributeDef[] | undefined, name: string): AttributeDef | undefined {
  if (!attributes) return undefined;
  const lower = name.toLowerCase();
  return attributes.find((a) => a.name.toLowerCase() === lower);
}

export function coreAttributes(model: ResourceModel): AttributeDef[] {
  return [...commonAttributes, ...model.core.attributes];
}

export function findExtension(model: ResourceModel, uri: string): SchemaDef | undefined {
  const lower = uri.toLowerCase();
  return model.extensions.find((s) => s.id.toLowerCase() === lower);
}

export function isCoreSchema(model: ResourceModel, uri: string): boolean {
  return model.core.id.toLowerCase() === uri.toLowerCase();
}
