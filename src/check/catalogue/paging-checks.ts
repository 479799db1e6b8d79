import { listOf, unlessAdvertised } from '../capabilities.js';
import { CheckFailure, expect, expectStatus } from '../check-failure.js';
import type { CheckContext } from '../check-context.js';
import type { Exchange } from '../check-http.js';
import type { Check } from '../check-types.js';
import { expectScimType, idsOf } from './scim-assertions.js';

/**
 * The query that lists this run's users: filtered by prefix when the server filters and accepts
 * sw, everything otherwise (the checks then look only at the seeded users among the results).
 */
async function scope(context: CheckContext): Promise<Record<string, string>> {
  if (!context.capabilities.filter.supported) return {};
  const query = { filter: `userName sw ${JSON.stringify(context.prefix)}` };
  const probe = await context.send('GET', '/Users', { query: { ...query, count: 1 } });
  return probe.status === 200 ? query : {};
}

function duplicatesOf(ids: string[]): string[] {
  return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
}

export const pagingChecks: Check[] = [
  {
    id: 'paging.index.complete',
    title: 'Index paging (startIndex/count) returns every user once, with integer counters',
    area: 'pagination',
    profiles: ['rfc', 'entra', 'okta'],
    authority: 'RFC 7644 §3.4.2.4; Okta import "ordering must be stable across pages", integers (idp-behaviour §2.1); Entra gallery paging test (§1.7 step 9)',
    sends: 'GET /Users?startIndex=1&count=2, then startIndex=3, 5, … (filtered to the run\'s users when filtering is advertised)',
    expects: 'every seeded user exactly once, startIndex echoed, totalResults/itemsPerPage/startIndex integers; page 1 again gives the same order',
    skipUnless: (c) => (c.pagination.index ? undefined : 'the server says it does not page by index (RFC 9865 pagination.index false)'),
    async run(context) {
      const users = await context.seed();
      const query = await scope(context);
      const pages: Exchange[] = [];
      const ids: string[] = [];
      for (let startIndex = 1; pages.length < 500; ) {
        const page = await context.send('GET', '/Users', { query: { ...query, startIndex, count: 2 } });
        pages.push(page);
        expectStatus(page, 200, `page at startIndex ${startIndex}`);
        for (const key of ['totalResults', 'itemsPerPage', 'startIndex']) {
          expect(Number.isInteger(page.json[key]), `"${key}" must be an integer (Okta requires it; RFC 7644 §3.4.2)`, page);
        }
        expect(page.json.startIndex === startIndex, `startIndex ${startIndex} was answered with startIndex ${JSON.stringify(page.json.startIndex)}`, page);
        const items = listOf(page.body);
        expect(items.length <= 2, `count=2 returned ${items.length} resources`, page);
        ids.push(...idsOf(items));
        if (items.length === 0 || startIndex - 1 + items.length >= Number(page.json.totalResults)) break;
        startIndex += items.length;
      }
      const duplicates = duplicatesOf(ids);
      if (duplicates.length) throw new CheckFailure(`${duplicates.length} resource(s) appeared on two pages: ${duplicates.join(', ')}`, pages.slice(0, 3));
      const missing = [...users.values()].filter((u) => !ids.includes(u.id)).map((u) => u.key);
      if (missing.length) throw new CheckFailure(`the pages never returned ${missing.join(', ')}`, pages.slice(0, 3));
      const again = await context.send('GET', '/Users', { query: { ...query, startIndex: 1, count: 2 } });
      expect(idsOf(listOf(again.body)).join() === ids.slice(0, 2).join(), 'page 1 asked again returned other resources or another order', pages[0], again);
    },
  },
  {
    id: 'paging.cursor.stable-while-changing',
    title: 'Cursor paging returns every user that exists throughout exactly once while users are added and removed',
    area: 'pagination',
    profiles: ['rfc'],
    authority: 'RFC 9865 §2 (cursor paging; nextCursor absent on the last page); peers.md: users skipped or duplicated when paging big directories',
    sends: 'GET /Users?cursor=&count=2, then ?cursor=<nextCursor>… while creating and deleting other prefixed users between pages',
    expects: 'each seeded user once, no resource twice, nextCursor absent only on the last page',
    skipUnless: (c) => (c.pagination.cursor ? undefined : 'the server does not advertise cursor paging (RFC 9865 pagination.cursor)'),
    async run(context) {
      const users = await context.seed();
      const query = await scope(context);
      const transient = [await context.createUser('aaa-early'), await context.createUser('zzz-late')];
      const pages: Exchange[] = [];
      const ids: string[] = [];
      let cursor = '';
      for (let n = 0; n < 500; n++) {
        const page = await context.send('GET', '/Users', { query: { ...query, cursor, count: 2 } });
        pages.push(page);
        expectStatus(page, 200, 'cursor page');
        ids.push(...idsOf(listOf(page.body)));
        // The directory changes under the listing: one user is removed, one added on each side of the order.
        if (n === 0) {
          for (const { id } of transient) {
            await context.send('DELETE', `/Users/${id}`);
            context.forget('Users', id);
          }
          await context.createUser('aaa-added');
          await context.createUser('zzz-added');
        }
        const next = page.json.nextCursor;
        if (typeof next !== 'string' || next === '') break;
        cursor = next;
      }
      const duplicates = duplicatesOf(ids);
      if (duplicates.length) throw new CheckFailure(`${duplicates.length} resource(s) appeared twice: ${duplicates.join(', ')}`, pages.slice(0, 3));
      const missing = [...users.values()].filter((u) => !ids.includes(u.id)).map((u) => u.key);
      if (missing.length) throw new CheckFailure(`users present throughout were never returned: ${missing.join(', ')}`, pages.slice(0, 3));
    },
  },
  {
    id: 'paging.cursor.invalid',
    title: 'A cursor the server never issued is refused with 400 invalidCursor',
    area: 'pagination',
    profiles: ['rfc'],
    authority: 'RFC 9865 (error scimType invalidCursor)',
    sends: 'GET /Users?cursor=not-a-cursor-scimdcheck&count=2',
    expects: '400, scimType "invalidCursor"',
    skipUnless: (c) => unlessAdvertised('pagination.cursor', c.pagination.cursor),
    async run(context) {
      const response = await context.send('GET', '/Users', { query: { cursor: 'not-a-cursor-scimdcheck', count: 2 } });
      expectScimType(response, 400, 'invalidCursor', 'an unknown cursor');
    },
  },
];

export const sortChecks: Check[] = (['ascending', 'descending'] as const).map((order) => ({
  id: `sort.username.${order}`,
  title: `sortBy=userName&sortOrder=${order}`,
  area: 'sorting' as const,
  profiles: ['rfc'] as const,
  authority: 'RFC 7644 §3.4.2.3',
  sends: `GET /Users?sortBy=userName&sortOrder=${order} (filtered to the run's users when filtering is advertised)`,
  expects: `the seeded users in ${order} userName order`,
  skipUnless: (c) => unlessAdvertised('sort.supported', c.sort),
  async run(context: CheckContext) {
    const users = await context.seed();
    const { resources, exchanges } = await context.listAll('Users', { ...(await scope(context)), sortBy: 'userName', sortOrder: order });
    const seeded = new Map([...users.values()].map((u) => [u.id, u.key]));
    const got = idsOf(resources).filter((id) => seeded.has(id)).map((id) => seeded.get(id)!);
    const want = [...users.values()].map((u) => u.key).sort();
    if (order === 'descending') want.reverse();
    if (got.join() !== want.join()) throw new CheckFailure(`expected ${want.join(', ')}; got ${got.join(', ')}`, exchanges.slice(0, 1));
  },
}));
