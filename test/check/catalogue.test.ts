import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CATALOGUE, selectChecks } from '../../src/check/catalogue.js';
import { AREAS, PROFILES } from '../../src/check/check-types.js';

describe('the check catalogue', () => {
  test('ids are unique, lower-case and dotted; every check says what it sends, expects and on whose authority', () => {
    const ids = CATALOGUE.map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const check of CATALOGUE) {
      assert.match(check.id, /^[a-z]+(\.[a-z0-9-]+)+$/, check.id);
      assert.match(check.authority, /RFC \d{4}|Entra|Okta|peers\.md/, `${check.id} cites an RFC or IdP behaviour`);
      assert.ok(check.title && check.sends && check.expects && check.profiles.length > 0, check.id);
    }
  });

  test('every area and every profile has checks', () => {
    for (const area of AREAS) assert.ok(CATALOGUE.some((c) => c.area === area), area);
    for (const profile of PROFILES) assert.ok(selectChecks(profile).length > 10, profile);
  });

  test('a profile selects its checks; --only takes ids and id prefixes across profiles', () => {
    assert.ok(selectChecks('okta').every((c) => c.profiles.includes('okta')));
    assert.ok(selectChecks('entra').some((c) => c.id === 'patch.entra.string-booleans'));
    assert.ok(!selectChecks('rfc').some((c) => c.id === 'patch.entra.string-booleans'));
    assert.deepEqual(selectChecks('okta', ['etag.if-match']).map((c) => c.id), ['etag.if-match']);
    const filters = selectChecks('all', ['filter']).map((c) => c.id);
    assert.ok(filters.length > 15 && filters.every((id) => id.startsWith('filter.')));
    assert.ok(!selectChecks('all', ['filter.eq']).some((c) => c.id === 'filter.sw'));
    assert.throws(() => selectChecks('all', ['filte']), /no check has that id/);
  });
});
