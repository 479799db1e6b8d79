import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { assertScimError, assertStatus, LIST_SCHEMA, q, USER_SCHEMA } from '../support/scim-assertions.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';

const SEARCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const BASE_TIME = Date.parse('2025-06-01T00:00:00.000Z');
const USERS = 30;
const FAMILY = ['Smith', 'jones', 'Brown', 'smith', 'Álvarez', 'Zimmer', 'Young', 'adams'];

type User = { id: string; userName: string; name?: { familyName?: string }; emails?: { value: string; primary?: boolean }[]; meta: { created: string } };

function seedUser(i: number): object {
  // userNames are not in creation order, and family names repeat so ties must be broken stably.
  const user: Record<string, unknown> = { schemas: [USER_SCHEMA], userName: `${String.fromCharCode(97 + ((i * 11) % 26))}${(i * 7) % 30}-${i}@example.com` };
  if (i % 6 !== 0) user.name = { familyName: FAMILY[i % FAMILY.length], givenName: `G${i}` };
  if (i % 5 !== 0) {
    user.emails =
      i % 3 === 0
        ? [{ value: `z-other${i}@example.com`, type: 'home' }, { value: `${String.fromCharCode(122 - (i % 26))}${i}@work.example.com`, type: 'work', primary: true }]
        : [{ value: `M${(i * 13) % 30}@Example.com`, type: 'work' }];
  }
  return user;
}

/** The value a user sorts by, as RFC 7644 §3.4.2.3 defines it; undefined sorts last. */
function sortKey(user: User, sortBy: string): string | undefined {
  switch (sortBy) {
    case 'userName':
      return user.userName.toLowerCase();
    case 'name.familyName':
      return user.name?.familyName?.toLowerCase();
    case 'meta.created':
      return user.meta.created;
    case 'emails': {
      const emails = user.emails ?? [];
      return (emails.find((e) => e.primary) ?? emails[0])?.value.toLowerCase();
    }
  }
  throw new Error(sortBy);
}

function assertSorted(users: User[], sortBy: string, order: 'ascending' | 'descending'): void {
  const keys = users.map((u) => sortKey(u, sortBy));
  const firstMissing = keys.findIndex((k) => k === undefined);
  if (firstMissing !== -1) assert.ok(keys.slice(firstMissing).every((k) => k === undefined), `${sortBy} ${order}: missing values sort last: ${JSON.stringify(keys)}`);
  const present = keys.filter((k): k is string => k !== undefined);
  for (let i = 1; i < present.length; i++) {
    const inOrder = order === 'ascending' ? present[i - 1] <= present[i] : present[i - 1] >= present[i];
    assert.ok(inOrder, `${sortBy} ${order}: ${JSON.stringify(present[i - 1])} before ${JSON.stringify(present[i])}`);
  }
}

function assertNoDuplicates(ids: string[]): void {
  assert.equal(new Set(ids).size, ids.length, 'no resource appears twice');
}

for (const backend of BACKENDS) {
  describe(`paging and sorting (${backend})`, () => {
    let server: TestServer;
    let dir: TestDirectory;
    const seeded: User[] = [];
    const allIds = () => seeded.map((u) => u.id).sort();

    /** Follows nextCursor from the first page to the end; returns the pages' resources. */
    const walkCursor = async (query: string, onPage?: (page: number) => Promise<void>) => {
      const resources: User[] = [];
      let cursor = '';
      for (let page = 0; page < 100; page++) {
        const response = await dir.request('GET', `/Users?${query}${query ? '&' : ''}cursor=${encodeURIComponent(cursor)}`);
        assertStatus(response, 200);
        assert.deepEqual(response.body.schemas, [LIST_SCHEMA]);
        assert.equal(response.body.itemsPerPage, response.body.Resources.length);
        assert.equal('startIndex' in response.body, false, 'cursor pages carry no startIndex');
        resources.push(...response.body.Resources);
        if (onPage) await onPage(page);
        if (response.body.nextCursor === undefined) return resources;
        assert.equal(typeof response.body.nextCursor, 'string');
        assert.match(response.body.nextCursor, /^[A-Za-z0-9\-._~]+$/, 'cursors use only unreserved characters');
        cursor = response.body.nextCursor;
      }
      throw new Error('the cursor walk did not end');
    };

    before(async () => {
      server = await startTestServer(backend, { defaultPageSize: 20, maxPageSize: 25 });
      dir = await server.createDirectory();
      for (let i = 0; i < USERS; i++) {
        server.clock.now = new Date(BASE_TIME + ((i * 7) % USERS) * 60_000);
        const response = await dir.request('POST', '/Users', seedUser(i));
        assertStatus(response, 201);
        seeded.push(response.body);
      }
      server.clock.now = new Date();
    });
    after(() => server.close());

    it('announces the page sizes in ServiceProviderConfig', async () => {
      const config = await server.raw('GET', '/ServiceProviderConfig');
      assert.equal(config.body.pagination.defaultPageSize, 20);
      assert.equal(config.body.pagination.maxPageSize, 25);
      assert.equal(config.body.pagination.cursor, true);
      assert.equal(config.body.pagination.index, true);
      assert.equal(config.body.pagination.defaultPaginationMethod, 'index');
    });

    it('pages by startIndex and count with integer totalResults, itemsPerPage and the startIndex echoed', async () => {
      const seen: string[] = [];
      for (const startIndex of [1, 8, 15, 22, 29]) {
        const response = await dir.request('GET', `/Users?startIndex=${startIndex}&count=7`);
        assertStatus(response, 200);
        assert.equal(response.body.totalResults, USERS);
        assert.equal(response.body.startIndex, startIndex);
        const expected = Math.min(7, USERS - startIndex + 1);
        assert.equal(response.body.itemsPerPage, expected);
        assert.equal(response.body.Resources.length, expected);
        assert.equal('nextCursor' in response.body, false);
        seen.push(...response.body.Resources.map((r: User) => r.id));
      }
      assertNoDuplicates(seen);
      assert.deepEqual(seen.sort(), allIds());
    });

    it('keeps the same order when the same pages are read again', async () => {
      const read = async () => {
        const ids: string[] = [];
        for (let start = 1; start <= USERS; start += 4) ids.push(...(await dir.request('GET', `/Users?startIndex=${start}&count=4`)).body.Resources.map((r: User) => r.id));
        return ids;
      };
      const first = await read();
      assert.deepEqual(await read(), first);
      assertNoDuplicates(first);
      assert.equal(first.length, USERS);
    });

    it('answers count=0 with totalResults only', async () => {
      const response = await dir.request('GET', '/Users?count=0');
      assertStatus(response, 200);
      assert.equal(response.body.totalResults, USERS);
      assert.equal(response.body.itemsPerPage, 0);
      assert.deepEqual(response.body.Resources, []);
      const filtered = await dir.request('GET', `/Users?count=0&filter=${q('name pr')}`);
      assert.equal(filtered.body.totalResults, seeded.filter((u) => u.name).length);
    });

    it('uses the default page size without count and lowers count above the maximum to it', async () => {
      const byDefault = await dir.request('GET', '/Users');
      assert.equal(byDefault.body.itemsPerPage, 20);
      assert.equal(byDefault.body.totalResults, USERS);
      const clamped = await dir.request('GET', '/Users?count=1000');
      assert.equal(clamped.body.itemsPerPage, 25);
      assert.equal(clamped.body.Resources.length, 25);
      const search = await dir.request('POST', '/Users/.search', { schemas: [SEARCH_SCHEMA], count: 500 });
      assert.equal(search.body.itemsPerPage, 25);
    });

    it('treats startIndex below 1 as 1, a negative count as 0, and answers past the end with an empty page', async () => {
      const zero = await dir.request('GET', '/Users?startIndex=0&count=3');
      assert.equal(zero.body.startIndex, 1);
      const one = await dir.request('GET', '/Users?startIndex=1&count=3');
      assert.deepEqual(zero.body.Resources.map((r: User) => r.id), one.body.Resources.map((r: User) => r.id));
      const negative = await dir.request('GET', '/Users?count=-5');
      assert.equal(negative.body.itemsPerPage, 0);
      assert.equal(negative.body.totalResults, USERS);
      const past = await dir.request('GET', `/Users?startIndex=${USERS + 10}&count=5`);
      assertStatus(past, 200);
      assert.equal(past.body.totalResults, USERS);
      assert.equal(past.body.startIndex, USERS + 10);
      assert.deepEqual(past.body.Resources, []);
    });

    it('refuses a count or startIndex that is not an integer with 400', async () => {
      assertScimError(await dir.request('GET', '/Users?count=ten'), 400, 'invalidCount');
      assertScimError(await dir.request('GET', '/Users?count=1.5'), 400, 'invalidCount');
      assertScimError(await dir.request('GET', '/Users?startIndex=abc'), 400, 'invalidValue');
      assertScimError(await dir.request('GET', '/Users?count=99999999999999999999'), 400, 'invalidCount');
    });

    for (const sortBy of ['userName', 'name.familyName', 'meta.created', 'emails']) {
      for (const sortOrder of ['ascending', 'descending'] as const) {
        it(`sorts by ${sortBy} ${sortOrder}, missing values last, stable across index pages`, async () => {
          const whole = await dir.request('GET', `/Users?sortBy=${sortBy}&sortOrder=${sortOrder}&count=25&startIndex=1`);
          const rest = await dir.request('GET', `/Users?sortBy=${sortBy}&sortOrder=${sortOrder}&count=25&startIndex=26`);
          const users = [...whole.body.Resources, ...rest.body.Resources] as User[];
          assert.equal(users.length, USERS);
          assertSorted(users, sortBy, sortOrder);
          const paged: string[] = [];
          for (let start = 1; start <= USERS; start += 6) {
            const page = await dir.request('GET', `/Users?sortBy=${sortBy}&sortOrder=${sortOrder}&count=6&startIndex=${start}`);
            paged.push(...page.body.Resources.map((r: User) => r.id));
          }
          assert.deepEqual(paged, users.map((u) => u.id));
          const cursorWalk = await walkCursor(`sortBy=${sortBy}&sortOrder=${sortOrder}&count=4`);
          assert.deepEqual(cursorWalk.map((u) => u.id), users.map((u) => u.id));
        });
      }
    }

    it('sorts ascending when only sortBy is given, and accepts sortOrder in any case', async () => {
      const implicit = await dir.request('GET', '/Users?sortBy=userName&count=25');
      assertSorted(implicit.body.Resources, 'userName', 'ascending');
      const upper = await dir.request('GET', '/Users?sortBy=USERNAME&sortOrder=DESCENDING&count=25');
      assertSorted(upper.body.Resources, 'userName', 'descending');
    });

    it('refuses sorting by an unknown or complex attribute with 400', async () => {
      assertScimError(await dir.request('GET', '/Users?sortBy=noSuchAttribute'), 400);
      assertScimError(await dir.request('GET', '/Users?sortBy=name'), 400);
      assertScimError(await dir.request('GET', '/Users?sortBy=userName&sortOrder=sideways'), 400);
    });

    it('walks every user exactly once by cursor, from cursor= to the page without nextCursor', async () => {
      for (const count of [1, 7, 10, 25]) {
        const users = await walkCursor(`count=${count}`);
        const ids = users.map((u) => u.id);
        assertNoDuplicates(ids);
        assert.deepEqual(ids.sort(), allIds(), `count=${count}`);
      }
      const first = await dir.request('GET', '/Users?cursor=&count=10');
      assert.equal(first.body.totalResults, USERS);
      assert.equal(first.body.itemsPerPage, 10);
      assert.equal('previousCursor' in first.body, false);
    });

    it('walks a filtered, sorted listing by cursor and sees exactly the matching users', async () => {
      const filter = 'emails pr and not (name.familyName eq "smith")';
      const users = await walkCursor(`filter=${q(filter)}&sortBy=name.familyName&sortOrder=descending&count=3`);
      const expected = seeded.filter((u) => u.emails && u.name?.familyName?.toLowerCase() !== 'smith').map((u) => u.id);
      assertNoDuplicates(users.map((u) => u.id));
      assert.deepEqual(users.map((u) => u.id).sort(), expected.sort());
      assertSorted(users, 'name.familyName', 'descending');
    });

    it('refuses a tampered or foreign cursor with 400 invalidCursor', async () => {
      const first = await dir.request('GET', '/Users?cursor=&count=5');
      const cursor: string = first.body.nextCursor;
      const [payload, signature] = cursor.split('.');
      const flip = (text: string, at: number) => text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
      const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), p: 0 })).toString('base64url');
      const tampered = [
        `${flip(payload, 3)}.${signature}`,
        `${payload}.${flip(signature, 0)}`,
        `${forged}.${signature}`,
        payload,
        `${cursor}.extra`,
        'garbage',
        '....',
        'eyJrIjpudWxsLCJwIjoxfQ.AAAAAAAAAAAAAAAAAAAAAA',
        "' OR 1=1 --",
        'x'.repeat(5000),
      ];
      for (const bad of tampered) {
        assertScimError(await dir.request('GET', `/Users?count=5&cursor=${encodeURIComponent(bad)}`), 400, 'invalidCursor');
      }
      // A cursor signed by this server over a payload that is not JSON is still refused cleanly.
      const other = await server.createDirectory();
      assertScimError(await other.request('GET', `/Users?count=5&cursor=${encodeURIComponent(cursor)}`), 400, 'invalidCursor');
    });

    it('refuses a cursor reused with a different filter or sort with 400 invalidCursor', async () => {
      const filter = q('userName pr');
      const first = await dir.request('GET', `/Users?cursor=&count=5&filter=${filter}&sortBy=userName`);
      const cursor = encodeURIComponent(first.body.nextCursor);
      assertStatus(await dir.request('GET', `/Users?cursor=${cursor}&count=5&filter=${filter}&sortBy=userName`), 200);
      assertScimError(await dir.request('GET', `/Users?cursor=${cursor}&count=5&filter=${q('name pr')}&sortBy=userName`), 400, 'invalidCursor');
      assertScimError(await dir.request('GET', `/Users?cursor=${cursor}&count=5&sortBy=userName`), 400, 'invalidCursor');
      assertScimError(await dir.request('GET', `/Users?cursor=${cursor}&count=5&filter=${filter}&sortBy=meta.created`), 400, 'invalidCursor');
      assertScimError(await dir.request('GET', `/Users?cursor=${cursor}&count=5&filter=${filter}&sortBy=userName&sortOrder=descending`), 400, 'invalidCursor');
      assertScimError(await dir.request('GET', `/Groups?cursor=${cursor}&count=5&filter=${filter}&sortBy=userName`), 400);
      // A different page size is allowed: only the query is bound, not the count.
      assertStatus(await dir.request('GET', `/Users?cursor=${cursor}&count=2&filter=${filter}&sortBy=userName`), 200);
    });

    it('refuses a cursor older than cursorTimeout with 400 expiredCursor', async () => {
      const first = await dir.request('GET', '/Users?cursor=&count=5');
      const started = server.clock.now;
      try {
        server.clock.now = new Date(started.getTime() + 24 * 3600 * 1000 + 5_000);
        assertScimError(await dir.request('GET', `/Users?count=5&cursor=${encodeURIComponent(first.body.nextCursor)}`), 400, 'expiredCursor');
      } finally {
        server.clock.now = started;
      }
    });

    it('refuses cursor and startIndex together with 400', async () => {
      assertScimError(await dir.request('GET', '/Users?cursor=&startIndex=1'), 400);
    });

    for (const sort of ['', 'sortBy=userName', 'sortBy=name.familyName&sortOrder=descending']) {
      it(`sees every user that existed throughout a cursor walk exactly once while users are created (${sort || 'no sort'})`, async () => {
        const before = (await dir.request('GET', '/Users?count=0')).body.totalResults as number;
        const existing = new Set<string>();
        for (let start = 1; start <= before; start += 25) {
          for (const r of (await dir.request('GET', `/Users?startIndex=${start}&count=25`)).body.Resources) existing.add(r.id);
        }
        assert.equal(existing.size, before);
        const added: string[] = [];
        let n = 0;
        const users = await walkCursor(`${sort}${sort ? '&' : ''}count=4`, async (page) => {
          // New users land before, inside and after the part already read.
          const prefix = ['a', 'm', 'z'][page % 3];
          const created = await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: `${prefix}-during-${sort.length}-${n++}@example.com`, name: { familyName: `${prefix}-late` } });
          assertStatus(created, 201);
          added.push(created.body.id);
        });
        const ids = users.map((u) => u.id);
        assertNoDuplicates(ids);
        const missed = [...existing].filter((id) => !ids.includes(id));
        assert.deepEqual(missed, [], 'every pre-existing user is seen');
        assert.ok(ids.every((id) => existing.has(id) || added.includes(id)));
        for (const id of added) assertStatus(await dir.request('DELETE', `/Users/${id}`), 204);
      });
    }

    it('searches with POST /.search: filter, attributes array, sortBy and index paging', async () => {
      const response = await dir.request('POST', '/Users/.search', {
        schemas: [SEARCH_SCHEMA],
        filter: 'name pr',
        attributes: ['userName', 'name.familyName'],
        sortBy: 'userName',
        sortOrder: 'descending',
        startIndex: 3,
        count: 4,
      });
      assertStatus(response, 200);
      const withName = seeded.filter((u) => u.name);
      assert.equal(response.body.totalResults, withName.length);
      assert.equal(response.body.startIndex, 3);
      assert.equal(response.body.itemsPerPage, 4);
      const expected = withName
        .map((u) => u.userName)
        .sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? 1 : -1))
        .slice(2, 6);
      assert.deepEqual(response.body.Resources.map((r: User) => r.userName), expected);
      for (const resource of response.body.Resources) {
        assert.deepEqual(Object.keys(resource).sort(), ['id', 'name', 'schemas', 'userName']);
        assert.deepEqual(Object.keys(resource.name), ['familyName']);
      }
    });

    it('searches with POST /.search by cursor, carrying nextCursor in the body', async () => {
      const ids: string[] = [];
      let cursor = '';
      for (let page = 0; page < 50; page++) {
        const response = await dir.request('POST', '/Users/.search', { schemas: [SEARCH_SCHEMA], filter: 'emails pr', excludedAttributes: ['emails'], cursor, count: 6 });
        assertStatus(response, 200);
        for (const r of response.body.Resources) {
          assert.equal('emails' in r, false);
          ids.push(r.id);
        }
        if (!response.body.nextCursor) break;
        cursor = response.body.nextCursor;
      }
      assertNoDuplicates(ids);
      assert.deepEqual(ids.sort(), seeded.filter((u) => u.emails).map((u) => u.id).sort());
    });

    it('refuses a malformed SearchRequest with 400', async () => {
      assertScimError(await dir.request('POST', '/Users/.search', []), 400);
      assertScimError(await dir.request('POST', '/Users/.search', { filter: 42 }), 400);
      assertScimError(await dir.request('POST', '/Users/.search', { count: 'many' }), 400, 'invalidCount');
      assertScimError(await dir.request('POST', '/Users/.search', { attributes: [1, 2] }), 400);
      assertScimError(await dir.request('POST', '/Users/.search', { cursor: 7 }), 400);
    });
  });
}
