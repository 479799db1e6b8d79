import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { throwsScimError, type ExpectedScimError } from '../../../test/support/throws-scim-error.js';
import { userModel } from '../schema/resource-models.js';
import { parseListQuery, searchRequestParams, type PagingSettings } from './list-query.js';

const PAGING: PagingSettings = { defaultPageSize: 100, maxPageSize: 500 };
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const parse = (params: Record<string, unknown>) => parseListQuery(userModel, params, PAGING);

describe('parseListQuery paging', () => {
  /** Query parameters (strings, as from a URL) or SearchRequest members (typed) → paging. */
  const CASES: [Record<string, unknown>, { count: number; startIndex: number; cursor?: string }][] = [
    [{}, { count: 100, startIndex: 1 }],
    [{ count: '10' }, { count: 10, startIndex: 1 }],
    [{ count: '0' }, { count: 0, startIndex: 1 }],
    [{ count: '500' }, { count: 500, startIndex: 1 }],
    [{ count: '501' }, { count: 500, startIndex: 1 }],
    [{ count: '100000' }, { count: 500, startIndex: 1 }],
    [{ count: '-5' }, { count: 0, startIndex: 1 }],
    [{ count: ' 7 ' }, { count: 7, startIndex: 1 }],
    [{ count: '' }, { count: 100, startIndex: 1 }],
    [{ startIndex: '5' }, { count: 100, startIndex: 5 }],
    [{ startIndex: '1' }, { count: 100, startIndex: 1 }],
    [{ startIndex: '0' }, { count: 100, startIndex: 1 }],
    [{ startIndex: '-3' }, { count: 100, startIndex: 1 }],
    [{ count: 20, startIndex: 41 }, { count: 20, startIndex: 41 }],
    [{ COUNT: '7', StartIndex: '3' }, { count: 7, startIndex: 3 }],
    [{ count: ['5', '6'] }, { count: 6, startIndex: 1 }],
    [{ cursor: '' }, { count: 100, startIndex: 1, cursor: '' }],
    [{ cursor: 'abc.def', count: '10' }, { count: 10, startIndex: 1, cursor: 'abc.def' }],
  ];
  for (const [params, expected] of CASES) {
    it(`reads ${JSON.stringify(params)} as ${JSON.stringify(expected)}`, () => {
      const query = parse(params);
      assert.deepEqual({ count: query.count, startIndex: query.startIndex, ...(query.cursor === undefined ? {} : { cursor: query.cursor }) }, expected);
    });
  }

  it('uses the configured default and maximum page sizes', () => {
    const paging = { defaultPageSize: 7, maxPageSize: 9 };
    assert.equal(parseListQuery(userModel, {}, paging).count, 7);
    assert.equal(parseListQuery(userModel, { count: '10' }, paging).count, 9);
  });

  const ERRORS: [Record<string, unknown>, ExpectedScimError][] = [
    [{ count: 'abc' }, { status: 400, scimType: 'invalidCount', detail: /count must be an integer/ }],
    [{ count: '1.5' }, { status: 400, scimType: 'invalidCount' }],
    [{ count: 1.5 }, { status: 400, scimType: 'invalidCount' }],
    [{ count: '1e3' }, { status: 400, scimType: 'invalidCount' }],
    [{ count: '99999999999999999999' }, { status: 400, scimType: 'invalidCount' }],
    [{ count: true }, { status: 400, scimType: 'invalidCount' }],
    [{ startIndex: 'x' }, { status: 400, scimType: 'invalidValue', detail: /startIndex must be an integer/ }],
    [{ startIndex: '2.0' }, { status: 400, scimType: 'invalidValue' }],
    [{ cursor: 'abc', startIndex: '1' }, { status: 400, scimType: 'invalidValue', detail: /either cursor or startIndex/ }],
    [{ cursor: 5 }, { status: 400, scimType: 'invalidValue', detail: /cursor must be a string/ }],
  ];
  for (const [params, expected] of ERRORS) {
    it(`rejects ${JSON.stringify(params)} with 400 ${expected.scimType}`, () => {
      throwsScimError(() => parse(params), expected);
    });
  }
});

describe('parseListQuery sorting and filtering', () => {
  const ORDERS: [string | undefined, 'ascending' | 'descending'][] = [
    [undefined, 'ascending'],
    ['', 'ascending'],
    ['ascending', 'ascending'],
    ['descending', 'descending'],
    ['DESCENDING', 'descending'],
    ['Ascending', 'ascending'],
  ];
  for (const [sortOrder, expected] of ORDERS) {
    it(`reads sortOrder=${sortOrder ?? '(absent)'} as ${expected}`, () => {
      assert.equal(parse(sortOrder === undefined ? {} : { sortOrder }).sortOrder, expected);
    });
  }

  it('rejects a sortOrder other than ascending or descending', () => {
    throwsScimError(() => parse({ sortOrder: 'down' }), { status: 400, scimType: 'invalidValue', detail: /sortOrder/ });
    throwsScimError(() => parse({ sortOrder: 'asc' }), { status: 400, scimType: 'invalidValue' });
  });

  const SORT_BY: [string, { container?: string; name: string; sub?: string }][] = [
    ['userName', { name: 'userName' }],
    ['USERNAME', { name: 'userName' }],
    ['name.familyName', { name: 'name', sub: 'familyName' }],
    ['meta.created', { name: 'meta', sub: 'created' }],
    ['emails', { name: 'emails' }],
    [`${ENTERPRISE}:employeeNumber`, { container: ENTERPRISE, name: 'employeeNumber' }],
  ];
  for (const [sortBy, expected] of SORT_BY) {
    it(`resolves sortBy=${sortBy}`, () => {
      const resolved = parse({ sortBy }).sortBy!;
      assert.deepEqual({ container: resolved.container, name: resolved.name, sub: resolved.sub?.name }, { container: undefined, sub: undefined, ...expected });
    });
  }

  it('rejects sortBy on an unknown attribute, a single-valued complex attribute or a malformed path', () => {
    throwsScimError(() => parse({ sortBy: 'nope' }), { status: 400, scimType: 'invalidValue', detail: /unknown attribute/ });
    throwsScimError(() => parse({ sortBy: 'name' }), { status: 400, scimType: 'invalidValue', detail: /complex/ });
    throwsScimError(() => parse({ sortBy: 'name..x' }), { status: 400, scimType: 'invalidValue' });
    throwsScimError(() => parse({ sortBy: 5 }), { status: 400, scimType: 'invalidValue' });
  });

  it('parses the filter, ignores a blank one and rejects a malformed one with invalidFilter', () => {
    assert.deepEqual(parse({ filter: 'userName eq "a"' }).filter, { kind: 'compare', path: { attr: 'userName' }, op: 'eq', value: 'a' });
    assert.equal(parse({ filter: '  ' }).filter, undefined);
    throwsScimError(() => parse({ filter: 'userName eq' }), { status: 400, scimType: 'invalidFilter' });
    throwsScimError(() => parse({ filter: 5 }), { status: 400, scimType: 'invalidValue' });
  });

  it('passes filter limits through', () => {
    throwsScimError(() => parseListQuery(userModel, { filter: 'a pr or b pr' }, PAGING, { maxLength: 100, maxDepth: 5, maxTerms: 1 }), {
      status: 400,
      scimType: 'invalidFilter',
      detail: /more than 1 comparisons/,
    });
  });

  it('reads attributes and excludedAttributes given as arrays in a SearchRequest', () => {
    const query = parse(searchRequestParams({ attributes: ['userName', 'emails'], excludedAttributes: [] }));
    assert.deepEqual(query.projection.attributes?.map((entry) => entry.name), ['userName', 'emails']);
  });

  it('rejects a SearchRequest that is not an object', () => {
    throwsScimError(() => searchRequestParams('filter=x'), { status: 400, scimType: 'invalidValue' });
  });

  it('reads excludedAttributes given as an array of several names in a SearchRequest', () => {
    const query = parse(searchRequestParams({ excludedAttributes: ['emails', 'name'] }));
    assert.deepEqual(query.projection.excluded?.map((entry) => entry.name), ['emails', 'name']);
    assert.equal(query.projection.attributes, undefined);
  });

  it('treats null members of a SearchRequest as absent, and reads nothing from a member named "undefined"', () => {
    const query = parse({ filter: null, sortBy: null, sortOrder: null, count: null, startIndex: null, cursor: null });
    assert.deepEqual(query, parse({}));
    assert.equal(query.filter, undefined);
    assert.equal(query.cursor, undefined);
    assert.equal(query.sortBy, undefined);
    assert.equal(parse({ sortBy: '' }).sortBy, undefined);
    assert.equal(parse({ undefined: 'userName eq "a"' }).filter, undefined);
  });

  it('says which parameter has the wrong type', () => {
    throwsScimError(() => parse({ filter: 5 }), { status: 400, scimType: 'invalidValue', detail: /^filter must be a string$/ });
    throwsScimError(() => parse({ sortBy: 5 }), { status: 400, scimType: 'invalidValue', detail: /^sortBy must be an attribute path$/ });
    throwsScimError(() => searchRequestParams([]), { status: 400, scimType: 'invalidValue', detail: /must be a JSON object/ });
  });
});
