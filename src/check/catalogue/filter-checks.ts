import { matchesResource } from '../../scim/filter/evaluate.js';
import { parseFilter } from '../../scim/filter/parser.js';
import type { JsonObject } from '../../scim/json.js';
import { userModel } from '../../scim/schema/resource-models.js';
import { ENTERPRISE_USER_SCHEMA } from '../../scim/schema/urns.js';
import { unlessAdvertised } from '../capabilities.js';
import type { CheckContext } from '../check-context.js';
import { CheckFailure, CheckSkipped } from '../check-failure.js';
import type { Check, Profile } from '../check-types.js';
import type { SeedKey, SeedUser } from '../seed-data.js';
import { seedUserName } from '../seed-data.js';
import { expectScimType, idsOf } from './scim-assertions.js';

const q = JSON.stringify;

interface FilterCase {
  id: string;
  title: string;
  profiles: readonly Profile[];
  authority: string;
  /** The filter (or filters, each judged), written over the run's seeded users. */
  filter: (prefix: string) => string | string[];
  needsEnterprise?: boolean;
}

/**
 * One check per case: the server's answer, restricted to the seeded users, must equal the seeded
 * users scimd's own in-memory evaluator (the protocol core) selects. Objects not made by this run
 * are ignored, so the check works on a directory in use.
 */
function filterCheck(c: FilterCase): Check {
  return {
    id: c.id,
    title: c.title,
    area: 'filter',
    profiles: c.profiles,
    authority: c.authority,
    sends: [c.filter('scimdcheck-1a2b3c4d-')].flat().map((f) => `GET /Users?filter=${f}`).join('; '),
    expects: 'exactly the seeded users the filter selects (RFC 7644 §3.4.2.2 semantics), every page read',
    skipUnless: (caps) => unlessAdvertised('filter.supported', caps.filter.supported) ?? (c.needsEnterprise && !caps.enterpriseUser ? 'the User resource type does not list the enterprise extension' : undefined),
    async run(context) {
      const users = await context.seed();
      const filters = [c.filter(context.prefix)].flat();
      for (const filter of filters) await judge(context, filter, users, c.profiles.some((p) => p !== 'rfc'));
    },
  };
}

/**
 * Runs one filter and compares. A 400 invalidFilter is how RFC 7644 §3.12 lets a server say it
 * does not support an attribute and operator combination: that skips a standards-only check,
 * but fails one an IdP profile needs (Entra and Okta will send that filter regardless).
 */
async function judge(context: CheckContext, filter: string, users: Map<SeedKey, SeedUser>, neededByIdp: boolean): Promise<void> {
  const expected = expectedIds(filter, users);
  const first = await context.send('GET', '/Users', { query: { filter, startIndex: 1, count: 200 } });
  if (first.status === 400 && first.json.scimType === 'invalidFilter' && !neededByIdp) {
    throw new CheckSkipped(`the server declined ${filter} with 400 invalidFilter (RFC 7644 §3.12 allows refusing a combination it does not support)`);
  }
  const { resources, exchanges } = await context.listAll('Users', { filter });
  const seededIds = new Set([...users.values()].map((u) => u.id));
  const returned = idsOf(resources).filter((id) => seededIds.has(id));
  const keyOf = new Map([...users.values()].map((u) => [u.id, u.key]));
  const names = (ids: string[]) => ids.map((id) => keyOf.get(id)).join(', ') || 'none';
  const duplicates = returned.filter((id, i) => returned.indexOf(id) !== i);
  const missing = expected.filter((id) => !returned.includes(id));
  const extra = returned.filter((id) => !expected.includes(id));
  if (missing.length || extra.length || duplicates.length) {
    throw new CheckFailure(
      `filter ${filter}: expected the seeded users [${names(expected)}], got [${names(returned)}]` +
        `${missing.length ? `; missing ${names(missing)}` : ''}${extra.length ? `; should not match ${names(extra)}` : ''}${duplicates.length ? `; duplicated ${names(duplicates)}` : ''}`,
      exchanges.slice(0, 2),
    );
  }
}

/** The ids of the seeded users the filter selects, by scimd's protocol core. */
function expectedIds(filter: string, users: Map<SeedKey, SeedUser>): string[] {
  const parsed = parseFilter(filter);
  return [...users.values()].filter((u) => matchesResource(parsed, { ...(u.sent as JsonObject), id: u.id }, userModel)).map((u) => u.id);
}

const BOTH: readonly Profile[] = ['rfc', 'entra', 'okta'];
const RFC: readonly Profile[] = ['rfc'];
const OP = 'RFC 7644 §3.4.2.2, table 3';
const name = seedUserName;

const cases: FilterCase[] = [
  { id: 'filter.eq.username', title: 'eq on userName', profiles: BOTH, authority: `${OP}; Entra and Okta match users with userName eq (idp-behaviour §1.3 item 5, §2.1)`, filter: (p) => `userName eq ${q(name(p, 'bob'))}` },
  { id: 'filter.eq.username-case-insensitive', title: 'eq on userName ignores case (caseExact false)', profiles: BOTH, authority: 'RFC 7643 §4.1.1 (userName caseExact false) and RFC 7644 §3.4.2.2; Okta SPEC step 9', filter: (p) => `userName eq ${q(name(p, 'bob').toUpperCase())}` },
  { id: 'filter.eq.external-id', title: 'eq on externalId', profiles: ['rfc', 'entra'], authority: `${OP}; Entra queries users by externalId (idp-behaviour §1.3 item 6)`, filter: (p) => `externalId eq ${q(`${p}ext-carol`)}` },
  { id: 'filter.eq.external-id-case-exact', title: 'eq on externalId respects case (caseExact true)', profiles: RFC, authority: 'RFC 7643 §3.1 (externalId caseExact true); RFC 7644 §3.4.2.2', filter: (p) => `externalId eq ${q(`${p}EXT-carol`)} or externalId eq ${q(`${p}ext-dave`)}` },
  { id: 'filter.eq.boolean', title: 'eq on a boolean (active eq false)', profiles: RFC, authority: `${OP}; Entra transcript step 5 (idp-behaviour §1.7)`, filter: (p) => `active eq false and title sw ${q(p)}` },
  { id: 'filter.ne', title: 'ne', profiles: RFC, authority: OP, filter: (p) => `title ne ${q(`${p}Engineer`)} and userName sw ${q(p)}` },
  { id: 'filter.co', title: 'co (contains)', profiles: RFC, authority: OP, filter: (p) => `title co ${q(`${p.slice(-7)}Mana`)}` },
  { id: 'filter.sw', title: 'sw (starts with)', profiles: RFC, authority: OP, filter: (p) => `userName sw ${q(`${p}c`)}` },
  { id: 'filter.ew', title: 'ew (ends with)', profiles: RFC, authority: OP, filter: (p) => `userName ew ${q(`${p.slice(-7)}dave@example.com`)}` },
  { id: 'filter.gt', title: 'gt on a string', profiles: RFC, authority: `${OP} (lexicographic order for strings)`, filter: (p) => `userName gt ${q(name(p, 'carol'))} and userName sw ${q(p)}` },
  { id: 'filter.ge', title: 'ge on a string', profiles: RFC, authority: OP, filter: (p) => `userName ge ${q(name(p, 'carol'))} and userName sw ${q(p)}` },
  { id: 'filter.lt', title: 'lt on a string', profiles: RFC, authority: OP, filter: (p) => `userName lt ${q(name(p, 'carol'))} and userName sw ${q(p)}` },
  { id: 'filter.le', title: 'le on a string', profiles: RFC, authority: OP, filter: (p) => `userName le ${q(name(p, 'carol'))} and userName sw ${q(p)}` },
  { id: 'filter.pr', title: 'pr (present)', profiles: RFC, authority: OP, filter: (p) => `nickName pr and userName sw ${q(p)}` },
  { id: 'filter.and', title: 'and of two eq (the only combination Entra sends)', profiles: BOTH, authority: `RFC 7644 §3.4.2.2 table 4; Entra uses eq and and (idp-behaviour §1.3 item 5)`, filter: (p) => [`externalId eq ${q(`${p}ext-dave`)} and userName eq ${q(name(p, 'dave'))}`, `externalId eq ${q(`${p}ext-dave`)} and userName eq ${q(name(p, 'erin'))}`] },
  { id: 'filter.and.mixed-types', title: 'and across a string and a boolean', profiles: RFC, authority: 'RFC 7644 §3.4.2.2 table 4', filter: (p) => `title eq ${q(`${p}Manager`)} and active eq true` },
  { id: 'filter.or', title: 'or', profiles: RFC, authority: 'RFC 7644 §3.4.2.2 table 4', filter: (p) => `userName eq ${q(name(p, 'alice'))} or userName eq ${q(name(p, 'frank'))}` },
  { id: 'filter.not', title: 'not ( … )', profiles: RFC, authority: 'RFC 7644 §3.4.2.2 table 4', filter: (p) => `userName sw ${q(p)} and not (title eq ${q(`${p}Engineer`)})` },
  { id: 'filter.precedence', title: 'and binds tighter than or', profiles: RFC, authority: 'RFC 7644 §3.4.2.2 ("and" before "or"; ABNF precedence)', filter: (p) => `userName eq ${q(name(p, 'alice'))} or userName eq ${q(name(p, 'bob'))} and active eq false` },
  { id: 'filter.grouping', title: 'parentheses group', profiles: RFC, authority: 'RFC 7644 §3.4.2.2 table 5 (precedence grouping)', filter: (p) => `(userName eq ${q(name(p, 'dave'))} or userName eq ${q(name(p, 'erin'))}) and active eq false` },
  { id: 'filter.value-path.entra', title: 'emails[type eq "work"].value eq … (Entra\'s matching form)', profiles: ['entra', 'rfc'], authority: 'Entra requirement 6 and matching by work email (idp-behaviour §1.3 item 6, §1.4 U1)', filter: (p) => `emails[type eq "work"].value eq ${q(`${p}shared@example.net`)}` },
  { id: 'filter.value-path.complex', title: 'emails[type eq "home" and value co "…"] (a value filter with and)', profiles: RFC, authority: 'RFC 7644 §3.4.2.2 (valuePath, table 5)', filter: (p) => `emails[type eq "home" and value co ${q(`${p.slice(-7)}shared`)}]` },
  { id: 'filter.sub-attribute', title: 'a sub-attribute (name.givenName)', profiles: RFC, authority: 'RFC 7644 §3.4.2.2 (attrPath with subAttr)', filter: (p) => `name.givenName eq "Frank" and userName sw ${q(p)}` },
  { id: 'filter.enterprise', title: 'an extension attribute by its URN', profiles: RFC, authority: 'RFC 7644 §3.4.2.2 (fully qualified attribute names); RFC 7643 §4.3', filter: (p) => `${ENTERPRISE_USER_SCHEMA}:department eq ${q(`${p}Sales`)}`, needsEnterprise: true },
];

export const filterChecks: Check[] = [
  ...cases.map(filterCheck),
  {
    id: 'filter.invalid',
    title: 'A malformed filter is refused with 400 invalidFilter, not ignored',
    area: 'filter',
    profiles: ['rfc'],
    authority: 'RFC 7644 §3.4.2.2 and §3.12 (invalidFilter); peers.md: filters silently ignored are a field fault',
    sends: 'GET /Users?filter=userName zz "x"',
    expects: '400, scimType "invalidFilter"',
    skipUnless: (c) => unlessAdvertised('filter.supported', c.filter.supported),
    async run(context) {
      const response = await context.send('GET', '/Users', { query: { filter: 'userName zz "x"' } });
      expectScimType(response, 400, 'invalidFilter', 'a filter with an unknown operator');
    },
  },
  {
    id: 'filter.groups.display-name',
    title: 'eq on a group\'s displayName',
    area: 'filter',
    profiles: ['rfc', 'entra'],
    authority: 'RFC 7644 §3.4.2.2; Entra queries groups by displayName (idp-behaviour §1.3 item 6)',
    sends: 'GET /Groups?filter=displayName eq "<prefixed name>"',
    expects: 'exactly that group',
    skipUnless: (c) => unlessAdvertised('filter.supported', c.filter.supported) ?? (c.groups ? undefined : 'the server lists no Group resource type'),
    async run(context) {
      const { id, exchange } = await context.createGroup('filtered');
      await context.createGroup('other');
      const response = await context.send('GET', '/Groups', { query: { filter: `displayName eq ${q(exchange.json.displayName)}` } });
      const ids = idsOf((response.json.Resources as Record<string, unknown>[] | undefined) ?? []);
      if (response.status !== 200 || ids.length !== 1 || ids[0] !== id) throw new CheckFailure(`expected exactly the group ${id}`, [response]);
    },
  },
];
