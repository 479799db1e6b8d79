import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { throwsScimError } from '../../../test/support/throws-scim-error.js';
import type { ScimType } from '../errors.js';
import type { JsonObject } from '../json.js';
import { DEFAULT_FILTER_LIMITS, parseFilter } from '../filter/parser.js';
import { parseProjection } from '../resource/projection.js';
import { groupModel, userModel } from '../schema/resource-models.js';
import { resolveAttribute } from '../schema/resolve.js';
import { parseAllTypesQuery } from './all-types-query.js';

const PAGING = { defaultPageSize: 50, maxPageSize: 200 };

/** A 400 with exactly this scimType and detail. */
function refused(run: () => unknown, scimType: ScimType, detail: string): void {
  assert.equal(throwsScimError(run, { status: 400, scimType }).detail, detail);
}

describe('parseAllTypesQuery (a SearchRequest sent to the server root)', () => {
  it('reads paging, order and the filter once, for every type', () => {
    const query = parseAllTypesQuery({ filter: 'userName pr or members pr', sortOrder: 'Descending', startIndex: 3, count: 500 }, PAGING);
    assert.deepEqual(query.filter, parseFilter('userName pr or members pr'));
    assert.equal(query.sortOrder, 'descending');
    assert.equal(query.startIndex, 3);
    assert.equal(query.count, 200);
    assert.equal(query.sortBy, undefined);
    assert.deepEqual(parseAllTypesQuery({}, PAGING), { sortOrder: 'ascending', startIndex: 1, count: 50, projection: { User: {}, Group: {} } });
  });

  it('accepts an attribute that only one type defines, anywhere in the filter', () => {
    for (const filter of ['userName eq "a"', 'members[value eq "x"]', 'not (members pr)', 'userName pr and members pr', 'displayName sw "a" or externalId pr']) {
      assert.deepEqual(parseAllTypesQuery({ filter }, PAGING).filter, parseFilter(filter), filter);
    }
  });

  it('refuses an attribute that no type defines with 400 invalidFilter, wherever it stands', () => {
    for (const filter of ['nosuch pr', 'userName pr and nosuch pr', 'nosuch pr or members pr', 'not (nosuch eq "x")', 'nosuch[value eq "x"]']) {
      refused(() => parseAllTypesQuery({ filter }, PAGING), 'invalidFilter', 'Unknown attribute nosuch: no resource type has it');
    }
  });

  it('reads sortBy per type: a type without the attribute is left out, and only an attribute no type has is refused', () => {
    assert.deepEqual(parseAllTypesQuery({ sortBy: 'userName' }, PAGING).sortBy, { User: resolveAttribute(userModel, { attr: 'userName' }) });
    assert.deepEqual(parseAllTypesQuery({ SORTBY: 'members' }, PAGING).sortBy, { Group: resolveAttribute(groupModel, { attr: 'members' }) });
    assert.deepEqual(parseAllTypesQuery({ sortBy: 'displayName' }, PAGING).sortBy, {
      User: resolveAttribute(userModel, { attr: 'displayName' }),
      Group: resolveAttribute(groupModel, { attr: 'displayName' }),
    });
    for (const empty of ['', null]) assert.equal(parseAllTypesQuery({ sortBy: empty }, PAGING).sortBy, undefined);
    refused(() => parseAllTypesQuery({ sortBy: 'nosuch' }, PAGING), 'invalidValue', 'sortBy names an attribute no resource type has: nosuch');
    refused(() => parseAllTypesQuery({ sortBy: 5 }, PAGING), 'invalidValue', 'sortBy must be an attribute path');
    refused(() => parseAllTypesQuery({ sortBy: 'name' }, PAGING), 'invalidValue', 'sortBy must name a simple attribute; name is complex');
  });

  it('reads attributes and excludedAttributes per type, under the entry limit', () => {
    const params = { Attributes: 'userName,members', excludedattributes: ['displayName'] };
    const query = parseAllTypesQuery(params, PAGING);
    assert.deepEqual(query.projection, {
      User: parseProjection(userModel, 'userName,members', ['displayName']),
      Group: parseProjection(groupModel, 'userName,members', ['displayName']),
    });
    assert.notDeepEqual(query.projection.User, query.projection.Group);
    throwsScimError(() => parseAllTypesQuery(params, PAGING, undefined, 2), { status: 400, scimType: 'tooMany' });
  });

  it('applies the filter limits it is given', () => {
    const limits = { ...DEFAULT_FILTER_LIMITS, maxTerms: 1 };
    throwsScimError(() => parseAllTypesQuery({ filter: 'userName pr and members pr' }, PAGING, limits), { status: 400, scimType: 'invalidFilter', detail: /more than 1 comparisons/ });
    throwsScimError(() => parseAllTypesQuery({ attributes: 'emails[type eq "a" or type eq "b"]' }, PAGING, limits), { status: 400, scimType: 'invalidFilter' });
  });

  it('refuses a cursor: cursor paging is per resource type', () => {
    for (const params of [{ cursor: '' }, { Cursor: 'abc' }] as JsonObject[]) {
      throwsScimError(() => parseAllTypesQuery(params, PAGING), { status: 400, scimType: 'invalidValue', detail: /^Cursor paging is per resource type/ });
    }
    assert.equal(parseAllTypesQuery({ cursor: null }, PAGING).count, 50);
  });
});
