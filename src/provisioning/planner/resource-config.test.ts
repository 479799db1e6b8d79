import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupModel, userModel } from '../../scim/schema/resource-models.js';
import { buildResourceConfig } from './resource-config.js';

describe('resource configuration with default mappings', () => {
  it('matches an empty SCIM-shaped source (a new directory) on its name attribute, then externalId', () => {
    const users = buildResourceConfig({ model: userModel, format: 'scim', attributes: [], records: [], custom: undefined, defaults: [], scoping: undefined, label: 'user' });
    assert.deepEqual(users.matching.map((m) => m.path.text), ['userName', 'externalId']);
    const groups = buildResourceConfig({ model: groupModel, format: 'scim', attributes: [], records: [], custom: undefined, defaults: [], scoping: undefined, label: 'group' });
    assert.deepEqual(groups.matching.map((m) => m.path.text), ['displayName', 'externalId']);
  });

  it('still refuses a source whose columns name nothing to match on', () => {
    assert.throws(
      () => buildResourceConfig({ model: userModel, format: 'scim', attributes: ['title'], records: [], custom: undefined, defaults: [], scoping: undefined, label: 'user' }),
      /name no matching attribute/,
    );
  });
});
