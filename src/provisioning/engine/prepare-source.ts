import { groupModel, userModel } from '../../scim/schema/resource-models.js';
import type { ConnectionRecord } from '../connections/connection.js';
import { ENTRA_GROUP_MAPPINGS, ENTRA_USER_MAPPINGS } from '../mapping/default-mappings.js';
import { desiredGroup, desiredUser, type DesiredObject } from '../planner/desired-state.js';
import { buildResourceConfig, type ResourceConfig } from '../planner/resource-config.js';
import { managerResolver } from '../sources/file-source.js';
import { openSource } from '../sources/source-spec.js';
import type { SourceContext, SourceSnapshot } from '../sources/source.js';

/** A source read and mapped: what every object should be on the target this cycle. */
export interface PreparedSource {
  snapshot: SourceSnapshot;
  userConfig: ResourceConfig;
  groupConfig: ResourceConfig;
  users: DesiredObject[];
  groups: DesiredObject[];
}

/** What reading a source showed, for the admin before anything is saved or sent. */
export interface SourceCheck {
  users: number;
  usersInScope: number;
  groups: number;
  groupsInScope: number;
  userFormat: string;
  groupFormat: string;
  mappingProblems: string[];
  sourceProblems: string[];
}

/** Counts and the first problems of a prepared source (at most 20 of each kind). */
export function sourceCheckOf(prepared: PreparedSource): SourceCheck {
  const inScope = (list: { inScope: boolean }[]) => list.filter((d) => d.inScope).length;
  return {
    users: prepared.users.length,
    usersInScope: inScope(prepared.users),
    groups: prepared.groups.length,
    groupsInScope: inScope(prepared.groups),
    userFormat: prepared.snapshot.userFormat,
    groupFormat: prepared.snapshot.groupFormat,
    mappingProblems: [...prepared.users, ...prepared.groups].filter((d) => d.error).slice(0, 20).map((d) => `${d.origin}: ${d.error}`),
    sourceProblems: prepared.snapshot.problems.slice(0, 20),
  };
}

/**
 * Reads the connection's source and applies its mappings and scoping filters. Mapping and
 * scoping mistakes (an expression that does not parse, a filter on an attribute the source does
 * not have) throw here, before anything is sent. `checkSourceNames` (saving a connection, Test
 * Connection) also refuses mappings that read attributes the source does not have.
 */
export async function prepareSource(connection: ConnectionRecord, now: Date, context?: Omit<SourceContext, 'connectionId'>, options: { checkSourceNames?: boolean } = {}): Promise<PreparedSource> {
  const checking = Boolean(options.checkSourceNames);
  const snapshot = await openSource(connection.source).read(context && { ...context, connectionId: connection.id, ...(checking ? { readSchema: true } : {}) });
  const userConfig = buildResourceConfig({
    model: userModel,
    format: snapshot.userFormat,
    attributes: snapshot.userAttributes,
    records: snapshot.users,
    custom: connection.mappings?.users,
    defaults: snapshot.defaultMappings?.users ?? ENTRA_USER_MAPPINGS,
    scoping: connection.scoping.users,
    label: 'user',
    known: checking ? snapshot.userSchema ?? { names: snapshot.userAttributes, from: "the attributes of the source's users" } : undefined,
  });
  const groupConfig = buildResourceConfig({
    model: groupModel,
    format: snapshot.groupFormat,
    attributes: snapshot.groupAttributes,
    records: snapshot.groups,
    custom: connection.mappings?.groups,
    defaults: snapshot.defaultMappings?.groups ?? ENTRA_GROUP_MAPPINGS,
    scoping: connection.scoping.groups,
    label: 'group',
    known: checking ? snapshot.groupSchema ?? { names: snapshot.groupAttributes, from: "the attributes of the source's groups" } : undefined,
  });
  const resolveManager = managerResolver(snapshot.users);
  const users = snapshot.users.map((record) => desiredUser(record, userConfig, now, resolveManager));
  const groups = snapshot.groups.map((record) => desiredGroup(record, groupConfig, now));
  return { snapshot, userConfig, groupConfig, users, groups };
}
