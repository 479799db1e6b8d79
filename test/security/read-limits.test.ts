import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_LIMITS } from '../../src/http/limits/server-limits.js';
import { BACKENDS } from '../support/databases.js';
import { assertScimError, assertStatus, q, USER_SCHEMA } from '../support/scim-assertions.js';
import { startTestServer, type TestDirectory, type TestServer } from '../support/test-server.js';

const SEARCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const LIMITS = { ...DEFAULT_LIMITS, maxProjectionEntries: 20, maxResponseBytes: 20_000 };
const FILTER_LIMITS = { maxLength: 8192, maxDepth: 32, maxTerms: 8 };

/** A projection entry narrowing emails with a value filter of `comparisons` comparisons. */
const narrowed = (comparisons: number) => `emails[${Array.from({ length: comparisons }, (_, i) => `type eq "t${i}"`).join(' or ')}]`;

for (const backend of BACKENDS) {
  describe(`caps on what one read may cost (${backend})`, () => {
    let server: TestServer;
    let dir: TestDirectory;
    before(async () => {
      server = await startTestServer(backend, { limits: LIMITS, filterLimits: FILTER_LIMITS });
      dir = await server.createDirectory();
      for (let i = 0; i < 5; i++) {
        assertStatus(await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: `big${i}@example.com`, title: 'x'.repeat(6000) }), 201);
      }
    });
    after(() => server.close());

    it('refuses more attributes and excludedAttributes entries than allowed with 400 tooMany, on GET and POST .search', async () => {
      const names = (n: number) => Array.from({ length: n }, (_, i) => `attr${i}`);
      const search = (attributes: string[], excludedAttributes: string[]) => dir.request('POST', '/Users/.search', { schemas: [SEARCH_SCHEMA], attributes, excludedAttributes, count: 1 });
      assertScimError(await search(names(21), []), 400, 'tooMany');
      assertScimError(await search(names(11), names(10)), 400, 'tooMany');
      assertScimError(await dir.request('GET', `/Users?count=1&attributes=${names(21).join(',')}`), 400, 'tooMany');
      assertScimError(await dir.request('POST', '/.search', { schemas: [SEARCH_SCHEMA], attributes: names(21), count: 1 }), 400, 'tooMany');
      assertStatus(await search(names(10), names(10)), 200);
    });

    it('counts the comparisons of every value filter in attributes against the filter limit, together', async () => {
      // Three entries of three comparisons each: every filter is inside the limit of 8, the sum is not.
      const response = await dir.request('POST', '/Users/.search', { schemas: [SEARCH_SCHEMA], attributes: [narrowed(3), narrowed(3), narrowed(3)], count: 1 });
      assertScimError(response, 400, 'tooMany');
      assertStatus(await dir.request('POST', '/Users/.search', { schemas: [SEARCH_SCHEMA], attributes: [narrowed(4), narrowed(4)], count: 1 }), 200);
    });

    it('refuses a response over the size cap with 400 tooMany instead of building it, and serves a narrower one', async () => {
      const whole = await dir.request('GET', '/Users');
      assertScimError(whole, 400, 'tooMany');
      assert.match(whole.body.detail, /narrow the request/);
      assertScimError(await dir.request('POST', '/Users/.search', { schemas: [SEARCH_SCHEMA] }), 400, 'tooMany');
      assertScimError(await dir.request('POST', '/.search', { schemas: [SEARCH_SCHEMA] }), 400, 'tooMany');
      assertStatus(await dir.request('POST', '/.search', { schemas: [SEARCH_SCHEMA], count: 2 }), 200);
      assertStatus(await dir.request('GET', '/Users?count=2'), 200);
      assertStatus(await dir.request('GET', `/Users?attributes=userName`), 200);
    });
  });

  describe(`a huge search body (${backend})`, () => {
    let server: TestServer;
    let dir: TestDirectory;
    before(async () => {
      server = await startTestServer(backend);
      dir = await server.createDirectory();
    });
    after(() => server.close());

    it('is refused with 400 tooMany without stalling the event loop, and /healthz answers meanwhile', async () => {
      // About 1 MB of attributes, each with a value filter: this held the event loop for seconds.
      const attributes = Array.from({ length: Math.floor(1_000_000 / (JSON.stringify(narrowed(4)).length + 1)) - 10 }, () => narrowed(4));
      const body = JSON.stringify({ schemas: [SEARCH_SCHEMA], attributes });
      assert.ok(body.length < server.config.bodyLimit);
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      const order: string[] = [];
      const search = dir.request('POST', '/Users/.search', body).then((response) => {
        order.push('search');
        return response;
      });
      const health = server.raw('GET', `${server.origin}/healthz`).then((response) => {
        order.push('healthz');
        return response;
      });
      const [searched, healthz] = await Promise.all([search, health]);
      delay.disable();
      assertScimError(searched, 400, 'tooMany');
      assert.equal(healthz.status, 200);
      assert.deepEqual([...order].sort(), ['healthz', 'search']);
      // A generous bound: the refusal costs milliseconds; before the caps it held the loop for seconds.
      assert.ok(delay.max < 2_000_000_000, `event loop held for ${Math.round(delay.max / 1e6)} ms`);
    });
  });
}
