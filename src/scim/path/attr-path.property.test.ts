import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fuzzParameters, hostileText } from '../../../test/reliability/support/fuzz-settings.js';
import { ScimError } from '../errors.js';
import { parsePatchPath } from '../patch/patch-path.js';
import { groupModel, userModel } from '../schema/resource-models.js';
import { formatAttrPath, parseAttrPath } from './attr-path.js';

const nameText = fc.stringMatching(/^\$?[A-Za-z][\w-]{0,12}$/);
const uriText = fc.constantFrom('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', 'urn:ietf:params:scim:schemas:core:2.0:User', 'urn:x', 'URN:a:b.c');

/** Text built from path pieces, then mangled: what a client may really send as a path. */
const pathLike = fc.oneof(
  fc.tuple(fc.option(uriText), nameText, fc.option(nameText)).map(([uri, attr, sub]) => `${uri ? `${uri}:` : ''}${attr}${sub ? `.${sub}` : ''}`),
  fc
    .array(fc.oneof(nameText, fc.constantFrom('.', ':', '[', ']', 'urn:', ' eq ', '"x"', ' and ', '__proto__', 'constructor', 'prototype', '$ref'), hostileText), { maxLength: 8 })
    .map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 60 }),
);

function refusedWith(error: unknown, scimType: string): void {
  assert.ok(error instanceof ScimError, `threw ${String(error)}`);
  assert.equal(error.status, 400);
  assert.equal(error.scimType, scimType);
}

describe('attribute path properties', () => {
  it('formats any parsed path back to the text it came from', () => {
    fc.assert(
      fc.property(pathLike, (text) => {
        let parsed;
        try {
          parsed = parseAttrPath(text);
        } catch (error) {
          return refusedWith(error, 'invalidPath');
        }
        assert.equal(formatAttrPath(parsed), text);
        assert.deepEqual(parseAttrPath(formatAttrPath(parsed)), parsed);
      }),
      fuzzParameters(3000),
    );
  });

  it('parses any PATCH path text to a path or a 400 invalidPath, for users and groups', () => {
    fc.assert(
      fc.property(
        fc.oneof(pathLike, fc.tuple(pathLike, fc.constantFrom('[type eq "work"]', '[value eq "x" or value eq "y"]', '[', ']', '[]', '[[a pr]]'), fc.option(nameText)).map(([a, f, s]) => `${a}${f}${s ? `.${s}` : ''}`)),
        fc.constantFrom(userModel, groupModel),
        (text, model) => {
          try {
            const parsed = parsePatchPath(text, model);
            assert.ok(parsed.kind === 'attribute' || parsed.kind === 'extension');
          } catch (error) {
            refusedWith(error, 'invalidPath');
          }
        },
      ),
      fuzzParameters(3000),
    );
  });
});
