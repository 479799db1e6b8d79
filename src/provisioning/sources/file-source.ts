import { basename } from 'node:path';
import { foldCase } from '../../scim/compare.js';
import { isJsonObject } from '../../scim/json.js';
import { groupModel, userModel } from '../../scim/schema/resource-models.js';
import { checkSourcePath } from '../../outbound/source-folder.js';
import { parseCsv } from './csv-parser.js';
import type { FileSourceSpec } from './file-source-spec.js';
import { readRecords, type RecordSet } from './read-records.js';
import { readSourceText } from './source-file-text.js';
import type { Source, SourceGroupRecord, SourceRecord, SourceSnapshot } from './source.js';

/** Columns that identify an object, tried in order when the connection names none. */
const USER_KEYS = { attributes: ['objectId', 'id', 'externalId', 'userPrincipalName', 'userName'], scim: ['externalId', 'userName'] };
const GROUP_KEYS = { attributes: ['objectId', 'id', 'externalId', 'displayName'], scim: ['externalId', 'displayName'] };
/** Attributes a membership may name a user by, besides the user's key. */
const USER_NAMES = ['userName', 'userPrincipalName', 'mail'];

/** Users, groups and memberships from CSV or JSON files (see docs/provisioning.md for the formats). */
export class FileSource implements Source {
  constructor(private readonly spec: FileSourceSpec) {}

  describe(): string {
    return ['users', 'groups', 'memberships']
      .map((part) => this.spec[part as 'users'])
      .filter(Boolean)
      .map((path) => `file:${path}`)
      .join(' + ');
  }

  async read(): Promise<SourceSnapshot> {
    // Checked again at every cycle: the folder setting or a symbolic link may have changed since the connection was saved.
    for (const path of [this.spec.users, this.spec.groups, this.spec.memberships]) if (path) checkSourcePath(path);
    const problems: string[] = [];
    const userSet = await readRecords(this.spec.users, 'users', userModel, this.spec.encoding);
    const users = keyed(userSet, this.spec.userKey, USER_KEYS, 'user', problems);
    const groupSet = this.spec.groups
      ? await readRecords(this.spec.groups, 'groups', groupModel, this.spec.encoding)
      : /\.json$/i.test(this.spec.users)
        ? await readRecords(this.spec.users, 'groups', groupModel, this.spec.encoding)
        : { records: [], attributes: [], format: 'attributes' as const, schema: { names: [], from: 'a source without groups' } };
    const groups: SourceGroupRecord[] = keyed(groupSet, this.spec.groupKey, GROUP_KEYS, 'group', problems).map((g) => ({ ...g, members: [] }));

    const findUser = userResolver(users);
    const findGroup = groupResolver(groups);
    const addMember = (group: SourceGroupRecord, ref: string, origin: string) => {
      const user = findUser(ref);
      if (!user) problems.push(`${origin}: the member ${JSON.stringify(ref)} is not a user of the source`);
      else if (!group.members.includes(user.key)) group.members.push(user.key);
    };
    groupSet.records.forEach((record) => {
      if (record.members === undefined) return;
      const group = groups.find((g) => g.origin === record.origin);
      if (!group) return;
      const refs = Array.isArray(record.members) ? record.members : [record.members];
      for (const ref of refs) {
        const value = isJsonObject(ref) ? ref.value : ref;
        if (typeof value === 'string' || typeof value === 'number') addMember(group, String(value), record.origin);
        else problems.push(`${record.origin}: the member ${JSON.stringify(ref)} is neither a key nor {"value": key}`);
      }
    });
    if (this.spec.memberships) {
      const name = basename(this.spec.memberships);
      const table = parseCsv(await readSourceText(this.spec.memberships, name, this.spec.encoding), name);
      const column = (wanted: string) => table.headers.findIndex((h) => h.toLowerCase() === wanted);
      const groupColumn = column('group');
      const memberColumn = column('member');
      if (groupColumn === -1 || memberColumn === -1) throw new Error(`${name}: the columns must be "group" and "member"`);
      for (const row of table.rows) {
        const origin = `${name} line ${row.line}`;
        const group = findGroup(row.values[groupColumn]);
        if (!group) problems.push(`${origin}: the group ${JSON.stringify(row.values[groupColumn])} is not a group of the source`);
        else addMember(group, row.values[memberColumn], origin);
      }
    }
    return {
      users,
      groups,
      userFormat: userSet.format,
      groupFormat: groupSet.format,
      userAttributes: userSet.attributes,
      groupAttributes: groupSet.attributes,
      problems,
      userSchema: userSet.schema,
      groupSchema: groupSet.schema,
    };
  }
}

/** Gives each record its key; a record without one, or with a key seen before, is skipped and reported. */
function keyed(set: RecordSet, explicit: string | undefined, candidates: { attributes: string[]; scim: string[] }, noun: string, problems: string[]): SourceRecord[] {
  if (set.records.length === 0) return [];
  const lower = new Map(set.attributes.map((a) => [a.toLowerCase(), a]));
  const keyColumn = explicit ? lower.get(explicit.toLowerCase()) : candidates[set.format].map((c) => lower.get(c.toLowerCase())).find(Boolean);
  if (!keyColumn) {
    throw new Error(
      explicit
        ? `The ${noun} key column ${JSON.stringify(explicit)} is not in the source (it has ${set.attributes.join(', ')})`
        : `No column identifies each ${noun}: name one of ${candidates[set.format].join(', ')}, or choose one with --${noun}-key`,
    );
  }
  const seen = new Map<string, string>();
  const records: SourceRecord[] = [];
  for (const record of set.records) {
    const raw = record.attributes[keyColumn];
    const key = raw === undefined || raw === null ? '' : String(raw).trim();
    if (key === '') {
      problems.push(`${record.origin}: no ${keyColumn}, so the ${noun} is skipped`);
      continue;
    }
    const folded = foldCase(key);
    if (seen.has(folded)) {
      problems.push(`${record.origin}: the ${keyColumn} ${JSON.stringify(key)} is also on ${seen.get(folded)}; this one is skipped`);
      continue;
    }
    seen.set(folded, record.origin);
    // Keys are compared case-insensitively, so they are kept folded from here on.
    records.push({ key: folded, attributes: record.attributes, origin: record.origin });
  }
  return records;
}

function userResolver(users: SourceRecord[]): (ref: string) => SourceRecord | undefined {
  const byKey = new Map(users.map((u) => [u.key, u]));
  const byName = new Map<string, SourceRecord>();
  for (const user of users) {
    for (const name of USER_NAMES) {
      const value = Object.entries(user.attributes).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
      if (typeof value === 'string' && !byName.has(foldCase(value))) byName.set(foldCase(value), user);
    }
  }
  return (ref) => byKey.get(foldCase(ref.trim())) ?? byName.get(foldCase(ref.trim()));
}

function groupResolver<T extends SourceRecord>(groups: T[]): (ref: string) => T | undefined {
  const byKey = new Map(groups.map((g) => [g.key, g]));
  const byName = new Map(groups.flatMap((g) => (typeof g.attributes.displayName === 'string' ? [[foldCase(g.attributes.displayName), g] as const] : [])));
  return (ref) => byKey.get(foldCase(ref.trim())) ?? byName.get(foldCase(ref.trim()));
}

/** Resolves a manager reference (a key, or a user name) to the manager's key. */
export function managerResolver(users: SourceRecord[]): (ref: string) => string | undefined {
  const find = userResolver(users);
  return (ref) => find(ref)?.key;
}
