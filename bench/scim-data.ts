/** The SCIM documents the bench sends: users shaped like Entra's, and PatchOp bodies in Entra's form. */

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

const GIVEN = ['Ada', 'Barbara', 'Chidi', 'Dmitri', 'Eun-ji', 'Farah', 'Goran', 'Hana', 'Ines', 'Jonas', 'Kwame', 'Lena'];
const FAMILY = ['Jensen', 'Okafor', 'Novak', 'Tanaka', 'García', 'Müller', 'Haddad', 'Kowalski', 'Silva', 'Lindqvist'];
const DEPARTMENTS = ['Sales', 'Engineering', 'Finance', 'Support', 'Legal', 'Operations'];

/** The userName of the n-th user of a run; `run` keeps runs on one database apart. */
export function userNameOf(run: string, n: number): string {
  return `user${n}.${run}@example.com`;
}

export function externalIdOf(run: string, n: number): string {
  return `ext-${run}-${n}`;
}

/** A user of about the size Entra sends (roughly 700 bytes of JSON). */
export function userDocument(run: string, n: number, id?: string): Record<string, unknown> {
  const given = GIVEN[n % GIVEN.length];
  const family = FAMILY[Math.floor(n / GIVEN.length) % FAMILY.length];
  const userName = userNameOf(run, n);
  return {
    schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA],
    ...(id ? { id } : {}),
    externalId: externalIdOf(run, n),
    userName,
    name: { formatted: `${given} ${family}`, familyName: family, givenName: given },
    displayName: `${given} ${family} ${n}`,
    title: 'Engineer',
    active: true,
    emails: [{ value: userName, type: 'work', primary: true }],
    phoneNumbers: [{ value: `+1 555 ${String(n).padStart(7, '0')}`, type: 'work' }],
    addresses: [{ type: 'work', streetAddress: `${n} Main Street`, locality: 'Springfield', postalCode: '12345', country: 'US', primary: true }],
    [ENTERPRISE_SCHEMA]: { employeeNumber: String(100000 + n), department: DEPARTMENTS[n % DEPARTMENTS.length], costCenter: `CC-${n % 97}` },
  };
}

/** Entra's PATCH of a user: capitalised ops, a value-path email and "True"/"False" strings. */
export function entraUserPatch(displayName: string, active: boolean, email: string): string {
  return JSON.stringify({
    schemas: [PATCH_SCHEMA],
    Operations: [
      { op: 'Replace', path: 'displayName', value: displayName },
      { op: 'Replace', path: 'active', value: active ? 'True' : 'False' },
      { op: 'Replace', path: 'emails[type eq "work"].value', value: email },
      { op: 'Replace', path: `${ENTERPRISE_SCHEMA}:department`, value: 'Patched' },
    ],
  });
}

/** Entra adds members one at a time, as a list of `{value}` under path "members". */
export function entraAddMember(id: string): string {
  return JSON.stringify({ schemas: [PATCH_SCHEMA], Operations: [{ op: 'Add', path: 'members', value: [{ value: id }] }] });
}

/** Okta (and Entra for bulk changes) send several members in one operation. */
export function addMembers(ids: string[]): string {
  return JSON.stringify({ schemas: [PATCH_SCHEMA], Operations: [{ op: 'add', path: 'members', value: ids.map((value) => ({ value })) }] });
}

export function removeMembers(ids: string[]): string {
  return JSON.stringify({ schemas: [PATCH_SCHEMA], Operations: [{ op: 'remove', path: 'members', value: ids.map((value) => ({ value })) }] });
}

/** Entra removes a member with a value filter on the path. */
export function entraRemoveMember(id: string): string {
  return JSON.stringify({ schemas: [PATCH_SCHEMA], Operations: [{ op: 'Remove', path: `members[value eq "${id}"]` }] });
}

export function groupDocument(displayName: string, members: string[] = []): Record<string, unknown> {
  return { schemas: [GROUP_SCHEMA], displayName, members: members.map((value) => ({ value })) };
}

/** A filter in a query string, encoded as Entra does (`+` for spaces). */
export function filterQuery(filter: string): string {
  return `filter=${encodeURIComponent(filter).replace(/%20/g, '+')}`;
}
