import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../scim/schema/urns.js';

/** The six users filter, sort and paging checks query, as sent (the truth expectations are computed from). */
export interface SeedUser {
  key: string;
  id: string;
  sent: Record<string, unknown>;
}

export const SEED_KEYS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'] as const;
export type SeedKey = (typeof SEED_KEYS)[number];

/**
 * A small directory with enough variety for every operator to select a proper, non-empty subset:
 * titles shared by some, a nickName on some, one inactive user, a work email of one user equal to
 * another's home email (so value paths must honour their filter).
 */
export function seedUserBody(prefix: string, key: SeedKey, enterprise: boolean): Record<string, unknown> {
  const title = { alice: 'Engineer', bob: 'Engineer', carol: 'Engineer', dave: 'Manager', erin: 'Manager', frank: 'Intern' }[key];
  const given = key[0].toUpperCase() + key.slice(1);
  const emails: Record<string, unknown>[] =
    key === 'carol' ? [{ type: 'work', value: `${prefix}shared@example.net`, primary: true }] : [{ type: 'work', value: `${prefix}${key}@work.example`, primary: true }];
  if (key === 'alice') emails.push({ type: 'home', value: `${prefix}shared@example.net` });
  const body: Record<string, unknown> = {
    schemas: enterprise ? [USER_SCHEMA, ENTERPRISE_USER_SCHEMA] : [USER_SCHEMA],
    userName: seedUserName(prefix, key),
    externalId: `${prefix}ext-${key}`,
    name: { givenName: given, familyName: 'Checker' },
    displayName: `${given} Checker`,
    title: `${prefix}${title}`,
    active: key !== 'erin',
    emails,
  };
  if (key === 'alice' || key === 'carol' || key === 'erin') body.nickName = `${given}y`;
  if (enterprise) body[ENTERPRISE_USER_SCHEMA] = { department: `${prefix}${key === 'alice' || key === 'dave' ? 'Sales' : 'Support'}` };
  return body;
}

export function seedUserName(prefix: string, key: SeedKey): string {
  return `${prefix}${key}@example.com`;
}
