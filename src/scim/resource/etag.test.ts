import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesVersion, parseEntityTags } from './etag.js';
import { etagOf } from './representation.js';

describe('entity tags', () => {
  it('writes a version as a weak entity tag', () => {
    assert.equal(etagOf(3), 'W/"3"');
  });

  /** [If-Match header, does it match version 3]; undefined means no condition at all. */
  const CASES: [string | undefined, boolean | undefined][] = [
    [undefined, undefined],
    ['', undefined],
    ['*', true],
    [' * ', true],
    ['W/"3"', true],
    ['"3"', true],
    ['W/"2"', false],
    ['"30"', false],
    ['W/"2", W/"3"', true],
    ['"1","2"', false],
    ['3', false],
  ];
  for (const [header, expected] of CASES) {
    it(`${expected === undefined ? 'sets no condition for' : expected ? 'matches version 3 with' : 'does not match version 3 with'} ${JSON.stringify(header)}`, () => {
      const condition = parseEntityTags(header);
      if (expected === undefined) assert.equal(condition, undefined);
      else assert.equal(matchesVersion(condition!, 3), expected);
    });
  }
});
